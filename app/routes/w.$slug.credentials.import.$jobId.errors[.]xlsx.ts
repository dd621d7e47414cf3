import type { LoaderFunctionArgs } from "@remix-run/node";
import { importErrorsReport } from "~/modules/imports/pages.server";
import { withTenant } from "~/modules/tenancy/context.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:write", (tx, ctx) => importErrorsReport(tx, ctx, params.jobId, "credentials"));
}
