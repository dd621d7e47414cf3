import type { LoaderFunctionArgs } from "@remix-run/node";
import { credentialsForExport, credentialsTemplate } from "~/modules/credentials/import.server";
import { withTenant } from "~/modules/tenancy/context.server";

// The import template, empty, or (?filled=1) with the register in its columns.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams;
  const format = query.get("format") === "csv" ? "csv" : "xlsx";
  return withTenant({ request, context }, params.slug, "credentials:read", async (tx, ctx) =>
    credentialsTemplate(format, query.get("filled") === "1" ? await credentialsForExport(tx, ctx) : []),
  );
}
