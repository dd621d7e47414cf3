import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { importJobs } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { type TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";

// Near-duplicate questions (issue 19 item 4, decision 051): within one certificate's bank, questions of
// the same type whose stems are near-identical by pg_trgm similarity. Trigrams of Chinese text are character trigrams: the same on PGlite and PostgreSQL
// (both UTF-8 with Han characters counted as letters; checked in tests/integration/near-duplicates).

export const duplicateThreshold = 0.6;

// The candidates come from a MinHash/LSH signature of each stem kept beside the bank (decision 057,
// migration 0054: 30 bands of 4 minhashes over pg_trgm's trigrams); the exact similarity() and the type
// are checked on them only. The lookups run as the owner (under RLS neither && nor % would use an index)
// and read only the current organization. Same path on PGlite and PostgreSQL, no comparison budget.
// The signature can miss a pair at the threshold (about 1.5% at exactly 0.6, measured in PERFORMANCE.md).
// The check keeps each staged row's signature (import_row_bands, decision 063); the move into the bank
// takes it rather than computing it again.

// Staged rows per statement of the import check: each statement stays short enough to cancel and to
// show up in pg_stat_activity as progress; the whole check is still one transaction.
const checkBatch = 5_000;

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
      select q.id, q.stem, q.level, q.type, q.status, q.version, s.sim as similarity
      from similar_question_ids(${question.certificateId}::uuid, ${question.type}::question_type, ${question.stem}, ${question.id}::uuid, ${duplicateThreshold}::real, ${limit}::int) s
      join questions q on q.tenant_id = ${tenantId} and q.id = s.question_id
      order by s.sim desc, q.id`),
  );
  return rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

/**
 * Flags each staged row of a question import with the most similar question of the job's certificate
 * (same type, similarity above the threshold); returns how many rows are flagged. Runs in the job's
 * own transaction (system scope inside the organization), one statement per batch of staged rows.
 * `lane` of `lanes`: only every lanes-th batch from the lane-th, so that several transactions can share
 * the check (each its own rows: nothing they write overlaps).
 */
export async function flagDuplicateRows(
  tx: Tx,
  job: { tenantId: string; id: string; certificateId: string | null },
  onBatch?: (checked: number, rows: number) => void,
  { lane = 0, lanes = 1, batch = checkBatch }: { lane?: number; lanes?: number; batch?: number } = {},
): Promise<number> {
  if (!job.certificateId) return 0;
  const [{ last }] = rowsOf<{ last: number }>(
    await tx.execute(sql`select coalesce(max(row_number), 0)::int as last from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id}`),
  );
  let flagged = 0;
  for (let from = lane * batch; from < Number(last); from += batch * lanes) {
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        with matches as (
          select f.row_number, f.question_id, f.sim
          from import_row_near_duplicates(${job.id}::uuid, ${from + 1}::int, ${from + batch}::int, ${duplicateThreshold}::real) f
        ), flagged as (
          update import_rows r set duplicate_of = m.question_id, duplicate_similarity = m.sim
          from matches m
          where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id} and r.row_number between ${from + 1} and ${from + batch}
            and r.row_number = m.row_number
          returning 1
        )
        select count(*)::int as n from flagged`),
    );
    flagged += Number(row?.n ?? 0);
    onBatch?.(Math.min(from + batch, Number(last)), Number(last));
  }
  return flagged;
}

export interface FlaggedRow {
  rowNumber: number;
  stem: string;
  type: string;
  level: string;
  similarity: number;
  duplicateOf: string;
  existingStem: string;
}

/** The flagged rows of a job waiting for review, with the question each resembles. */
export async function flaggedRows(tx: Tx, tenantId: string, jobId: string, limit = 500): Promise<FlaggedRow[]> {
  const rows = rowsOf<FlaggedRow>(
    await tx.execute(sql`
      select r.row_number as "rowNumber", r.data->>'stem' as stem, r.data->>'type' as type, r.data->>'level' as level,
        r.duplicate_similarity as similarity, r.duplicate_of as "duplicateOf", q.stem as "existingStem"
      from import_rows r
      join questions q on q.tenant_id = r.tenant_id and q.id = r.duplicate_of
      where r.tenant_id = ${tenantId} and r.job_id = ${jobId} and r.duplicate_of is not null
      order by r.row_number
      limit ${limit}`),
  );
  return rows.map((r) => ({ ...r, rowNumber: Number(r.rowNumber), similarity: Number(r.similarity) }));
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
