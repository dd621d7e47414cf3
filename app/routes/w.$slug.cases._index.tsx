import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useParams, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BankActions } from "~/modules/imports/components/bank-actions";
import type { Locale } from "~/i18n/i18n";
import { caseFilterSchema, visibilities } from "~/modules/cases/schemas";
import { listCases } from "~/modules/cases/service.server";
import { BankFilterForm, BankUpdated, CertificateFilter, LevelFilter, RequirementFilter, SearchBox } from "~/modules/banks/components/bank-filters";
import { bankPage } from "~/modules/banks/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The case bank of one certificate at a time: filters, substring search on titles, keyset pages.
export const handle: RouteHandle = { title: "cases.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = caseFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { certificates, certificate, page, requirements, lastUpdated } = await bankPage(tx, ctx, "cases", filter.certificate, (certificate) =>
      listCases(tx, ctx, { ...filter, certificate }),
    );
    const codes = new Map(requirements.map((r) => [r.lineageId, r.code]));
    return {
      certificates,
      certificate,
      rows: (page?.rows ?? []).map((row) => ({ ...row, requirementCodes: row.requirementIds.map((id) => codes.get(id)).filter(Boolean) })),
      nextCursor: page?.nextCursor ?? null,
      requirements,
      lastUpdated,
      canWrite: ctx.permissions.includes("certificates:write"),
    };
  });
}

export default function Cases() {
  const { certificates, certificate, rows, nextCursor, requirements, lastUpdated, canWrite } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { slug } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const select = filterSelect(searchParams, t("cases.all"));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("cases.title")}</h1>
          <p className="text-sm text-gray-600">{t("cases.lead")}</p>
        </div>
        {certificate ? (
          <BankActions
            certificateId={certificate.id}
            exports={(["xlsx", "csv"] as const).map((format) => ({
              href: `/w/${slug}/cases/export?certificate=${certificate.id}&format=${format}`,
              label: t(format === "csv" ? "cases.exportCsv" : "cases.exportXlsx"),
            }))}
            canWrite={canWrite}
            importLabel={t("cases.import.title")}
            newLabel={t("cases.new")}
          />
        ) : null}
      </div>
      <BankFilterForm applyLabel={t("cases.apply")}>
        <CertificateFilter bank="cases" certificates={certificates} all={false} />
        <SearchBox label={t("cases.search")} />
        <LevelFilter bank="cases" />
        <label>
          {t("cases.visibility")}
          {select(
            "visibility",
            visibilities.map((v) => ({ value: v, label: t(`cases.visibilities.${v}`) })),
          )}
        </label>
        <RequirementFilter bank="cases" requirements={requirements} />
      </BankFilterForm>
      <BankUpdated bank="cases" lastUpdated={lastUpdated} />
      {rows.length === 0 ? (
        <EmptyState>{[...searchParams.keys()].some((k) => k !== "certificate") ? t("cases.noResults") : t("cases.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("cases.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("cases.caseTitle")}</th>
              <th className="px-3 py-2">{t("cases.industryContext")}</th>
              <th className="px-3 py-2">{t("cases.level")}</th>
              <th className="px-3 py-2">{t("cases.requirements")}</th>
              <th className="px-3 py-2">{t("cases.visibility")}</th>
              <th className="px-3 py-2">{t("cases.updatedAt")}</th>
            </tr>
          }
        >
          {rows.map((c) => (
            <tr key={c.id} data-testid="case-row">
              <td className="max-w-md px-3 py-2">
                <Link to={c.id} className="text-blue-700 hover:underline">
                  {c.title}
                </Link>
              </td>
              <td className="px-3 py-2">{c.industryContext || "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">{t(`certificates.levelNames.${c.level}`)}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{c.requirementCodes.join(", ") || "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">{t(`cases.visibilities.${c.visibility}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(c.updatedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
