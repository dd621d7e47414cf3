import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ImportJobView } from "~/modules/imports/components/import-job";
import { importJobData } from "~/modules/imports/pages.server";
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

export default function ImportJob() {
  const { job, errors, review } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <ImportJobView ns="questions" job={job} errors={errors} />
      <ImportReview status={job.status} {...review} />
    </div>
  );
}
