import { and, eq, sql } from "drizzle-orm";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { importFiles, importJobs } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { jobSettings } from "./foreign.server";
import { getImportJob, startImportJob } from "./jobs.server";

// "Skip the 3 listed": a Moodle or GIFT import that failed only on questions XCert cannot take runs
// again on the same file without them (decision 049). The count the user saw is confirmed, so a
// page older than the job's state changes nothing. The run is the pipeline's: all or nothing.

export const skipSchema = z.object({ skip: z.coerce.number().int().min(1).max(200_000) });

export async function skipListedQuestions(request: Request, slug: string | undefined, jobId: string | undefined) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, slug, "certificates:write", async (tx, ctx) => {
    const t = translator(ctx.locale);
    const job = await getImportJob(tx, ctx, jobId ?? "", "questions");
    if (!job) throw new Response("Not found", { status: 404 });
    const submission = await parseForm(request, skipSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const settings = jobSettings(job);
    const listed = settings.skippable ?? [];
    if (job.status !== "failed" || !listed.length || listed.length !== submission.value.skip)
      return rejectSubmission(submission, { status: 409, fieldErrors: { skip: [t("moodle.skip.changed")] } });
    const [file] = await tx
      .select({ jobId: importFiles.jobId })
      .from(importFiles)
      .where(and(eq(importFiles.tenantId, ctx.tenant.id), eq(importFiles.jobId, job.id)));
    if (!file) return rejectSubmission(submission, { status: 409, fieldErrors: { skip: [t("questions.import.fileGone")] } });
    await tx
      .update(importJobs)
      .set({
        status: "queued",
        // Skipped before (a second run that failed again) stay skipped.
        settings: { defaults: settings.defaults, skip: [...new Set([...(settings.skip ?? []), ...listed])].sort((a, b) => a - b) },
        errors: [],
        errorCount: 0,
        failedRows: 0,
        processedRows: 0,
        importedRows: 0,
        totalRows: 0,
        attempts: 0,
        lockedUntil: null,
        finishedAt: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(importJobs.tenantId, ctx.tenant.id), eq(importJobs.id, job.id)));
    await audit(tx, ctx, { action: "question_import.skip", entityType: "import_job", entityId: job.id, after: { skipped: listed, fileName: job.fileName } });
    queued.job = { tenantId: ctx.tenant.id, id: job.id };
    return redirect(`/w/${ctx.tenant.slug}/questions/import/${job.id}`);
  });
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}
