import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueExportColumns, certificateCatalogue } from "~/modules/library/library.server";
import { catalogueFilterSchema } from "~/modules/library/schemas";
import { withPublic } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// The public certificate catalogue (same filters, no paging) as CSV or XLSX.
export async function loader({ request, context }: LoaderFunctionArgs) {
  return withPublic({ request, context }, async (tx, ctx) => {
    const query = new URL(request.url).searchParams;
    const { rows } = await certificateCatalogue(tx, { ...catalogueFilterSchema.parse(Object.fromEntries(query)), cursor: undefined }, 10_000);
    return exportResponse(query.get("format") === "csv" ? "csv" : "xlsx", "certificates", catalogueExportColumns(ctx.locale), rows);
  });
}
