import type { LoaderFunctionArgs } from "@remix-run/node";
import { libraryExportColumns, libraryExportRows, readLibraryScope } from "~/modules/library/library.server";
import { libraryFilterSchema } from "~/modules/library/schemas";
import { withLibrary } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// The library's result list (same filters as the page, no paging) as CSV or XLSX.
export async function loader({ request, context }: LoaderFunctionArgs) {
  return withLibrary({ request, context }, await readLibraryScope(request), async (tx, ctx) => {
    const query = new URL(request.url).searchParams;
    const rows = await libraryExportRows(tx, libraryFilterSchema.parse(Object.fromEntries(query)));
    return exportResponse(query.get("format") === "csv" ? "csv" : "xlsx", "library", libraryExportColumns(ctx.locale), rows);
  });
}
