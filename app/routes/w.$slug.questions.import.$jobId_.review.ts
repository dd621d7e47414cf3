import type { ActionFunctionArgs } from "@remix-run/node";
import { importReviewAction } from "~/modules/standards/suggestion-pages.server";

// The question import's review forms (issue 19 items 4 and 5): import or skip the rows flagged as
// near-duplicates; accept skill-requirement suggestions for the imported questions in bulk.
export async function action({ request, params }: ActionFunctionArgs) {
  return importReviewAction(request, params.slug, params.jobId);
}
