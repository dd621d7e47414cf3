import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptOne } from "~/modules/standards/suggestion-pages.server";

// One click on a case's page: link a suggested skill requirement (issue 19 item 5).
export async function action({ request, params }: ActionFunctionArgs) {
  return acceptOne(request, params.slug, "cases", params.caseId);
}
