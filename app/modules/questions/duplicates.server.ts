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

// PostgreSQL finds the candidates with the `%` operator through the trigram index (its default
// threshold), then checks the threshold on them. PGlite does not get `%`: after a `%` index scan over
// Chinese stems the next statement now and then spun inside PGlite's error handling (a test hung at
// 100% CPU; decision 051). There similarity() reads the certificate's questions of the same type. On both,
// an import's check is skipped past a budget of comparisons (rows × the certificate's questions).
const pgliteComparisons = 2_000_000;
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

/**
 * Flags each staged row of a question import with the most similar question of the job's certificate
 * (same type, similarity above the threshold); returns how many rows are flagged. Runs in the job's
 * own transaction (system scope inside the organization).
 */
export async function flagDuplicateRows(tx: Tx, job: { tenantId: string; id: string; certificateId: string | null }): Promise<number> {
  if (!job.certificateId) return 0;
  const index = await indexed();
  {
    const [size] = rowsOf<{ n: number }>(
      await tx.execute(sql`select (select count(*) from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id})
        * (select count(*) from questions where tenant_id = ${job.tenantId} and certificate_id = ${job.certificateId}) as n`),
    );
    if (Number(size.n) > pgliteComparisons) return 0;
  }
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with matches as (
        select s.row_number, best.id, best.sim
        from import_rows s
        cross join lateral (
          select q.id, similarity(q.stem, s.data->>'stem') as sim
          from questions q
          where q.tenant_id = ${job.tenantId} and ${index ? sql`q.stem % (s.data->>'stem') and` : sql``} similarity(q.stem, s.data->>'stem') >= ${duplicateThreshold}
            and q.certificate_id = ${job.certificateId} and q.type = (s.data->>'type')::question_type
          order by sim desc, q.id
          limit 1) best
        where s.tenant_id = ${job.tenantId} and s.job_id = ${job.id}
      ), flagged as (
        update import_rows r set duplicate_of = m.id, duplicate_similarity = m.sim
        from matches m
        where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id} and r.row_number = m.row_number
        returning 1
      )
      select count(*)::int as n from flagged`),
  );
  return Number(row?.n ?? 0);
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
