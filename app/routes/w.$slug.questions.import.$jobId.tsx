import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ImportJobView } from "~/modules/imports/components/import-job";
import { ImportSkip } from "~/modules/imports/components/import-skip";
import { importJobData } from "~/modules/imports/pages.server";
import { skipListedQuestions } from "~/modules/imports/skip.server";
import { ImportReview } from "~/modules/standards/components/import-review";
import { importReviewData } from "~/modules/standards/suggestion-pages.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${data.job.fileName} · ${t("questions.import.title")}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:write", async (tx, ctx) => {
    const data = await importJobData(tx, ctx, params.jobId, "questions");
    // Issue 19: near-duplicates to decide, suggestions to accept (app/modules/standards/suggestion-pages.server.ts).
    return { ...data, review: await importReviewData(tx, ctx, data.job) };
  });
}

/** "Skip the N listed": the failed Moodle/GIFT import runs again without the listed questions. */
export async function action({ request, params }: ActionFunctionArgs) {
  return skipListedQuestions(request, params.slug, params.jobId);
}

export default function ImportJob() {
  const { job, errors, review } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="space-y-6">
      <ImportJobView ns="questions" job={job} errors={errors} />
      <ImportSkip status={job.status} totalRows={job.totalRows} settings={job.settings} lastResult={actionData?.result} />
      <ImportReview status={job.status} {...review} />
    </div>
  );
}
