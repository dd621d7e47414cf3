import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { listOrgDisclosures } from "~/modules/fees/disclosures.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay, formatFen } from "~/ui/format";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "fees.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "fees:read", async (tx, ctx) => ({
    disclosures: await listOrgDisclosures(tx, ctx),
    canPublish: ctx.permissions.includes("fees:publish"),
  }));
}

const stateStyle: Record<string, string> = {
  draft: "bg-gray-100 text-gray-700",
  published: "bg-green-100 text-green-800",
  superseded: "bg-amber-100 text-amber-800",
  withdrawn: "bg-red-100 text-red-800",
};

export default function Fees() {
  const { disclosures, canPublish } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("fees.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="fees" />
          <Link to="../fees/notice" relative="path" reloadDocument className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100">
            {t("smart.notice.print")}
          </Link>
          {canPublish ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("fees.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="mb-4 text-sm text-gray-600">{t("fees.lead")}</p>
      {disclosures.length === 0 ? (
        <EmptyState>{t("fees.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("fees.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fees.certificate")}</th>
              <th className="px-3 py-2">{t("fees.level")}</th>
              <th className="px-3 py-2">{t("fees.kind")}</th>
              <th className="px-3 py-2 text-right">{t("fees.amount")}</th>
              <th className="px-3 py-2">{t("fees.effective")}</th>
              <th className="px-3 py-2">{t("fees.state")}</th>
            </tr>
          }
        >
          {disclosures.map((d) => (
            <tr key={d.id}>
              <td className="px-3 py-2">
                <Link to={d.id} className="text-blue-700 hover:underline">
                  {d.certificateCode}
                </Link>
              </td>
              <td className="px-3 py-2">{t(`certificates.levelNames.${d.level}`)}</td>
              <td className="px-3 py-2">{t(`fees.kinds.${d.kind}`)}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right">
                {formatFen(d.amountFen, locale)} <span className="text-xs text-gray-500">{t(`fees.units.${d.unit}`)}</span>
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                {formatDay(d.effectiveFrom, locale)}
                {d.effectiveUntil ? ` – ${formatDay(d.effectiveUntil, locale)}` : ""}
              </td>
              <td className="px-3 py-2">
                <span className={`rounded px-2 py-0.5 text-xs ${stateStyle[d.state]}`}>{t(`fees.states.${d.state}`)}</span>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
