import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { siteFilterSchema } from "~/modules/committee/schemas";
import { siteLayout } from "~/modules/committee/sites.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { EmptyState, ExportLinks, filterSelect, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The exam-site layout (issue 17 item 5): approved sites per certificate and district against the
// demand of pilot majors, with gaps and duplicates flagged by the committee's threshold.
export const handle: RouteHandle = { title: "oversight.sites.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const filter = siteFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return withCommittee({ request, context }, "committee:audit", (tx) => siteLayout(tx, filter));
}

export default function CommitteeSites() {
  const { rows, threshold, districts } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("oversight.sites.title")}</h1>
        <p className="text-sm text-gray-600">{t("oversight.sites.lead", { threshold })}</p>
        <Link to="/committee/settings#thresholds" className="text-sm text-blue-700 underline">
          {t("oversight.sites.changeThreshold")}
        </Link>
      </div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <Form method="get" role="search" className="flex flex-wrap items-end gap-3 text-sm">
          <label>
            {t("oversight.sites.flag")}
            {filterSelect(searchParams, t("committee.banks.all"))("flag", [
              { value: "gap", label: t("oversight.kinds.gap") },
              { value: "duplicate", label: t("oversight.kinds.duplicate") },
            ])}
          </label>
          <label>
            {t("oversight.sites.district")}
            {filterSelect(searchParams, t("committee.banks.all"))(
              "district",
              districts.map((d) => ({ value: d, label: t(`credentials.districts.${d}`) })),
            )}
          </label>
          <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
            {t("committee.banks.filter")}
          </button>
        </Form>
        <ExportLinks list="sites" to="/committee/export/sites" />
      </div>
      {rows.length === 0 ? (
        <EmptyState>{t("oversight.sites.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("oversight.sites.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("oversight.sites.district")}</th>
              <th className="px-3 py-2">{t("oversight.sites.certificate")}</th>
              <th className="px-3 py-2">{t("oversight.dashboard.dimensions.organization")}</th>
              <th className="px-3 py-2 text-right">{t("oversight.sites.students")}</th>
              <th className="px-3 py-2 text-right">{t("oversight.sites.sites")}</th>
              <th className="px-3 py-2 text-right">{t("oversight.sites.justified")}</th>
              <th className="px-3 py-2 text-right">{t("oversight.sites.capacity")}</th>
              <th className="px-3 py-2">{t("oversight.sites.flag")}</th>
            </tr>
          }
        >
          {rows.map((r) => (
            <tr key={`${r.tenantId}:${r.certificateCode}:${r.district}`} data-testid="site-row" data-flag={r.flag ?? ""}>
              <td className="px-3 py-2">{t(`credentials.districts.${r.district}`)}</td>
              <td className="px-3 py-2">
                <span className="font-mono text-xs">{r.certificateCode}</span> {en ? r.certificateNameEn : r.certificateNameZh}
              </td>
              <td className="px-3 py-2">{(en && r.organizationNameEn) || r.organizationName}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.students}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.sites}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.justified}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.capacity}</td>
              <td className="px-3 py-2">
                {r.flag ? (
                  <span className={`rounded px-2 py-0.5 text-xs ${r.flag === "gap" ? "bg-red-100 text-red-900" : "bg-amber-100 text-amber-900"}`}>
                    {t(`oversight.kinds.${r.flag}`)}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
