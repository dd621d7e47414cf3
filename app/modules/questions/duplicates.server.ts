import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { importJobs } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { databaseKind, type TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";

// Near-duplicate questions (issue 19 item 4, decision 051): within one certificate's bank, questions of
// the same type whose stems are near-identical by pg_trgm similarity. Trigrams of Chinese text are character trigrams: the same on PGlite and PostgreSQL
// (both UTF-8 with Han characters counted as letters; checked in tests/integration/near-duplicates).

export const duplicateThreshold = 0.6;

// PostgreSQL finds the candidates with the `%` operator through the trigram index, then checks the
// threshold on them. PGlite does not get `%`: after a `%` index scan over Chinese stems the next
// statement now and then spun inside PGlite's error handling (a test hung at 100% CPU; decision 051).
// There similarity() reads the certificate's questions of the same type, so an import's check on
// PGlite has a budget of comparisons; past it the check does not run and the job page says so
// (decision 057). PostgreSQL has no budget.
// DUPLICATE_CHECK_PGLITE_COMPARISONS changes it (a test lowers it to see the page say so).
const pgliteComparisons = () => Number(process.env.DUPLICATE_CHECK_PGLITE_COMPARISONS || 2_000_000);
// Staged rows per statement of the import check: each statement stays short enough to cancel and
// to show up in pg_stat_activity as progress, the whole check is still one transaction.
const checkBatch = 5_000;
const indexed = async () => (await databaseKind()) !== "pglite";

export interface SimilarQuestion {
  id: string;
  stem: string;
  level: "junior" | "intermediate" | "senior";
  type: string;
  status: "draft" | "published";
  version: number;
  similarity: number;
}

/** Questions of the same certificate and type whose stem resembles this one's, most similar first. */
export async function similarQuestions(
  tx: Tx,
  tenantId: string,
  question: { id: string; certificateId: string; type: string; stem: string },
  limit = 5,
): Promise<SimilarQuestion[]> {
  const rows = rowsOf<SimilarQuestion>(
    await tx.execute(sql`
      select q.id, q.stem, q.level, q.type, q.status, q.version, similarity(q.stem, ${question.stem}) as similarity
      from questions q
      where q.tenant_id = ${tenantId} and ${(await indexed()) ? sql`q.stem % ${question.stem} and` : sql``} similarity(q.stem, ${question.stem}) >= ${duplicateThreshold}
        and q.certificate_id = ${question.certificateId} and q.type = ${question.type}::question_type and q.id <> ${question.id}
      order by similarity desc, q.id
      limit ${limit}`),
  );
  return rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

export type DuplicateCheck = { flagged: number; skipped?: undefined } | { flagged: 0; skipped: { rows: number; bank: number } };

/**
 * Flags each staged row of a question import with the most similar question of the job's certificate
 * (same type, similarity above the threshold) or, when none, with the most similar earlier row of the
 * same file (decision 057). Runs in the job's own transaction (system scope inside the organization);
 * answers how many rows are flagged, or, on PGlite past its budget, that the check did not run.
 */
export async function flagDuplicateRows(
  tx: Tx,
  job: { tenantId: string; id: string; certificateId: string | null },
  onBatch?: (checked: number, rows: number) => void,
): Promise<DuplicateCheck> {
  if (!job.certificateId) return { flagged: 0 };
  const index = await indexed();
  const [size] = rowsOf<{ rows: number; bank: number }>(
    await tx.execute(sql`select (select count(*) from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id})::int as rows,
        (select count(*) from questions where tenant_id = ${job.tenantId} and certificate_id = ${job.certificateId})::int as bank`),
  );
  const rows = Number(size.rows);
  const bank = Number(size.bank);
  if (!index && rows * bank + (rows * (rows - 1)) / 2 > pgliteComparisons()) return { flagged: 0, skipped: { rows, bank } };
  if (rows === 0) return { flagged: 0 };

  // The file's own stems, with a GIN trigram index on PostgreSQL (GiST was 50 times slower a lookup on
  // varied stems). A row is flagged with the most similar earlier row. A file of rows that all resemble
  // each other (a template with a running number) rechecks every earlier row a row: slow (decision 057).
  // Dropped at commit.
  await tx.execute(sql`create temp table staged_stems (row_number int primary key, type question_type not null, stem text not null) on commit drop`);
  await tx.execute(sql`insert into staged_stems
    select row_number, (data->>'type')::question_type, coalesce(data->>'stem', '') from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id}`);
  if (index) {
    await tx.execute(sql`create index on staged_stems using gin (stem gin_trgm_ops)`);
    await tx.execute(sql`analyze staged_stems`);
    // The index scans themselves drop candidates below the threshold (transaction-local).
    await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(duplicateThreshold)}, true)`);
  }
  const [{ last }] = rowsOf<{ last: number }>(await tx.execute(sql`select coalesce(max(row_number), 0)::int as last from staged_stems`));
  let flagged = 0;
  // One statement per batch of staged rows: the bank's best match of each row, else the best earlier row.
  for (let from = 0; from < Number(last); from += checkBatch) {
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        with batch as (
          select row_number, type, stem from staged_stems where row_number > ${from} and row_number <= ${from + checkBatch}
        ), in_bank as (
          ${
            index
              ? // Through the trigram index, as the owner (migration 0053): under RLS `%` would read the whole bank a row.
                sql`select f.row_number, f.question_id as id, f.sim from import_row_near_duplicates(${job.id}::uuid, ${from + 1}::int, ${from + checkBatch}::int, ${duplicateThreshold}::real) f`
              : sql`select b.row_number, best.id, best.sim
          from batch b
          cross join lateral (
            select q.id, similarity(q.stem, b.stem) as sim
            from questions q
            where q.tenant_id = ${job.tenantId} and q.certificate_id = ${job.certificateId} and q.type = b.type and similarity(q.stem, b.stem) >= ${duplicateThreshold}
            order by sim desc, q.id
            limit 1) best`
          }
        ), in_file as (
          select b.row_number, best.of_row, similarity(best.stem, b.stem) as sim
          from batch b
          cross join lateral (
            select o.row_number as of_row, o.stem
            from staged_stems o
            where o.row_number < b.row_number and o.type = b.type and ${index ? sql`o.stem % b.stem` : sql`similarity(o.stem, b.stem) >= ${duplicateThreshold}`}
            -- Ordered by similarity: without an ORDER BY the planner read the table in row order
            -- (LIMIT 1 looks cheap) and compared every earlier row instead of using the index.
            order by similarity(o.stem, b.stem) desc, o.row_number
            limit 1) best
          where similarity(best.stem, b.stem) >= ${duplicateThreshold}
            and not exists (select 1 from in_bank k where k.row_number = b.row_number)
        ), matches as (
          select row_number, id, null::int as of_row, sim from in_bank
          union all
          select row_number, null::uuid, of_row, sim from in_file
        ), flagged as (
          update import_rows r set duplicate_of = m.id, duplicate_of_row = m.of_row, duplicate_similarity = m.sim
          from matches m
          where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id} and r.row_number = m.row_number
          returning 1
        )
        select count(*)::int as n from flagged`),
    );
    flagged += Number(row?.n ?? 0);
    onBatch?.(Math.min(from + checkBatch, Number(last)), Number(last));
  }
  await tx.execute(sql`drop table staged_stems`);
  return { flagged };
}

export interface FlaggedRow {
  rowNumber: number;
  stem: string;
  type: string;
  level: string;
  similarity: number;
  /** The bank's question it resembles, or null when it resembles an earlier row of the file. */
  duplicateOf: string | null;
  duplicateOfRow: number | null;
  existingStem: string;
}

/** The flagged rows of a job waiting for review, with the question (or earlier row) each resembles. */
export async function flaggedRows(tx: Tx, tenantId: string, jobId: string, limit = 500): Promise<FlaggedRow[]> {
  const rows = rowsOf<FlaggedRow>(
    await tx.execute(sql`
      select r.row_number as "rowNumber", r.data->>'stem' as stem, r.data->>'type' as type, r.data->>'level' as level,
        r.duplicate_similarity as similarity, r.duplicate_of as "duplicateOf", r.duplicate_of_row as "duplicateOfRow",
        coalesce(q.stem, e.data->>'stem') as "existingStem"
      from import_rows r
      left join questions q on q.tenant_id = r.tenant_id and q.id = r.duplicate_of
      left join import_rows e on e.tenant_id = r.tenant_id and e.job_id = r.job_id and e.row_number = r.duplicate_of_row
      where r.tenant_id = ${tenantId} and r.job_id = ${jobId} and (r.duplicate_of is not null or r.duplicate_of_row is not null)
      order by r.row_number
      limit ${limit}`),
  );
  return rows.map((r) => ({
    ...r,
    rowNumber: Number(r.rowNumber),
    duplicateOfRow: r.duplicateOfRow === null ? null : Number(r.duplicateOfRow),
    similarity: Number(r.similarity),
  }));
}

/**
 * The user's choice for a job in review: 'keep' imports the flagged rows too, 'skip' leaves them out.
 * The job goes back to the runner (the caller starts it after its transaction commits).
 */
export async function decideDuplicates(tx: Tx, ctx: TenantContext, jobId: string, choice: "keep" | "skip") {
  if (!isUuid(jobId)) return null;
  const [job] = await tx
    .update(importJobs)
    .set({ duplicates: choice, status: "importing", lockedUntil: null, updatedAt: new Date() })
    .where(and(eq(importJobs.tenantId, ctx.tenant.id), eq(importJobs.id, jobId), eq(importJobs.kind, "questions"), eq(importJobs.status, "review")))
    .returning();
  if (!job) return null;
  await audit(tx, ctx, {
    action: "question_import.duplicates",
    entityType: "import_job",
    entityId: job.id,
    after: { duplicates: choice, duplicateRows: job.duplicateRows },
  });
  return job;
}
