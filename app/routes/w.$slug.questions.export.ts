import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { bankExportResponse } from "~/modules/imports/exports.server";
import { bankCertificates } from "~/modules/banks/service.server";
import { withTenant } from "~/modules/tenancy/context.server";

const querySchema = z.object({ certificate: z.string().max(64), format: z.enum(["xlsx", "csv", "moodle", "gift"]) });

// The organization's own bank, exam pool included: RLS keeps it from everyone else.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new Response("Not found", { status: 404 });
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const certificate = (await bankCertificates(tx, ctx)).find((c) => c.id === query.data.certificate);
    if (!certificate) throw new Response("Not found", { status: 404 });
    return bankExportResponse(tx, ctx, certificate, query.data.format);
  });
}
