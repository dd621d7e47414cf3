import type { LoaderFunctionArgs } from "@remix-run/node";
import { questionAttachmentResponse } from "~/modules/questions/attachments.server";
import { withTenant } from "~/modules/tenancy/context.server";

// A question's medium, shown with it. RLS answers who may read it (an exam-pool question's media only
// for those who read the exam pool); anyone else gets 404 like a missing file.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", (tx, ctx) =>
    questionAttachmentResponse(tx, ctx, params.questionId ?? "", params.attachmentId ?? ""),
  );
}
