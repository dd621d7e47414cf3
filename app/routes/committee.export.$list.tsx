import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { committeeExportColumns, committeeExports } from "~/modules/committee/exports.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

const formatSchema = z.enum(["csv", "xlsx"]);

// CSV/XLSX of any committee list, with the same filters as the list's page (committee members only).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Own keys only: "constructor" or "__proto__" are not lists.
  const list = Object.hasOwn(committeeExports, params.list ?? "") ? committeeExports[params.list ?? ""] : undefined;
  const format = formatSchema.safeParse(new URL(request.url).searchParams.get("format"));
  if (!list || !format.success) throw new Response("Not found", { status: 404 });
  return withCommittee({ request, context }, "committee:audit", async (tx, ctx) => {
    const rows = await list.load(tx, new URL(request.url).searchParams, ctx);
    return exportResponse(format.data, `committee-${params.list}`, committeeExportColumns(list, ctx.locale), rows);
  });
}
