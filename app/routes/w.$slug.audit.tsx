import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { translator, type Locale } from "~/i18n/i18n";
import { auditRowsForDisplay, listAudit } from "~/modules/audit/audit.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

const querySchema = z.object({ cursor: z.coerce.number().int().positive().optional().catch(undefined) });

export const handle: RouteHandle = { title: "audit.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "audit:read", async (tx, ctx) => {
    const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { rows, nextCursor } = await listAudit(tx, ctx.tenant.id, { before: query.cursor });
    return { rows: auditRowsForDisplay(translator(ctx.locale), rows), nextCursor };
  });
}

export default function AuditLog() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-2xl font-bold">{t("audit.title")}</h1>
        <ExportLinks list="audit" />
      </div>
      {data.rows.length === 0 ? (
        <EmptyState>{t("audit.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("audit.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("audit.at")}</th>
              <th className="px-3 py-2">{t("audit.actor")}</th>
              <th className="px-3 py-2">{t("audit.action")}</th>
              <th className="px-3 py-2">{t("audit.entity")}</th>
            </tr>
          }
        >
          {data.rows.map((row) => (
            <tr key={row.id} data-testid="audit-row">
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(row.at, locale)}</td>
              <td className="px-3 py-2">{row.actor ?? "—"}</td>
              <td className="px-3 py-2">{row.action}</td>
              <td className="px-3 py-2">{row.entity}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={data.nextCursor} />
    </div>
  );
}
