import type { LoaderFunctionArgs } from "@remix-run/node";
import { libraryAttachmentDownload, readLibraryScope } from "~/modules/library/library.server";
import { withLibrary } from "~/modules/tenancy/context.server";

// A shared material's attachment, for any library reader; a private material's is 404 like a missing file.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withLibrary({ request, context }, await readLibraryScope(request), (tx) =>
    libraryAttachmentDownload(tx, params.tenantId ?? "", params.itemId ?? "", params.attachmentId ?? ""),
  );
}
