import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/credentials/evidence.server";
import { withTenant } from "~/modules/tenancy/context.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:read", (tx, ctx) =>
    evidenceDownload(tx, ctx, params.credentialId ?? "", params.evidenceId ?? ""),
  );
}
