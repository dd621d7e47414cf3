import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueExportColumns, certificateCatalogue } from "~/modules/library/library.server";
import { catalogueFilterSchema } from "~/modules/library/schemas";
import { publicResource } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// The public certificate catalogue (same filters, no paging) as CSV or XLSX. Kept per data version
// ('catalogue', as the page), language and URL for anonymous visitors, with a 304 (decision 026).
export async function loader({ request, context }: LoaderFunctionArgs) {
  return publicResource({ request, context }, "catalogue", () =>
    withPublic({ request, context }, async (tx, ctx) => {
      const query = new URL(request.url).searchParams;
      const { rows } = await certificateCatalogue(tx, { ...catalogueFilterSchema.parse(Object.fromEntries(query)), cursor: undefined }, 10_000);
      return exportResponse(query.get("format") === "csv" ? "csv" : "xlsx", "certificates", catalogueExportColumns(ctx.locale), rows);
    }),
  );
}
