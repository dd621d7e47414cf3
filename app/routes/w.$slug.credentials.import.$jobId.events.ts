import type { LoaderFunctionArgs } from "@remix-run/node";
import { importEvents } from "~/modules/imports/pages.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return importEvents(request, params.slug, params.jobId, "credentials", "credentials:write");
}
