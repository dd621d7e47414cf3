import { redirect } from "@remix-run/node";
import type { Tx } from "../../../db/client.server";
import { createImportJob, listImportJobs, maxImportBytes, progressOf, startImportJob } from "~/modules/imports/jobs.server";
import { withTenant, type TenantContext } from "~/modules/tenancy/context.server";
import { exportResponse, type ExportFormat } from "~/ui/export.server";
import { fileImportSchema } from "~/modules/imports/schemas";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { stripControlChars } from "~/ui/schema-fields";
import { majorColumns } from "./import-rows";

// Majors through the one import pipeline (kind pilot_majors, a job of no certificate).

export async function majorsImportPage(tx: Tx, ctx: TenantContext) {
  return { jobs: (await listImportJobs(tx, ctx, "pilot_majors")).map((job) => ({ ...job, progress: progressOf(job) })) };
}

/** Records the job and, once the request's transaction has committed, starts it. */
export async function uploadMajors(request: Request, slug: string | undefined) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, slug, "school:manage", async (tx, ctx) => {
    const submission = await parseForm(request, fileImportSchema, ctx.locale, { field: "file", maxBytes: maxImportBytes });
    if (submission.status !== "success") return rejectSubmission(submission);
    const { file } = submission.value;
    const result = await createImportJob(tx, ctx, {
      kind: "pilot_majors",
      certificateId: null,
      fileName: stripControlChars(file.name).normalize("NFC").slice(0, 200),
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    if (!result.ok) return rejectSubmission(submission, result);
    queued.job = { tenantId: ctx.tenant.id, id: result.value.id };
    return redirect(`/w/${ctx.tenant.slug}/majors/import/${result.value.id}`);
  });
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}

/** The empty template (Chinese headers, as import expects them). */
export function majorsTemplate(format: ExportFormat) {
  return exportResponse(
    format,
    "pilot-majors-template",
    majorColumns.map((column) => ({ header: column.zh, value: () => "", width: 18 })),
    [],
  );
}
