import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { exportColumns, workspaceExports } from "~/modules/exports.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { can } from "~/modules/tenancy/permissions";
import { exportResponse } from "~/ui/export.server";

const formatSchema = z.enum(["csv", "xlsx"]);

// CSV/XLSX of any workspace list, with the same permission and filters as the list's page.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Own keys only: "constructor", "__proto__" or "toString" are not lists (F22).
  const list = Object.hasOwn(workspaceExports, params.list ?? "") ? workspaceExports[params.list ?? ""] : undefined;
  const format = formatSchema.safeParse(new URL(request.url).searchParams.get("format"));
  if (!list || !format.success) throw new Response("Not found", { status: 404 });
  return withTenant({ request, context }, params.slug, "workspace:read", async (tx, ctx) => {
    if (!can(ctx.tenant.kind, ctx.role, list.permission)) throw new Response("Forbidden", { status: 403 });
    const query = new URL(request.url).searchParams;
    const rows = await list.load(tx, ctx, query);
    return exportResponse(format.data, `${params.list}-${ctx.tenant.slug}`, exportColumns(list, ctx.locale), rows);
  });
}
