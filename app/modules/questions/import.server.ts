import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { customPlans, type BankImport, type Job } from "~/modules/imports/bank-import";
import { parseQuestionRow, questionSheet } from "./import-rows";
import { moveQuestionAttachments } from "./attachments.server";
import { snapshotFields } from "./service.server";

// The question bank's import adapter: the pipeline (app/modules/imports/jobs.server.ts) validates and
// stages the rows; this moves them into the bank.

const columnOf = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The version snapshot, built from the same fields as a version saved through the form. */
const snapshotSql = sql.raw(`jsonb_build_object(${snapshotFields.map((field) => `'${field}', ${columnOf(field)}`).join(", ")})`);

/**
 * Questions arrive published as version 1, each with its version row. Two statements: the version
 * rows' foreign-key check against `questions` must be planned for the table as it is after the
 * insert (custom plans); the questions' own checks keep their cached plans, so only half of the
 * per-row checks pay for planning.
 */
async function moveQuestions(tx: Tx, job: Job) {
  // The bank's GIN indexes (the near-duplicate bands, the stem trigrams) take the new keys into their
  // pending lists instead of key by key into the index; the runner merges them once the import is done
  // (decision 063). 128 MB holds the keys of about 200,000 questions.
  await tx.execute(sql`set local gin_pending_list_limit = '128MB'`);
  await tx.execute(sql`
    insert into questions (tenant_id, id, answer_weights, certificate_id, level, type, stem, options, answer, explanation, rubric, difficulty,
      requirement_ids, tags, pool, visibility, status, version, published_at, import_job_id, created_by_user_id)
    select r.tenant_id, coalesce((d->>'questionId')::uuid, gen_random_uuid()), d->'answerWeights', ${job.certificateId}::uuid, (d->>'level')::certificate_level, (d->>'type')::question_type, d->>'stem', d->'options',
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
        select tenant_id, id, 1, ${snapshotSql}, pool, ${job.createdByUserId}::uuid
        from questions
        where tenant_id = ${job.tenantId} and import_job_id = ${job.id}
        returning 1
      )
      select count(*)::int as n from versions`),
  );
  await moveQuestionAttachments(tx, job);
  return Number(inserted[0]?.n ?? 0);
}

export const questionImport: BankImport = {
  formats: ["xlsx", "csv", "moodle", "gift"],
  sheet: questionSheet,
  parseRow: parseQuestionRow,
  move: moveQuestions,
  audit: "question_import",
};
