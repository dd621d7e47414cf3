import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { AdmissionChip } from "~/modules/admission/components";
import { admissionFilterSchema, admissionStatuses } from "~/modules/admission/schemas";
import { listAdmissions } from "~/modules/admission/service.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The committee's admission queue (§二.2, decision 042): every organization and school, pending first
// by default, with the evidence a click away. Every committee member reads; the admin decides.
export const handle: RouteHandle = { title: "admission.committee.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx) => {
    const filter = admissionFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return { page: await listAdmissions(tx, filter) };
  });
}

export default function CommitteeAdmissions() {
  const { page } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const select = filterSelect(searchParams, t("admission.committee.all"));
  const exportHref = (format: string) => {
    const query = new URLSearchParams(location.search);
    query.delete("cursor");
    query.set("format", format);
    return `/committee/admissions/export?${query}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{t("admission.committee.title")}</h1>
          <p className="text-sm text-gray-600">{t("admission.committee.lead")}</p>
        </div>
        <span className="no-print flex gap-2 text-sm">
          <a href={exportHref("csv")} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
            {t("common.exportCsv")}
          </a>
          <a href={exportHref("xlsx")} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
            {t("common.exportXlsx")}
          </a>
        </span>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3 text-sm">
        <label>
          {t("admission.committee.filter")}
          {select(
            "status",
            admissionStatuses.map((s) => ({ value: s, label: t(`admission.status.${s}`) })),
          )}
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
          {t("admission.committee.apply")}
        </button>
      </Form>
      {page.rows.length === 0 ? (
        <EmptyState>{t("admission.committee.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("admission.committee.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("admission.committee.columns.name")}</th>
              <th className="px-3 py-2">{t("admission.committee.columns.kind")}</th>
              <th className="px-3 py-2">{t("admission.committee.columns.creditCode")}</th>
              <th className="px-3 py-2">{t("admission.committee.columns.status")}</th>
              <th className="px-3 py-2">{t("admission.committee.columns.filedAt")}</th>
              <th className="px-3 py-2">{t("admission.committee.columns.decidedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((row) => (
            <tr key={row.tenantId} data-testid="admission-row">
              <td className="px-3 py-2">
                <Link to={row.tenantId} className="text-blue-700 hover:underline">
                  {locale === "en" && row.nameEn ? row.nameEn : row.name}
                </Link>
              </td>
              <td className="px-3 py-2">{t(`tenantKinds.${row.kind}`)}</td>
              <td className="px-3 py-2 font-mono">{row.creditCode}</td>
              <td className="px-3 py-2">
                <AdmissionChip status={row.status} />
              </td>
              <td className="px-3 py-2">{row.filedAt ? formatDateTime(row.filedAt, locale) : "—"}</td>
              <td className="px-3 py-2">{row.decidedAt ? formatDateTime(row.decidedAt, locale) : "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
