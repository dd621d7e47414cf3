import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { DisclosureFacts } from "~/modules/fees/components/disclosure-facts";
import { feeHistory } from "~/modules/fees/public.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { formatDateTime, formatDay, formatFen } from "~/ui/format";
import { Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";
import { admissionBySlug } from "~/modules/admission/service.server";

export const handle = titleFrom<typeof loader>((data, t, en) => {
  const d = data.history[0];
  return d ? `${en ? d.certificateNameEn : d.certificateNameZh} · ${t(`certificates.levelNames.${d.level}`)} · ${t(`fees.kinds.${d.kind}`)}` : undefined;
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withPublic({ request, context }, async (tx) => {
    const history = await feeHistory(tx, params.disclosureId ?? "");
    if (!history) throw new Response("Not found", { status: 404 });
    // A suspended organization's page says so (decision 042).
    return { history, suspended: (await admissionBySlug(tx, history[0].organizationSlug)) === "suspended" };
  });
}

export default function FeeHistory() {
  const { history, suspended } = useLoaderData<typeof loader>();
  const { disclosureId } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const current = history.find((d) => d.id === disclosureId) ?? history[0];
  const en = locale === "en";
  return (
    <div className="space-y-6">
      <Link to="/fees" className="text-sm text-blue-700 hover:underline">
        ← {t("fees.publicTitle")}
      </Link>
      <div>
        <p className="text-sm text-gray-600">{(en && current.organizationNameEn) || current.organizationName}</p>
        <h1 className="text-2xl font-bold">
          {en ? current.certificateNameEn : current.certificateNameZh} · {t(`certificates.levelNames.${current.level}`)} · {t(`fees.kinds.${current.kind}`)}
        </h1>
        <p className="mt-1 text-sm">{t(`fees.states.${current.status}`)}</p>
      </div>
      {suspended ? (
        <p role="status" data-testid="organization-suspended" className="rounded border border-red-300 bg-red-50 px-4 py-3 text-red-900">
          {t("admission.public.suspended")}
        </p>
      ) : null}
      <DisclosureFacts disclosure={current} />
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("fees.historyTitle")}</h2>
        <Table
          caption={t("fees.historyTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fees.effective")}</th>
              <th className="px-3 py-2 text-right">{t("fees.amount")}</th>
              <th className="px-3 py-2">{t("fees.state")}</th>
              <th className="px-3 py-2">{t("fees.publishedAt")}</th>
            </tr>
          }
        >
          {history.map((d) => (
            <tr key={d.id} className={d.id === current.id ? "bg-blue-50" : undefined}>
              <td className="px-3 py-2">
                <Link to={`/fees/${d.id}`} className="text-blue-700 hover:underline">
                  {formatDay(d.effectiveFrom, locale)}
                  {d.effectiveUntil ? ` – ${formatDay(d.effectiveUntil, locale)}` : ""}
                </Link>
              </td>
              <td className="px-3 py-2 text-right">{formatFen(d.amountFen, locale)}</td>
              <td className="px-3 py-2">
                {t(`fees.states.${d.status}`)}
                {d.withdrawnFrom ? ` (${formatDay(d.withdrawnFrom, locale)})` : ""}
              </td>
              <td className="px-3 py-2">{formatDateTime(d.publishedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
