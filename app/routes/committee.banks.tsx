import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { bankOverview } from "~/modules/committee/banks.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, ExportLinks, filterSelect, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "committee.banks.title" };

// Every organization's banks at a glance: counts and freshness. Exam questions appear as counts only.
export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", async (tx) => {
    const query = new URL(request.url).searchParams;
    return bankOverview(tx, { organization: query.get("organization") ?? undefined, flag: query.get("flag") ?? undefined });
  });
}

export default function CommitteeBanks() {
  const { rows, materials, organizations, staleDays } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const when = (value: string | null) => (value ? formatDateTime(value, locale) : "—");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("committee.banks.title")}</h1>
        <p className="text-sm text-gray-600">{t("committee.banks.lead")}</p>
        <p className="text-sm text-gray-600">{t("oversight.banks.staleRule", { days: staleDays })}</p>
      </div>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3 text-sm">
        <label>
          {t("committee.banks.organization")}
          {filterSelect(searchParams, t("committee.banks.all"))(
            "organization",
            organizations.map((o) => ({ value: o.slug, label: en && o.nameEn ? o.nameEn : o.name })),
          )}
        </label>
        <label>
          {t("oversight.banks.flag")}
          {filterSelect(searchParams, t("committee.banks.all"))("flag", [
            { value: "empty", label: t("oversight.kinds.empty") },
            { value: "stale", label: t("oversight.kinds.stale") },
          ])}
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
          {t("committee.banks.filter")}
        </button>
      </Form>
      <ExportLinks list="banks" to="/committee/export/banks" />
      {rows.length === 0 ? (
        <EmptyState>{t("committee.banks.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("committee.banks.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("committee.banks.organization")}</th>
              <th className="px-3 py-2">{t("committee.banks.certificate")}</th>
              <th className="px-3 py-2">{t("committee.banks.level")}</th>
              <th className="px-3 py-2 text-right">{t("committee.banks.practice")}</th>
              <th className="px-3 py-2 text-right">{t("committee.banks.exam")}</th>
              <th className="px-3 py-2 text-right">{t("committee.banks.cases")}</th>
              <th className="px-3 py-2">{t("committee.banks.questionsUpdated")}</th>
              <th className="px-3 py-2">{t("committee.banks.casesUpdated")}</th>
              <th className="px-3 py-2">{t("oversight.banks.flag")}</th>
            </tr>
          }
        >
          {rows.map((r) => (
            <tr key={`${r.organizationSlug}:${r.certificateCode}:${r.level}`} data-testid="bank-row">
              <td className="px-3 py-2">{en && r.organizationNameEn ? r.organizationNameEn : r.organizationName}</td>
              <td className="px-3 py-2">
                {r.certificateCode ? (
                  <>
                    <span className="font-mono text-xs">{r.certificateCode}</span> {en ? r.certificateNameEn : r.certificateNameZh}
                  </>
                ) : (
                  t("oversight.banks.noCertificate")
                )}
              </td>
              <td className="px-3 py-2">{r.level ? t(`certificates.levelNames.${r.level}`) : "—"}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.practice}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.exam}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.cases}</td>
              <td className="whitespace-nowrap px-3 py-2">{when(r.questionsUpdated)}</td>
              <td className="whitespace-nowrap px-3 py-2">{when(r.casesUpdated)}</td>
              <td className="px-3 py-2" data-testid="bank-flag">
                {r.flag ? (
                  <span className={`rounded px-2 py-0.5 text-xs ${r.flag === "empty" ? "bg-red-100 text-red-900" : "bg-amber-100 text-amber-900"}`}>
                    {t(`oversight.kinds.${r.flag}`)}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <section>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">{t("committee.banks.materials")}</h2>
          <ExportLinks list="bank-materials" to="/committee/export/bank-materials" />
        </div>
        {materials.length === 0 ? (
          <EmptyState>{t("committee.banks.empty")}</EmptyState>
        ) : (
          <Table
            caption={t("committee.banks.materials")}
            head={
              <tr>
                <th className="px-3 py-2">{t("committee.banks.organization")}</th>
                <th className="px-3 py-2">{t("committee.banks.certificate")}</th>
                <th className="px-3 py-2 text-right">{t("committee.banks.materialCount")}</th>
                <th className="px-3 py-2">{t("committee.banks.updated")}</th>
              </tr>
            }
          >
            {materials.map((m) => (
              <tr key={`${m.organizationSlug}:${m.certificateCode}`}>
                <td className="px-3 py-2">{en && m.organizationNameEn ? m.organizationNameEn : m.organizationName}</td>
                <td className="px-3 py-2">
                  <span className="font-mono text-xs">{m.certificateCode}</span> {en ? m.certificateNameEn : m.certificateNameZh}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{m.materials}</td>
                <td className="whitespace-nowrap px-3 py-2">{when(m.updated)}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
