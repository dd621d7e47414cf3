import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useParams, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BankActions } from "~/modules/imports/components/bank-actions";
import type { Locale } from "~/i18n/i18n";
import { caseFilterSchema, visibilities } from "~/modules/cases/schemas";
import { listCases } from "~/modules/cases/service.server";
import { levels } from "~/modules/certificates/schemas";
import { bankCertificates, bankUpdatedAt, skillRequirements } from "~/modules/questions/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The case bank of one certificate at a time: filters, substring search on titles, keyset pages.
export const handle: RouteHandle = { title: "cases.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = caseFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const certificates = await bankCertificates(tx, ctx);
    const certificate = certificates.find((c) => c.id === filter.certificate) ?? certificates[0] ?? null;
    const page = certificate ? await listCases(tx, ctx, { ...filter, certificate: certificate.id }) : null;
    const requirements = certificate ? await skillRequirements(tx, ctx.tenant.id, certificate.id) : [];
    const codes = new Map(requirements.map((r) => [r.lineageId, r.code]));
    return {
      certificates,
      certificate,
      rows: (page?.rows ?? []).map((row) => ({ ...row, requirementCodes: row.requirementIds.map((id) => codes.get(id)).filter(Boolean) })),
      nextCursor: page?.nextCursor ?? null,
      requirements,
      lastUpdated: certificate ? await bankUpdatedAt(tx, ctx, "cases", certificate.id) : null,
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
  const en = locale === "en";
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
            exports={(["xlsx", "csv"] as const).map((format) => ({ href: `/w/${slug}/cases/export?certificate=${certificate.id}&format=${format}`, label: t(format === "csv" ? "cases.exportCsv" : "cases.exportXlsx") }))}
            canWrite={canWrite}
            importLabel={t("cases.import.title")}
            newLabel={t("cases.new")}
          />
        ) : null}
      </div>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
        <label>
          {t("cases.certificate")}
          {select(
            "certificate",
            certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` })),
            false,
          )}
        </label>
        <label className="min-w-48 flex-1">
          {t("cases.search")}
          <input name="q" type="search" defaultValue={searchParams.get("q") ?? ""} className="mt-1 block w-full rounded border border-gray-300 px-2 py-1" />
        </label>
        <label>
          {t("cases.level")}
          {select("level", levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })))}
        </label>
        <label>
          {t("cases.visibility")}
          {select("visibility", visibilities.map((v) => ({ value: v, label: t(`cases.visibilities.${v}`) })))}
        </label>
        <label>
          {t("cases.requirements")}
          {select("requirement", requirements.map((r) => ({ value: r.lineageId, label: `${t(`certificates.levelNames.${r.level}`)} ${r.code} ${en && r.titleEn ? r.titleEn : r.titleZh}` })))}
        </label>
        <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
          {t("cases.apply")}
        </button>
      </Form>
      <p className="text-sm text-gray-600" data-testid="bank-updated">
        {lastUpdated ? t("cases.lastUpdated", { at: formatDateTime(lastUpdated, locale) }) : t("cases.neverUpdated")}
      </p>
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
