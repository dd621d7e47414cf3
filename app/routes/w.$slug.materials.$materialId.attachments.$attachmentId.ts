import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDownload, getAttachment } from "~/modules/materials/service.server";
import { withTenant } from "~/modules/tenancy/context.server";

// An attachment's bytes, for the owning organization (another one gets 404 like a missing file).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const attachment = await getAttachment(tx, ctx, params.materialId ?? "", params.attachmentId ?? "");
    if (!attachment) throw new Response("Not found", { status: 404 });
    return attachmentDownload(attachment);
  });
}
