import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { importFiles, importJobs, importRows } from "../../../db/schema";
import { isLocale, translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { bankImports } from "~/modules/banks/imports.server";
import { flagDuplicateRows } from "~/modules/questions/duplicates.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import { jobLanes, withSystem, type TenantContext } from "~/modules/tenancy/context.server";
import { shutdownSignal } from "~/request-store.server";
import { isUuid } from "~/ui/ids";
import { cachedPlans, customPlans, type ImportKind, type Job } from "./bank-import";
import { checkZip, detectFormat, FormatError, readImport, type ImportFormat } from "./formats.server";
import { applyDefaults, foreignProblem, jobSettings, skippableOnly, withForeignFields } from "./foreign.server";
import { importGate } from "./gate.server";
import type { RowError } from "./sheet";

// One import pipeline (§二.6): the file is kept on disk and the job in the database, so an import
// runs in the background, shows its progress, and is picked up again if its runner died. Rows are
// validated first (all errors by row and column, nothing written); valid rows are staged in short
// transactions; one INSERT … SELECT moves them into the bank: all or nothing. What differs between
// banks (formats, columns, the row parser, that INSERT … SELECT, messages, audit names) is each bank's
// adapter, found in the registry (app/modules/banks/imports.server.ts).

export const maxImportBytes = 50 * 1024 * 1024;
const batchSize = 2000;
const progressEvery = 1000;
const leaseSeconds = 120;
/** Runs a job may start; the next claim fails it (a runner that keeps dying must not be resumed forever). */
const maxAttempts = 3;
/** Errors kept on the job (for the page and the downloadable report). */
const keptErrors = 10_000;

const banks = bankImports;

/** Records an uploaded file as a queued job; the caller starts it after its transaction commits. */
export async function createImportJob(
  tx: Tx,
  ctx: TenantContext,
  input: { kind?: ImportKind; certificateId: string | null; fileName: string; bytes: Uint8Array; settings?: Job["settings"] },
) {
  const t = translator(ctx.locale);
  const kind = input.kind ?? "questions";
  const format = detectFormat(input.bytes, input.fileName);
  if (!format || !banks[kind].formats.includes(format)) return { ok: false, status: 400, fieldErrors: { file: [t(`${kind}.import.badFile`)] } } as const;
  // What an XLSX declares is known without unpacking it: a zip bomb is refused here, on the form.
  if (format === "xlsx") {
    try {
      checkZip(input.bytes);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      return { ok: false, status: 400, fieldErrors: { file: [t(`${kind}.import.${error.key}`, error.params)] } } as const;
    }
  }
  const [job] = await tx
    .insert(importJobs)
    .values({
      tenantId: ctx.tenant.id,
      kind,
      format,
      certificateId: input.certificateId,
      fileName: input.fileName,
      locale: ctx.locale,
      createdByUserId: ctx.user.id,
      settings: input.settings ?? {},
    })
    .returning();
  await tx.insert(importFiles).values({ tenantId: ctx.tenant.id, jobId: job.id, bytes: input.bytes });
  await audit(tx, ctx, {
    action: `${banks[kind].audit}.create`,
    entityType: "import_job",
    entityId: job.id,
    after: { fileName: input.fileName, format, certificateId: input.certificateId, ...(input.settings?.defaults ? { defaults: input.settings.defaults } : {}) },
  });
  return { ok: true, value: job } as const;
}

/** A job of the organization (of one bank when `kind` is given: a case job is not a question job). */
export async function getImportJob(tx: Tx, ctx: TenantContext, id: string, kind?: ImportKind) {
  if (!isUuid(id)) return null;
  const [job] = await tx
    .select()
    .from(importJobs)
    .where(and(eq(importJobs.tenantId, ctx.tenant.id), eq(importJobs.id, id), kind ? eq(importJobs.kind, kind) : undefined))
    .limit(1);
  return job ?? null;
}

/** The recent jobs as the import page lists them (not their error lists). */
export function listImportJobs(tx: Tx, ctx: TenantContext, kind?: ImportKind) {
  return tx
    .select({
      id: importJobs.id,
      kind: importJobs.kind,
      fileName: importJobs.fileName,
      createdAt: importJobs.createdAt,
      status: importJobs.status,
      totalRows: importJobs.totalRows,
      processedRows: importJobs.processedRows,
      importedRows: importJobs.importedRows,
    })
    .from(importJobs)
    .where(and(eq(importJobs.tenantId, ctx.tenant.id), kind ? eq(importJobs.kind, kind) : undefined))
    .orderBy(sql`${importJobs.createdAt} desc`)
    .limit(50);
}

/**
 * Progress as the page shows it: validation, then writing, each half of the bar. A job that ended
 * has gone as far as it will: a failed one reads 100 too (its texts say that nothing was written).
 */
export function progressOf(job: Pick<Job, "status" | "totalRows" | "processedRows" | "importedRows">) {
  if (job.status === "done" || job.status === "failed") return 100;
  if (!job.totalRows) return 0;
  return Math.min(99, Math.floor(((job.processedRows + job.importedRows) / (job.totalRows * 2)) * 100));
}

/** What the job page and its live events show of a job. */
export function progressView(job: Pick<Job, "status" | "totalRows" | "processedRows" | "failedRows" | "importedRows">) {
  return {
    status: job.status,
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    failedRows: job.failedRows,
    importedRows: job.importedRows,
    progress: progressOf(job),
  };
}

/** A job's own short transaction, in the system scope inside its organization. */
const inOrganization = <T>(tenantId: string, fn: (tx: Tx) => Promise<T>) => withSystem(fn, tenantId, "organization");

/**
 * The near-duplicate check of a question job's staged rows (decision 051): the number of rows flagged.
 * It reads the bank for every staged row, so its batches are shared by as many transactions as the
 * database can run side by side (decision 063; PGlite: one); all of them end before it answers.
 */
export async function flagJobDuplicates(
  tenantId: string,
  job: Parameters<typeof flagDuplicateRows>[1],
  onBatch?: (checked: number, rows: number) => void,
): Promise<number> {
  // A lookup reads the band index's whole pending list: merged first (what earlier writes left there).
  await mergeQuestionIndexLists(tenantId);
  const lanes = await jobLanes();
  const counts = await Promise.allSettled(
    Array.from({ length: lanes }, (_, lane) => inOrganization(tenantId, (tx) => flagDuplicateRows(tx, job, onBatch, { lane, lanes }))),
  );
  const failed = counts.find((c) => c.status === "rejected");
  if (failed) throw failed.reason;
  return counts.reduce((sum, c) => sum + (c.status === "fulfilled" ? c.value : 0), 0);
}

/**
 * Merges the pending lists of the bank's GIN indexes (decision 063): an import's move appends to them,
 * and the merge runs once it is done, outside its transaction.
 */
async function mergeQuestionIndexLists(tenantId: string) {
  await inOrganization(tenantId, (tx) => tx.execute(sql`select merge_question_index_lists()`));
}

/** Takes the job for this runner unless another live runner holds it. */
async function claim(tenantId: string, id: string) {
  return inOrganization(tenantId, async (tx) => {
    const [job] = await tx
      .update(importJobs)
      .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`, updatedAt: sql`now()`, attempts: sql`${importJobs.attempts} + 1` })
      .where(
        and(
          eq(importJobs.tenantId, tenantId),
          eq(importJobs.id, id),
          sql`${importJobs.status} in ('queued', 'validating', 'importing')`,
          sql`(${importJobs.lockedUntil} is null or ${importJobs.lockedUntil} < now())`,
        ),
      )
      .returning();
    return job ?? null;
  });
}

function update(tenantId: string, id: string, changes: Partial<Job>) {
  return inOrganization(tenantId, (tx) =>
    tx
      .update(importJobs)
      // The lease is renewed unless the changes set it (a released lease: lockedUntil null).
      .set({ updatedAt: new Date(), lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`, ...changes })
      .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id))),
  );
}

/** Waits for `work` (a file read, a near-duplicate check: minutes on a large file) while renewing the job's lease. */
async function keepingLease<T>(tenantId: string, id: string, work: Promise<T>): Promise<T> {
  const renew = setInterval(() => void update(tenantId, id, {}).catch(() => {}), (leaseSeconds / 4) * 1000);
  return work.finally(() => clearInterval(renew));
}

/**
 * Ends a job as failed; `checked` and `failedRows` count rows validated (none when the file itself was
 * refused). `skippable`: the failed questions are all ones XCert cannot take (decision 049): the file
 * is kept so the user may import the rest.
 */
async function fail(job: Job, errors: RowError[], { errorCount = errors.length, checked = 0, failedRows = 0, skippable = [] as number[] } = {}) {
  // Once the job reads "failed", nothing of the upload is left behind (same transaction).
  await inOrganization(job.tenantId, async (tx) => {
    await tx.delete(importRows).where(and(eq(importRows.tenantId, job.tenantId), eq(importRows.jobId, job.id)));
    if (!skippable.length) await tx.delete(importFiles).where(and(eq(importFiles.tenantId, job.tenantId), eq(importFiles.jobId, job.id)));
    await tx
      .update(importJobs)
      .set({
        status: "failed",
        processedRows: checked,
        failedRows,
        importedRows: 0,
        errors: errors.slice(0, keptErrors),
        errorCount,
        lockedUntil: null,
        finishedAt: new Date(),
        updatedAt: new Date(),
        settings: { ...job.settings, skippable: skippable.length ? skippable : undefined },
      })
      .where(and(eq(importJobs.tenantId, job.tenantId), eq(importJobs.id, job.id)));
    await audit(
      tx,
      { requestId: `import:${job.id}`, ip: null, user: job.createdByUserId ? { id: job.createdByUserId } : null, role: "system", tenant: { id: job.tenantId } },
      {
        action: `${banks[job.kind].audit}.failed`,
        entityType: "import_job",
        entityId: job.id,
        after: { errorCount, failedRows, checkedRows: checked, totalRows: job.totalRows },
      },
    );
  });
}

/**
 * Runs (or resumes) a job to its end. Safe to call more than once and from several processes: the
 * lease lets one runner at a time through.
 */
export async function runImportJob(tenantId: string, id: string): Promise<Job | null> {
  const run = runImportJobOnce(tenantId, id);
  running.add(run);
  return run.finally(() => running.delete(run));
}

/** Runs of this process still going, for a graceful shutdown. */
const running = new Set<Promise<unknown>>();

/** A shutdown stopped the run: it gives its lease back and the run does not count as an attempt. */
class Stopped extends Error {}

/**
 * Another runner claimed the job after this one's lease ran out (a check or a read that outlasted it):
 * this run ends without writing anything more, the other one finishes the job.
 */
class Superseded extends Error {}

function stopIfShuttingDown() {
  if (shutdownSignal().aborted) throw new Stopped("server shutting down");
}

/**
 * On shutdown (server/, SIGTERM): every run of this process stops at its next checkpoint and gives its
 * lease back, so another server process resumes the job at once instead of after the lease expires.
 * Waits up to `timeoutMs` for them (a file still being read in its worker thread may take longer; its
 * lease then expires as when a process dies).
 */
export async function releaseImportLeases(timeoutMs: number) {
  if (running.size === 0) return;
  const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([Promise.allSettled([...running]), timeout]);
}

async function runImportJobOnce(tenantId: string, id: string): Promise<Job | null> {
  let job: Job | null = null;
  // The job's own request may still be committing: give it a moment to become visible.
  for (let attempt = 0; attempt < 20 && !job; attempt++) {
    job = await claim(tenantId, id);
    if (!job) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!job) return null;
  // Each claim counts an attempt: the count this run claimed is its token. The review and the move
  // are written only while the job still carries it.
  const token = job.attempts;
  const locale = isLocale(job.locale) ? job.locale : "zh-CN";
  const t = translator(locale);
  const bank = banks[job.kind];
  // Each earlier run ended without a verdict (its runner died or threw): give up instead of a fourth.
  if (job.attempts > maxAttempts) {
    await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.tooManyAttempts`, { count: maxAttempts }) }]);
    return null;
  }
  // Tests only: stop at each checkpoint until released (decision 017); null everywhere else.
  const gate = importGate();
  let step = 0;
  const checkpoint = async (status: "validating" | "importing", totalRows: number, processedRows: number, importedRows: number) => {
    await gate?.({
      jobId: id,
      step: ++step,
      status,
      totalRows,
      processedRows,
      importedRows,
      progress: progressOf({ status, totalRows, processedRows, importedRows }),
    });
    stopIfShuttingDown();
  };
  try {
    // The upload form's defaults fill what a row leaves empty; questions the user chose to skip are left out.
    const settings = jobSettings(job);
    // A job whose rows are all staged (it waited for the duplicate review) goes on from there: its file
    // was read and every row checked before the first row was staged.
    const [{ staged }] = await inOrganization(tenantId, async (tx) =>
      rowsOf<{ staged: number }>(
        await tx.execute(sql`select coalesce(max(row_number), 0)::int as staged from import_rows where tenant_id = ${tenantId} and job_id = ${id}`),
      ),
    );
    const fullyStaged = job.totalRows > 0 && job.processedRows === job.totalRows && Number(staged) === job.totalRows;
    let notes = job.settings?.notes ?? [];
    if (!fullyStaged) {
      const [file] = await inOrganization(tenantId, (tx) =>
        tx
          .select({ bytes: importFiles.bytes })
          .from(importFiles)
          .where(and(eq(importFiles.tenantId, tenantId), eq(importFiles.jobId, id))),
      );
      if (!file) {
        await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.fileGone`) }]);
        return null;
      }
      const bytes = file.bytes;
      const read = await keepingLease(tenantId, id, readImport(bytes, job.format as ImportFormat, bank.sheet, t));
      stopIfShuttingDown();
      notes = read.notes;
      const rows = applyDefaults(read.rows, settings);
      if (read.notes.length) await update(tenantId, id, { settings: { ...job.settings, notes: read.notes } });
      if (rows.length === 0) {
        await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.empty`) }]);
        return null;
      }
      await update(tenantId, id, { status: "validating", totalRows: rows.length, processedRows: 0 });
      // Requirement codes resolve against the job's certificate; a job of no certificate (majors) has none.
      const certificateId = job.certificateId;
      const requirements = certificateId ? await inOrganization(tenantId, (tx) => skillRequirements(tx, tenantId, certificateId)) : [];
      const byCode = new Map(requirements.map((r) => [`${r.level}:${r.code}`, r.lineageId]));
      const lookups = bank.lookups ? await inOrganization(tenantId, (tx) => bank.lookups!(tx, tenantId)) : undefined;
      const context = {
        certificateId: certificateId ?? "",
        requirementIds: (level: string, code: string) => byCode.get(`${level}:${code}`),
        t,
        locale,
        lookups,
      };

      // 1. Validate every row; stop at nothing so the report lists all errors.
      const valid: unknown[] = [];
      const errors: RowError[] = [];
      let errorCount = 0;
      let failedRows = 0;
      for (let i = 0; i < rows.length; i++) {
        // Row 1 is the header in a spreadsheet; a Moodle or GIFT question carries its number in the file.
        const rowNumber = rows[i].__number ? Number(rows[i].__number) : i + 2;
        const result = foreignProblem(rows[i], rowNumber, t) ?? withForeignFields(bank.parseRow(rows[i], rowNumber, context), rows[i]);
        if (result.ok) valid.push(result.value);
        else {
          failedRows++;
          errorCount += result.errors.length;
          if (errors.length < keptErrors) errors.push(...result.errors);
        }
        if ((i + 1) % progressEvery === 0) {
          stopIfShuttingDown();
          await update(tenantId, id, { processedRows: i + 1 });
          if (gate) await checkpoint("validating", rows.length, i + 1, 0);
        }
        // Validation is CPU work: let the server answer other requests (and this job's progress) meanwhile.
        else if ((i + 1) % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (errorCount) {
        await fail({ ...job, totalRows: rows.length, settings: { ...job.settings, notes: read.notes.length ? read.notes : undefined } }, errors, {
          errorCount,
          checked: rows.length,
          failedRows,
          skippable: skippableOnly(rows, errors, errorCount),
        });
        return null;
      }
      await update(tenantId, id, { status: "importing", processedRows: rows.length });

      // 2. Stage in batches, each its own transaction; a resumed job starts after what is staged.
      for (let start = Number(staged); start < valid.length; start += batchSize) {
        stopIfShuttingDown();
        const batch = valid.slice(start, start + batchSize);
        await inOrganization(tenantId, async (tx) => {
          // Each staged row's key check reads the job (not growing): a cached plan.
          await tx.execute(cachedPlans);
          // The batch as one JSON parameter (100,000 rows: 2.4 s, against 6.1 s as bound values).
          await tx.execute(sql`insert into import_rows (tenant_id, job_id, row_number, data)
            select ${tenantId}::uuid, ${id}::uuid, ${start}::int + r.n::int, r.data
            from jsonb_array_elements(${JSON.stringify(batch)}::jsonb) with ordinality r(data, n)`);
          await tx
            .update(importJobs)
            .set({ importedRows: start + batch.length, updatedAt: new Date(), lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
            .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));
        });
        if (gate) await checkpoint("importing", rows.length, rows.length, start + batch.length);
      }
    }

    // 2b. Near-duplicates (decision 051): a question import whose rows resemble questions of the bank
    // waits for the user, who imports them anyway or skips them (app/modules/smart/review.server.ts).
    if (job.kind === "questions" && !job.duplicates) {
      const flagged = await keepingLease(tenantId, id, flagJobDuplicates(tenantId, job));
      if (flagged > 0) {
        const [waiting] = await inOrganization(tenantId, (tx) =>
          tx
            .update(importJobs)
            .set({ status: "review", duplicateRows: flagged, lockedUntil: null, updatedAt: new Date() })
            .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id), eq(importJobs.attempts, token)))
            .returning(),
        );
        return waiting ?? null;
      }
    }
    const skipDuplicates = job.duplicates === "skip";

    // 3. Into the bank, in one transaction.
    const done = await inOrganization(tenantId, async (tx) => {
      // Held until the move commits: a runner that claimed the job since moves it instead, and none can
      // claim it while this one moves (a move that outlasts the lease).
      const [held] = await tx
        .select({ id: importJobs.id })
        .from(importJobs)
        .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id), eq(importJobs.attempts, token), eq(importJobs.status, "importing")))
        .for("update");
      if (!held) throw new Superseded();
      await tx.execute(cachedPlans);
      // The rows the user chose to skip leave in the same transaction as the rest moves in.
      if (skipDuplicates) await tx.execute(sql`delete from import_rows where tenant_id = ${tenantId} and job_id = ${id} and duplicate_of is not null`);
      const count = await bank.move(tx, job);
      await tx.execute(customPlans);
      await tx.delete(importRows).where(and(eq(importRows.tenantId, tenantId), eq(importRows.jobId, id)));
      await tx.delete(importFiles).where(and(eq(importFiles.tenantId, tenantId), eq(importFiles.jobId, id)));
      const [finished] = await tx
        .update(importJobs)
        .set({
          status: "done",
          importedRows: count,
          lockedUntil: null,
          finishedAt: new Date(),
          updatedAt: new Date(),
          settings: { ...job.settings, skippable: undefined, notes: notes.length ? notes : undefined },
        })
        .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)))
        .returning();
      await audit(
        tx,
        { requestId: `import:${id}`, ip: null, user: job.createdByUserId ? { id: job.createdByUserId } : null, role: "system", tenant: { id: tenantId } },
        {
          action: `${bank.audit}.done`,
          entityType: "import_job",
          entityId: id,
          after: {
            imported: count,
            fileName: job.fileName,
            certificateId: job.certificateId,
            ...(settings.skip?.length ? { skipped: settings.skip } : {}),
            ...(job.duplicates ? { duplicates: job.duplicates, duplicateRows: job.duplicateRows } : {}),
          },
        },
      );
      return finished;
    });
    // The job is done for its user; the indexes' pending lists it filled are merged now (decision 063).
    // Should that fail, autovacuum merges them later.
    if (job.kind === "questions") await mergeQuestionIndexLists(tenantId).catch(() => {});
    return done;
  } catch (error) {
    if (error instanceof FormatError) {
      await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.${error.key}`, error.params) }]);
      return null;
    }
    if (error instanceof Superseded) return null;
    if (error instanceof Stopped) {
      await update(tenantId, id, { lockedUntil: null, attempts: sql`greatest(${importJobs.attempts} - 1, 0)` as unknown as number }).catch(() => {});
      return null;
    }
    // Anything else (the database went away): release the lease so the job resumes later.
    await update(tenantId, id, { lockedUntil: null }).catch(() => {});
    throw error;
  }
}

/** Starts a job in this process without waiting for it (after the request that queued it). */
export function startImportJob(tenantId: string, id: string) {
  void runImportJob(tenantId, id).catch((error: Error) => console.error(`[import ${id}]`, error.message));
}

/** Jobs left behind by a runner that died: picked up by the background loop. */
export async function resumeStaleImports() {
  const stale = await withSystem(async (tx) =>
    rowsOf<{ tenant_id: string; id: string }>(
      await tx.execute(sql`select tenant_id, id from import_jobs
        where status in ('queued', 'validating', 'importing') and (locked_until is null or locked_until < now())
          and updated_at < now() - interval '30 seconds'
        order by created_at limit 5`),
    ),
  );
  for (const job of stale) await runImportJob(job.tenant_id, job.id);
}
