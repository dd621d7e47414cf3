import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { evidenceLink, feeAuditPage } from "~/modules/committee/fee-audit.server";
import { findingFilterSchema, findingTypes } from "~/modules/committee/findings";
import { findingSummary } from "~/modules/committee/digest.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { translator } from "~/i18n/i18n";
import { EmptyState, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "committee.feeAudit" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", async (tx, ctx) => {
    const filter = findingFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { counts, rows, nextCursor } = await feeAuditPage(tx, filter);
    const t = translator(ctx.locale);
    const findings = rows.map((f) => ({ ...f, summary: findingSummary(t, f, ctx.locale), evidence: evidenceLink(f) }));
    return { findings, nextCursor, counts, total: counts.reduce((sum, c) => sum + c.total, 0) };
  });
}

export default function FeeAudit() {
  const { findings, nextCursor, counts, total } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const csvQuery = new URLSearchParams(searchParams);
  csvQuery.delete("cursor");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("committee.feeAudit")}</h1>
          <p className="text-sm text-gray-600">{t("committee.feeAuditLead", { count: total })}</p>
        </div>
        <a href={`/committee/fees.csv?${csvQuery}`} className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100" download>
          {t("common.exportCsv")}
        </a>
      </div>
      {counts.length > 0 ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("committee.byOrganization")}</h2>
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {counts.map((c) => (
              <li key={c.slug}>
                <Link to={`?organization=${c.slug}`} className="block rounded border border-gray-200 bg-white p-3 hover:border-blue-400">
                  <span className="font-medium">{(en && c.nameEn) || c.name}</span>
                  <span className="ml-2 rounded bg-red-100 px-2 text-sm text-red-800" data-testid={`finding-count-${c.slug}`}>
                    {c.total}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="get" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm" role="search">
        <label>
          {t("fees.organization")}
          <select
            name="organization"
            defaultValue={searchParams.get("organization") ?? ""}
            className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1"
          >
            <option value="">{t("fees.all")}</option>
            {counts.map((c) => (
              <option key={c.slug} value={c.slug}>
                {(en && c.nameEn) || c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("committee.findingType")}
          <select name="type" defaultValue={searchParams.get("type") ?? ""} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("fees.all")}</option>
            {findingTypes.map((type) => (
              <option key={type} value={type}>
                {t(`committee.findingTypes.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("committee.sort")}
          <select name="sort" defaultValue={searchParams.get("sort") ?? "date"} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
            {(["date", "organization", "type"] as const).map((sort) => (
              <option key={sort} value={sort}>
                {t(`committee.sorts.${sort}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
          {t("fees.apply")}
        </button>
      </Form>
      {findings.length === 0 ? (
        <EmptyState>{t("committee.noFindings")}</EmptyState>
      ) : (
        <Table
          caption={t("committee.feeAudit")}
          head={
            <tr>
              <th className="px-3 py-2">{t("committee.findingType")}</th>
              <th className="px-3 py-2">{t("fees.organization")}</th>
              <th className="px-3 py-2">{t("committee.detail")}</th>
              <th className="px-3 py-2">{t("committee.at")}</th>
              <th className="px-3 py-2">{t("committee.evidence")}</th>
            </tr>
          }
        >
          {findings.map((f) => (
            <tr key={f.key} data-testid="finding">
              <td className="px-3 py-2">{t(`committee.findingTypes.${f.type}`)}</td>
              <td className="px-3 py-2">{(en && f.organizationNameEn) || f.organizationName}</td>
              <td className="px-3 py-2">{f.summary}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(f.at, locale)}</td>
              <td className="px-3 py-2">
                <Link to={f.evidence} className="text-blue-700 hover:underline">
                  {t("committee.open")}
                </Link>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
