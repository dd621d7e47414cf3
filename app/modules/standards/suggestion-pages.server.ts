import { json, redirect } from "@remix-run/node";
import type { Tx } from "../../../db/client.server";
import { translator } from "~/i18n/i18n";
import { decideDuplicates, flaggedRows } from "~/modules/questions/duplicates.server";
import { getImportJob, startImportJob } from "~/modules/imports/jobs.server";
import { withTenant, type TenantContext } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { acceptCaseRequirement, acceptQuestionRequirement, importSuggestions } from "./suggestions.server";
import { acceptSuggestionSchema, importReviewSchema } from "./suggestion-schemas";

// The server side of the suggestion and near-duplicate forms (issue 19 items 4 and 5): each route
// calls these, so the question page, the case page and the import review page share one shape.

/** One click on a question's or case's page: links the requirement, answers the page again. */
export async function acceptOne(request: Request, slug: string | undefined, kind: "questions" | "cases", itemId: string | undefined) {
  return withTenant(request, slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, acceptSuggestionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const accept = kind === "questions" ? acceptQuestionRequirement : acceptCaseRequirement;
    const result = await accept(tx, ctx, itemId ?? "", submission.value.requirementId);
    if (!result.ok) {
      if (result.status === 404) throw new Response("Not found", { status: 404 });
      return rejectSubmission(submission, result);
    }
    return redirect(`/w/${ctx.tenant.slug}/${kind}/${itemId}`);
  });
}

/** What the question import's job page adds: the flagged rows in review, the suggestions once done. */
export async function importReviewData(
  tx: Tx,
  ctx: TenantContext,
  job: {
    id: string;
    status: string;
    certificateId: string | null;
    duplicateRows: number;
    duplicates: string | null;
    settings?: { duplicateCheck?: { skipped: true; rows: number; bank: number } };
  },
) {
  return {
    duplicateCheck: job.settings?.duplicateCheck ?? null,
    duplicateRows: job.duplicateRows,
    duplicates: job.duplicates,
    flagged: job.status === "review" ? await flaggedRows(tx, ctx.tenant.id, job.id) : [],
    suggestions: job.status === "done" ? await importSuggestions(tx, ctx.tenant.id, job) : [],
  };
}

/** The review page's forms: import or skip the flagged rows; accept suggestions in bulk. */
export async function importReviewAction(request: Request, slug: string | undefined, jobId: string | undefined) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, slug, "certificates:write", async (tx, ctx) => {
    const job = await getImportJob(tx, ctx, jobId ?? "", "questions");
    if (!job) throw new Response("Not found", { status: 404 });
    const submission = await parseForm(request, importReviewSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const t = translator(ctx.locale);
    const input = submission.value;
    if (input.intent === "keep" || input.intent === "skip") {
      const decided = await decideDuplicates(tx, ctx, job.id, input.intent);
      if (!decided) return rejectSubmission(submission, { status: 409, formErrors: [t("smart.duplicates.notInReview")] });
      queued.job = { tenantId: ctx.tenant.id, id: job.id };
      return redirect(`/w/${ctx.tenant.slug}/questions/import/${job.id}`);
    }
    // Bulk accept: only questions of this import; any refusal refuses the whole form (nothing written).
    const own = new Set((await importSuggestions(tx, ctx.tenant.id, job, 10_000)).map((q) => q.id));
    for (const [i, pair] of input.accept.entries()) {
      const field = `accept[${i}]`;
      if (!own.has(pair.itemId)) return rejectSubmission(submission, { status: 400, fieldErrors: { [field]: [t("smart.suggestions.notInImport")] } });
      const result = await acceptQuestionRequirement(tx, ctx, pair.itemId, pair.lineageId, field);
      // A 4xx answer rolls back what this form already linked (withTenant): nothing is written.
      if (!result.ok) return rejectSubmission(submission, { ...result, status: result.status === 404 ? 400 : result.status });
    }
    return json({ result: submission.reply({ resetForm: true }), accepted: input.accept.length });
  });
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}
