import { redirect } from "@remix-run/node";
import type { Tx } from "../../../db/client.server";
import { translator } from "~/i18n/i18n";
import { bankCertificates } from "~/modules/banks/service.server";
import { withTenant, type TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { exportResponse } from "~/ui/export.server";
import { shutdownSignal } from "~/request-store.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { stripControlChars } from "~/ui/schema-fields";
import { createImportJob, getImportJob, listImportJobs, maxImportBytes, progressOf, progressView, startImportJob } from "./jobs.server";
import type { ImportKind, Job } from "./bank-import";
import { importUploadSchema } from "./schemas";

// The server side of the import pages every bank shares (upload, job progress, live events, error
// report); a bank's routes call these with their kind, so there is one pipeline with one UI.

const shownErrors = 200;

/** The upload page: the certificates to choose from and the bank's recent jobs. */
export async function importPageData(tx: Tx, ctx: TenantContext, request: Request, kind: ImportKind) {
  return {
    certificates: await bankCertificates(tx, ctx),
    selected: new URL(request.url).searchParams.get("certificate"),
    jobs: (await listImportJobs(tx, ctx, kind)).map((job) => ({ ...job, progress: progressOf(job) })),
  };
}

/** The upload: records the job and, once the request's transaction has committed, starts it outside it. */
export async function uploadImport(request: Request, slug: string | undefined, kind: ImportKind) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, importUploadSchema, ctx.locale, { field: "file", maxBytes: maxImportBytes });
    if (submission.status !== "success") return rejectSubmission(submission);
    const { certificateId, file, defaultLevel, defaultPool, defaultDifficulty } = submission.value;
    const defaults =
      kind === "questions"
        ? Object.fromEntries(Object.entries({ level: defaultLevel, pool: defaultPool, difficulty: defaultDifficulty?.toString() }).filter(([, v]) => v))
        : {};
    const certificates = await bankCertificates(tx, ctx);
    if (!certificates.some((c) => c.id === certificateId))
      return rejectSubmission(submission, { status: 400, fieldErrors: { certificateId: [translator(ctx.locale)("errors.invalidOption")] } });
    const result = await createImportJob(tx, ctx, {
      kind,
      certificateId,
      fileName: stripControlChars(file.name).normalize("NFC").slice(0, 200),
      bytes: new Uint8Array(await file.arrayBuffer()),
      settings: Object.keys(defaults).length ? { defaults } : {},
    });
    if (!result.ok) return rejectSubmission(submission, result);
    queued.job = { tenantId: ctx.tenant.id, id: result.value.id };
    return redirect(`/w/${ctx.tenant.slug}/${kind}/import/${result.value.id}`);
  });
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}

async function requireJob(tx: Tx, ctx: TenantContext, id: string | undefined, kind: ImportKind) {
  const job = await getImportJob(tx, ctx, id ?? "", kind);
  if (!job) throw new Response("Not found", { status: 404 });
  return job;
}

/** The job page: its state and its first errors. */
export async function importJobData(tx: Tx, ctx: TenantContext, id: string | undefined, kind: ImportKind) {
  const { errors, ...rest } = await requireJob(tx, ctx, id, kind);
  return { job: { ...rest, progress: progressOf(rest) }, errors: errors.slice(0, shownErrors) };
}

/** The errors of a failed import, by row and column, in the user's language, as XLSX. */
export async function importErrorsReport(tx: Tx, ctx: TenantContext, id: string | undefined, kind: ImportKind) {
  const job = await requireJob(tx, ctx, id, kind);
  const t = translator(ctx.locale);
  return exportResponse(
    "xlsx",
    `import-errors-${job.id.slice(0, 8)}`,
    [
      { header: t(`${kind}.import.row`), value: (e: Job["errors"][number]) => e.row, width: 10 },
      { header: t(`${kind}.import.column`), value: (e) => e.column, width: 16 },
      { header: t(`${kind}.import.message`), value: (e) => e.message, width: 80 },
    ],
    job.errors,
  );
}

/**
 * Live progress of an import as server-sent events: the job row, read every half second through the
 * request wrapper (so a session logged out or a membership removed ends the stream), until the job
 * ends or the browser leaves.
 */
export async function importEvents(
  request: Request,
  slug: string | undefined,
  id: string | undefined,
  kind: ImportKind,
  permission: Permission = "certificates:write",
) {
  const read = () => withTenant(request, slug, permission, (tx, ctx) => requireJob(tx, ctx, id, kind));
  await read(); // the first read answers 404 or the login before any stream starts
  const encoder = new TextEncoder();
  const deadline = Date.now() + 15 * 60_000;
  const stream = new ReadableStream({
    async start(controller) {
      let last = "";
      // A server shutting down ends the stream (the browser's EventSource reconnects to the next one).
      const shutdown = shutdownSignal();
      while (!request.signal.aborted && !shutdown.aborted && Date.now() < deadline) {
        const job = await read().catch(() => null);
        if (!job) break;
        const payload = JSON.stringify(progressView(job));
        if (payload !== last) controller.enqueue(encoder.encode(`event: progress\ndata: ${payload}\n\n`));
        else controller.enqueue(encoder.encode(": still working\n\n"));
        last = payload;
        if (job.status === "done" || job.status === "failed" || job.status === "review") break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 500);
          function done() {
            clearTimeout(timer);
            shutdown.removeEventListener("abort", done);
            resolve();
          }
          shutdown.addEventListener("abort", done);
        });
      }
      controller.close();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}
