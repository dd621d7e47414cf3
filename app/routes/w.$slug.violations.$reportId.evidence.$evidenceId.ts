import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload, evidenceFile } from "~/modules/school/violations.server";
import { withTenant } from "~/modules/tenancy/context.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx) => {
    const file = await evidenceFile(tx, params.reportId ?? "", params.evidenceId ?? "");
    if (!file) throw new Response("Not found", { status: 404 });
    return evidenceDownload(file);
  });
}
