import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { levels } from "~/modules/certificates/schemas";
import { bankCertificates, coverage } from "~/modules/banks/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// §二.6: which skill requirements have practice questions, exam questions and cases, and which have none.
export const handle: RouteHandle = { title: "questions.coverage.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const certificates = await bankCertificates(tx, ctx);
    const wanted = new URL(request.url).searchParams.get("certificate");
    const certificate = certificates.find((c) => c.id === wanted) ?? certificates[0] ?? null;
    return { certificates, certificate, report: certificate ? await coverage(tx, ctx, certificate.id) : null };
  });
}

export default function Coverage() {
  const { certificates, certificate, report } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const when = (at: string | null) => (at ? formatDateTime(at, locale) : t("questions.coverage.never"));
  const title = (r: { titleZh: string; titleEn: string }) => (en && r.titleEn ? r.titleEn : r.titleZh);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("questions.coverage.title")}</h1>
        <p className="text-sm text-gray-600">{t("questions.coverage.lead")}</p>
      </div>
      <Form method="get" className="flex items-end gap-3 text-sm">
        <label>
          {t("questions.certificate")}
          <select name="certificate" defaultValue={certificate?.id} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
            {certificates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code} · {en ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
          {t("questions.apply")}
        </button>
      </Form>
      {!report || report.requirements.length === 0 ? (
        <EmptyState>{t("questions.coverage.noStandard")}</EmptyState>
      ) : (
        <>
          <section className="rounded border border-gray-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-semibold">{t("questions.coverage.freshness")}</h2>
            <ul className="space-y-1" data-testid="freshness">
              <li>
                {t("questions.coverage.questions")}: {when(report.lastUpdated.questions)}
              </li>
              <li>
                {t("questions.coverage.cases")}: {when(report.lastUpdated.cases)}
              </li>
              <li>
                {t("questions.coverage.materials")}: {when(report.lastUpdated.materials)}
              </li>
            </ul>
          </section>
          <section className={`rounded border p-4 text-sm ${report.uncovered.length ? "border-amber-300 bg-amber-50" : "border-green-200 bg-green-50"}`}>
            {report.uncovered.length ? (
              <>
                <h2 className="mb-2 font-semibold">{t("questions.coverage.uncovered", { count: report.uncovered.length })}</h2>
                <ul className="list-disc pl-5" data-testid="uncovered">
                  {report.uncovered.map((r) => (
                    <li key={`${r.level}:${r.lineageId}`}>
                      {t(`certificates.levelNames.${r.level}`)} <span className="font-mono">{r.code}</span> {title(r)}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{t("questions.coverage.allCovered")}</p>
            )}
          </section>
          {levels
            .filter((level) => report.requirements.some((r) => r.level === level))
            .map((level) => (
              <section key={level}>
                <h2 className="mb-2 text-lg font-semibold">{t(`certificates.levelNames.${level}`)}</h2>
                <Table
                  caption={t(`certificates.levelNames.${level}`)}
                  head={
                    <tr>
                      <th className="px-3 py-2">{t("questions.coverage.requirement")}</th>
                      <th className="px-3 py-2 text-right">{t("questions.coverage.practice")}</th>
                      <th className="px-3 py-2 text-right">{t("questions.coverage.exam")}</th>
                      <th className="px-3 py-2 text-right">{t("questions.coverage.cases")}</th>
                    </tr>
                  }
                >
                  {report.requirements
                    .filter((r) => r.level === level)
                    .map((r) => (
                      <tr key={r.lineageId} data-testid="coverage-row" className={r.practice + r.exam + r.cases === 0 ? "bg-amber-50" : undefined}>
                        <td className="px-3 py-2">
                          <span className="font-mono">{r.code}</span> {title(r)}
                        </td>
                        <td className="px-3 py-2 text-right">{r.practice}</td>
                        <td className="px-3 py-2 text-right">{r.exam}</td>
                        <td className="px-3 py-2 text-right">{r.cases}</td>
                      </tr>
                    ))}
                </Table>
              </section>
            ))}
        </>
      )}
    </div>
  );
}
