import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { importFiles, importJobs, importRows } from "../../../db/schema";
import { isLocale, translator } from "~/i18n/i18n";
import type { ImportAuditPrefix } from "~/modules/audit/actions";
import { audit } from "~/modules/audit/audit.server";
import { skillRequirements } from "~/modules/questions/service.server";
import { withSystem, type TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { caseSheet, parseCaseRow } from "./case-rows";
import { checkZip, detectFormat, FormatError, readRows, type ImportFormat } from "./formats.server";
import { importGate } from "./gate.server";
import { parseQuestionRow, questionSheet } from "./question-rows";
import type { RowContext, RowError, RowResult, Sheet, SheetRow } from "./sheet";

// One import pipeline (§二.6): the file is kept on disk and the job in the database, so an import
// runs in the background, shows its progress, and is picked up again if its runner died. Rows are
// validated first (all errors by row and column, nothing written); valid rows are staged in short
// transactions; one INSERT … SELECT moves them into the bank: all or nothing. What differs between
// banks (formats, columns, the row parser, that INSERT … SELECT, messages, audit names) is in `banks`.

export const maxImportBytes = 50 * 1024 * 1024;
const batchSize = 2000;
const progressEvery = 1000;
const leaseSeconds = 120;
/** Runs a job may start; the next claim fails it (a runner that keeps dying must not be resumed forever). */
const maxAttempts = 3;
/** Errors kept on the job (for the page and the downloadable report). */
const keptErrors = 10_000;


export type Job = typeof importJobs.$inferSelect;
export type ImportKind = Job["kind"];

interface BankImport {
  formats: readonly ImportFormat[];
  sheet: Sheet;
  parseRow: (row: SheetRow, rowNumber: number, context: RowContext) => RowResult<unknown>;
  /** Moves the job's staged rows into the bank in the caller's transaction (cached plans); returns how many. */
  move: (tx: Tx, job: Job) => Promise<number>;
  /** Audit action prefix (`<prefix>.create|done|failed`). */
  audit: ImportAuditPrefix;
}

const banks: Record<ImportKind, BankImport> = {
  questions: { formats: ["xlsx", "csv", "moodle"], sheet: questionSheet, parseRow: parseQuestionRow, move: moveQuestions, audit: "question_import" },
  cases: { formats: ["xlsx", "csv"], sheet: caseSheet, parseRow: parseCaseRow, move: moveCases, audit: "case_import" },
};

// Transactions plan every statement for its parameters (plan_cache_mode = force_custom_plan, set with
// the scope), and that includes each row's foreign-key checks. A bulk move whose checks look up tables
// the import does not grow (tenant, certificate, user) lets them keep their cached plans instead.
const cachedPlans = sql`set local plan_cache_mode = auto`;
const customPlans = sql`set local plan_cache_mode = force_custom_plan`;

/**
 * Questions arrive published as version 1, each with its version row. Two statements: the version
 * rows' foreign-key check against `questions` must be planned for the table as it is after the
 * insert (custom plans); the questions' own checks keep their cached plans, so only half of the
 * per-row checks pay for planning.
 */
async function moveQuestions(tx: Tx, job: Job) {
  await tx.execute(sql`
    insert into questions (tenant_id, certificate_id, level, type, stem, options, answer, explanation, rubric, difficulty,
      requirement_ids, tags, pool, visibility, status, version, published_at, import_job_id, created_by_user_id)
    select r.tenant_id, ${job.certificateId}::uuid, (d->>'level')::certificate_level, (d->>'type')::question_type, d->>'stem', d->'options',
      d->>'answer', d->>'explanation', d->>'rubric', (d->>'difficulty')::smallint,
      array(select jsonb_array_elements_text(d->'requirementIds'))::uuid[], array(select jsonb_array_elements_text(d->'tags')),
      (d->>'pool')::question_pool, (d->>'visibility')::resource_visibility, 'published', 1, now(), ${job.id}::uuid, ${job.createdByUserId}::uuid
    from import_rows r cross join lateral (select r.data as d) x
    where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id}`);
  // A check planned when the bank was small scans it for every row: quadratic on a young database.
  await tx.execute(customPlans);
  const inserted = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with versions as (
        insert into question_versions (tenant_id, question_id, version, snapshot, pool, published_by_user_id)
        select tenant_id, id, 1, jsonb_build_object('level', level, 'type', type, 'stem', stem, 'options', options, 'answer', answer,
          'explanation', explanation, 'rubric', rubric, 'difficulty', difficulty, 'requirementIds', to_jsonb(requirement_ids),
          'tags', to_jsonb(tags), 'pool', pool, 'visibility', visibility), pool, ${job.createdByUserId}::uuid
        from questions
        where tenant_id = ${job.tenantId} and import_job_id = ${job.id}
        returning 1
      )
      select count(*)::int as n from versions`),
  );
  return Number(inserted[0]?.n ?? 0);
}

async function moveCases(tx: Tx, job: Job) {
  const inserted = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with moved as (
        insert into cases (tenant_id, certificate_id, level, title, industry_context, body, requirement_ids, visibility, created_by_user_id)
        select r.tenant_id, ${job.certificateId}::uuid, (d->>'level')::certificate_level, d->>'title', d->>'industryContext', d->>'body',
          array(select jsonb_array_elements_text(d->'requirementIds'))::uuid[], (d->>'visibility')::resource_visibility, ${job.createdByUserId}::uuid
        from import_rows r cross join lateral (select r.data as d) x
        where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id}
        returning 1
      )
      select count(*)::int as n from moved`),
  );
  return Number(inserted[0]?.n ?? 0);
}

/** Records an uploaded file as a queued job; the caller starts it after its transaction commits. */
export async function createImportJob(tx: Tx, ctx: TenantContext, input: { kind?: ImportKind; certificateId: string; fileName: string; bytes: Uint8Array }) {
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
    .values({ tenantId: ctx.tenant.id, kind, format, certificateId: input.certificateId, fileName: input.fileName, locale: ctx.locale, createdByUserId: ctx.user.id })
    .returning();
  await tx.insert(importFiles).values({ tenantId: ctx.tenant.id, jobId: job.id, bytes: input.bytes });
  await audit(tx, ctx, { action: `${banks[kind].audit}.create`, entityType: "import_job", entityId: job.id, after: { fileName: input.fileName, format, certificateId: input.certificateId } });
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
  return { status: job.status, totalRows: job.totalRows, processedRows: job.processedRows, failedRows: job.failedRows, importedRows: job.importedRows, progress: progressOf(job) };
}

/** A job's own short transaction, in the system scope inside its organization. */
const inOrganization = <T>(tenantId: string, fn: (tx: Tx) => Promise<T>) => withSystem(fn, tenantId, "organization");

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

/** Ends a job as failed; `checked` and `failedRows` count rows validated (none when the file itself was refused). */
async function fail(job: Job, errors: RowError[], { errorCount = errors.length, checked = 0, failedRows = 0 } = {}) {
  // Once the job reads "failed", nothing of the upload is left behind (same transaction).
  await inOrganization(job.tenantId, async (tx) => {
    await tx.delete(importRows).where(and(eq(importRows.tenantId, job.tenantId), eq(importRows.jobId, job.id)));
    await tx.delete(importFiles).where(and(eq(importFiles.tenantId, job.tenantId), eq(importFiles.jobId, job.id)));
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
      })
      .where(and(eq(importJobs.tenantId, job.tenantId), eq(importJobs.id, job.id)));
    await audit(tx, { requestId: `import:${job.id}`, ip: null, user: job.createdByUserId ? { id: job.createdByUserId } : null, role: "system", tenant: { id: job.tenantId } }, {
      action: `${banks[job.kind].audit}.failed`,
      entityType: "import_job",
      entityId: job.id,
      after: { errorCount, failedRows, checkedRows: checked, totalRows: job.totalRows },
    });
  });
}

/**
 * Runs (or resumes) a job to its end. Safe to call more than once and from several processes: the
 * lease lets one runner at a time through.
 */
export async function runImportJob(tenantId: string, id: string): Promise<Job | null> {
  let job: Job | null = null;
  // The job's own request may still be committing: give it a moment to become visible.
  for (let attempt = 0; attempt < 20 && !job; attempt++) {
    job = await claim(tenantId, id);
    if (!job) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!job) return null;
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
  const checkpoint = (status: "validating" | "importing", totalRows: number, processedRows: number, importedRows: number) =>
    gate?.({ jobId: id, step: ++step, status, totalRows, processedRows, importedRows, progress: progressOf({ status, totalRows, processedRows, importedRows }) });
  try {
    const [file] = await inOrganization(tenantId, (tx) =>
      tx.select({ bytes: importFiles.bytes }).from(importFiles).where(and(eq(importFiles.tenantId, tenantId), eq(importFiles.jobId, id))),
    );
    if (!file) {
      await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.fileGone`) }]);
      return null;
    }
    const bytes = file.bytes;
    // The read worker may take minutes on a large file: the lease is renewed meanwhile.
    const renew = setInterval(() => void update(tenantId, id, {}).catch(() => {}), (leaseSeconds / 4) * 1000);
    const rows = await readRows(bytes, job.format as ImportFormat, bank.sheet).finally(() => clearInterval(renew));
    if (rows.length === 0) {
      await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.empty`) }]);
      return null;
    }
    await update(tenantId, id, { status: "validating", totalRows: rows.length, processedRows: 0 });
    const requirements = await inOrganization(tenantId, (tx) => skillRequirements(tx, tenantId, job.certificateId));
    const byCode = new Map(requirements.map((r) => [`${r.level}:${r.code}`, r.lineageId]));
    const context = { certificateId: job.certificateId, requirementIds: (level: string, code: string) => byCode.get(`${level}:${code}`), t, locale };

    // 1. Validate every row; stop at nothing so the report lists all errors.
    const valid: unknown[] = [];
    const errors: RowError[] = [];
    let errorCount = 0;
    let failedRows = 0;
    for (let i = 0; i < rows.length; i++) {
      // Row 1 is the header in a spreadsheet; a Moodle question is numbered from 1.
      const result = bank.parseRow(rows[i], job.format === "moodle" ? i + 1 : i + 2, context);
      if (result.ok) valid.push(result.value);
      else {
        failedRows++;
        errorCount += result.errors.length;
        if (errors.length < keptErrors) errors.push(...result.errors);
      }
      if ((i + 1) % progressEvery === 0) {
        await update(tenantId, id, { processedRows: i + 1 });
        if (gate) await checkpoint("validating", rows.length, i + 1, 0);
      }
      // Validation is CPU work: let the server answer other requests (and this job's progress) meanwhile.
      else if ((i + 1) % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (errorCount) {
      await fail({ ...job, totalRows: rows.length }, errors, { errorCount, checked: rows.length, failedRows });
      return null;
    }
    await update(tenantId, id, { status: "importing", processedRows: rows.length });

    // 2. Stage in batches, each its own transaction; a resumed job starts after what is staged.
    const [{ staged }] = await inOrganization(tenantId, async (tx) =>
      rowsOf<{ staged: number }>(await tx.execute(sql`select coalesce(max(row_number), 0)::int as staged from import_rows where tenant_id = ${tenantId} and job_id = ${id}`)),
    );
    for (let start = Number(staged); start < valid.length; start += batchSize) {
      const batch = valid.slice(start, start + batchSize);
      await inOrganization(tenantId, async (tx) => {
        // Each staged row's key check reads the job (not growing): a cached plan.
        await tx.execute(cachedPlans);
        await tx.insert(importRows).values(batch.map((data, i) => ({ tenantId, jobId: id, rowNumber: start + i + 1, data: data as Record<string, unknown> })));
        await tx
          .update(importJobs)
          .set({ importedRows: start + batch.length, updatedAt: new Date(), lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
          .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));
      });
      if (gate) await checkpoint("importing", rows.length, rows.length, start + batch.length);
    }

    // 3. Into the bank, in one transaction.
    const done = await inOrganization(tenantId, async (tx) => {
      await tx.execute(cachedPlans);
      const count = await bank.move(tx, job);
      await tx.execute(customPlans);
      await tx.delete(importRows).where(and(eq(importRows.tenantId, tenantId), eq(importRows.jobId, id)));
      await tx.delete(importFiles).where(and(eq(importFiles.tenantId, tenantId), eq(importFiles.jobId, id)));
      const [finished] = await tx
        .update(importJobs)
        .set({ status: "done", importedRows: count, lockedUntil: null, finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)))
        .returning();
      await audit(tx, { requestId: `import:${id}`, ip: null, user: job.createdByUserId ? { id: job.createdByUserId } : null, role: "system", tenant: { id: tenantId } }, {
        action: `${bank.audit}.done`,
        entityType: "import_job",
        entityId: id,
        after: { imported: count, fileName: job.fileName, certificateId: job.certificateId },
      });
      return finished;
    });
    return done;
  } catch (error) {
    if (error instanceof FormatError) {
      await fail(job, [{ row: 0, column: "", message: t(`${job.kind}.import.${error.key}`, error.params) }]);
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
