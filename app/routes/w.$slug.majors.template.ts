import type { LoaderFunctionArgs } from "@remix-run/node";
import { majorsTemplate } from "~/modules/school/majors-import.server";
import { withTenant } from "~/modules/tenancy/context.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const format = new URL(request.url).searchParams.get("format") === "csv" ? "csv" : "xlsx";
  return withTenant({ request, context }, params.slug, "school:read", () => majorsTemplate(format));
}
