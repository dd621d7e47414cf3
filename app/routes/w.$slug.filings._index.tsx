import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { FilingStatusChip } from "~/modules/school/components/filing-status";
import { listFilings } from "~/modules/school/filings.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.filings.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({
    page: await listFilings(tx, ctx, { cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
    canFile: ctx.permissions.includes("school:manage"),
  }));
}

export default function Filings() {
  const { page, canFile } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.filings.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="filings" />
          {canFile ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("school.filings.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="text-sm text-gray-600">{t("school.filings.lead")}</p>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.filings.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.filings.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.filings.certificate")}</th>
              <th className="px-3 py-2">{t("school.filings.major")}</th>
              <th className="px-3 py-2">{t("school.filings.status")}</th>
              <th className="px-3 py-2">{t("school.filings.recordNumber")}</th>
              <th className="px-3 py-2">{t("school.filings.submittedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((f) => (
            <tr key={f.id}>
              <td className="px-3 py-2">
                <Link to={f.id} className="text-blue-700 hover:underline">
                  {f.certificateName} · {t(`certificates.levelNames.${f.level}`)}
                </Link>
              </td>
              <td className="px-3 py-2">
                {f.majorCode} {f.majorName}
              </td>
              <td className="px-3 py-2">
                <FilingStatusChip status={f.status} />
              </td>
              <td className="px-3 py-2">{f.recordNumber ?? "—"}</td>
              <td className="px-3 py-2">{f.submittedAt ? formatDate(f.submittedAt, locale) : "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
