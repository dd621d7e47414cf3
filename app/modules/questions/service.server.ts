import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { questions, questionVersions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { checkPlacement } from "~/modules/banks/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { likePattern } from "~/ui/like";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import type { QuestionFilter, QuestionInput } from "./schemas";
import { requireAdmitted } from "~/modules/admission/service.server";

const questionPageSize = 50;

/** What a version records, and what a diff compares. */
export const snapshotFields = [
  "level",
  "type",
  "stem",
  "options",
  "answer",
  "explanation",
  "rubric",
  "difficulty",
  "requirementIds",
  "tags",
  "pool",
  "visibility",
] as const;
export type Snapshot = Pick<QuestionInput, (typeof snapshotFields)[number]>;

/**
 * Where the organization's questions are read from. A stem search whose term has a run of three
 * letters or digits (something for the trigram index to look up) reads its candidates first
 * (question_ids_matching, decision 013), then each candidate through the primary key, under RLS. The
 * lookup is lateral behind OFFSET 0, so the planner cannot turn it around: under RLS it estimates one
 * row for any scan of the bank, and left to itself it read the whole bank and checked every row against
 * the candidates. Aliased "questions": the same columns and conditions apply either way, the stem's
 * ILIKE included (a recheck on candidates).
 */
export function questionSource(tenantId: string, q: string | undefined): typeof questions | SQL {
  const term = q?.trim();
  if (!term || !/[\p{L}\p{N}]{3}/u.test(term)) return questions;
  return sql`(select candidate.* from unnest(array(select question_ids_matching(${likePattern(term)}))) as m(id)
    cross join lateral (select * from ${questions} where ${questions.tenantId} = ${tenantId} and ${questions.id} = m.id offset 0) as candidate) as ${questions}`;
}

/**
 * The pools a member reads: the exam pool, answers and all, only with exam:read (owner, admin,
 * editor); finance and viewers read the practice pool (F27). RLS refuses them the exam pool too
 * (questions_tenant_read); this keeps the app's answers (404, counts) consistent with it.
 */
export function readablePools(ctx: Pick<TenantContext, "permissions">): SQL | undefined {
  return ctx.permissions.includes("exam:read") ? undefined : eq(questions.pool, "practice");
}

/** The filters of the question list (and of the search's questions), as SQL on `questions`; the caller adds the tenant. */
export function questionConditions(filter: QuestionFilter): SQL[] {
  const q = filter.q?.trim();
  return [
    q ? sql`${questions.stem} ilike ${likePattern(q)}` : undefined,
    filter.certificate && isUuid(filter.certificate) ? eq(questions.certificateId, filter.certificate) : undefined,
    filter.level ? eq(questions.level, filter.level) : undefined,
    filter.type ? eq(questions.type, filter.type) : undefined,
    filter.difficulty ? eq(questions.difficulty, filter.difficulty) : undefined,
    filter.pool ? eq(questions.pool, filter.pool) : undefined,
    filter.requirement && isUuid(filter.requirement) ? sql`${questions.requirementIds} @> array[${filter.requirement}]::uuid[]` : undefined,
    filter.updatedSince ? sql`${questions.updatedAt} >= (${filter.updatedSince}::date)::timestamp at time zone 'Asia/Shanghai'` : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** The organization's questions, most recently updated first, keyset-paginated: what the list shows. */
export async function listQuestions(tx: Tx, ctx: TenantContext, filter: QuestionFilter, limit = questionPageSize) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  // SQL rather than the query builder: a candidate source (questionSource) is a subquery, and the
  // builder only reads columns from tables it was given.
  const rows = rowsOf<QuestionListRow & { cursor_at: string }>(
    await tx.execute(sql`
      select ${questions.id}, ${questions.level}, ${questions.type}, ${questions.stem}, ${questions.difficulty}, ${questions.pool},
        ${questions.status}, ${questions.version}, ${questions.updatedAt} as "updatedAt", ${cursorTime(questions.updatedAt)} as cursor_at
      from ${questionSource(ctx.tenant.id, filter.q)}
      where ${and(
        eq(questions.tenantId, ctx.tenant.id),
        readablePools(ctx),
        ...questionConditions(filter),
        after ? sql`(${questions.updatedAt}, ${questions.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      )}
      order by ${questions.updatedAt} desc, ${questions.id} desc
      limit ${limit + 1}`),
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page.map(({ cursor_at: _, ...row }) => ({ ...row, updatedAt: new Date(row.updatedAt) })),
    nextCursor: more ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}

interface QuestionListRow {
  id: string;
  level: (typeof questions.level.enumValues)[number];
  type: (typeof questions.type.enumValues)[number];
  stem: string;
  difficulty: number;
  pool: (typeof questions.pool.enumValues)[number];
  status: (typeof questions.status.enumValues)[number];
  version: number;
  updatedAt: string | Date;
}

export async function getQuestion(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select()
    .from(questions)
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, id), readablePools(ctx)))
    .limit(1);
  return row ?? null;
}

/** What a published version records of a question. */
export function snapshotOf(row: typeof questions.$inferSelect): Snapshot {
  return Object.fromEntries(snapshotFields.map((field) => [field, row[field]])) as Snapshot;
}

function values(ctx: TenantContext, input: QuestionInput) {
  return {
    tenantId: ctx.tenant.id,
    certificateId: input.certificateId,
    level: input.level,
    type: input.type,
    stem: input.stem,
    options: input.options,
    answer: input.answer,
    explanation: input.explanation,
    rubric: input.rubric,
    difficulty: input.difficulty,
    requirementIds: input.requirementIds,
    tags: input.tags,
    pool: input.pool,
    visibility: input.visibility,
  };
}

/** Records the question as it now stands as its version `saved.version`: a published version is a record. */
export async function recordVersion(tx: Tx, ctx: TenantContext, saved: typeof questions.$inferSelect) {
  await tx.insert(questionVersions).values({
    tenantId: ctx.tenant.id,
    questionId: saved.id,
    version: saved.version,
    snapshot: snapshotOf(saved),
    pool: saved.pool,
    publishedByUserId: ctx.user.id,
  });
}

/**
 * Saves a question (new when `id` is null). Saving keeps it a draft and creates no version;
 * publishing records the next version, which stays readable whatever happens to the question.
 */
export async function saveQuestion(tx: Tx, ctx: TenantContext, id: string | null, input: QuestionInput, publish: boolean) {
  const before = id ? await getQuestion(tx, ctx, id) : null;
  if (id && !before) throw new Response("Not found", { status: 404 });
  const fieldErrors = await checkPlacement(tx, ctx, input);
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;
  // Sharing to the library needs an admitted organization (decision 042; the trigger is the wall).
  const notAdmitted = input.visibility === "shared" && before?.visibility !== "shared" ? await requireAdmitted(tx, ctx) : null;
  if (notAdmitted) return notAdmitted;
  const version = publish ? (before?.version ?? 0) + 1 : (before?.version ?? 0);
  const state = publish ? { status: "published" as const, version, publishedAt: new Date() } : { status: "draft" as const };
  const [saved] = before
    ? await tx
        .update(questions)
        .set({ ...values(ctx, input), ...state })
        .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, before.id)))
        .returning()
    : await tx
        .insert(questions)
        .values({ ...values(ctx, input), ...state, createdByUserId: ctx.user.id })
        .returning();
  if (publish) await recordVersion(tx, ctx, saved);
  await audit(tx, ctx, {
    action: publish ? "question.publish" : before ? "question.update" : "question.create",
    entityType: "question",
    entityId: saved.id,
    before,
    after: saved,
  });
  return { ok: true, value: saved } as const;
}

/** Only a question that was never published can be deleted: a published version is a record. */
export async function deleteQuestion(tx: Tx, ctx: TenantContext, id: string) {
  const before = await getQuestion(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  if (before.version > 0) return { ok: false, status: 409, formErrors: [translator(ctx.locale)("questions.errors.published")] } as const;
  await tx.delete(questions).where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, id)));
  await audit(tx, ctx, { action: "question.delete", entityType: "question", entityId: id, before });
  return { ok: true, value: null } as const;
}

export function questionVersionsOf(tx: Tx, ctx: TenantContext, id: string) {
  return tx
    .select()
    .from(questionVersions)
    .where(and(eq(questionVersions.tenantId, ctx.tenant.id), eq(questionVersions.questionId, id)))
    .orderBy(desc(questionVersions.version));
}

export interface FieldChange {
  field: (typeof snapshotFields)[number];
  from: unknown;
  to: unknown;
}

/** The fields that differ between two snapshots, in the order of the form. */
export function diffSnapshots(from: Partial<Snapshot>, to: Partial<Snapshot>): FieldChange[] {
  return snapshotFields
    .filter((field) => JSON.stringify(from[field] ?? null) !== JSON.stringify(to[field] ?? null))
    .map((field) => ({ field, from: from[field] ?? null, to: to[field] ?? null }));
}
