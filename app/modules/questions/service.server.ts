import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { cases, certificates, materials, questions, questionVersions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { likePattern } from "~/ui/like";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import type { QuestionFilter, QuestionInput } from "./schemas";

const questionPageSize = 50;

/** What a version records, and what a diff compares. */
export const snapshotFields = ["level", "type", "stem", "options", "answer", "explanation", "rubric", "difficulty", "requirementIds", "tags", "pool", "visibility"] as const;
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

/**
 * When a bank (questions, cases or materials) of the organization last changed, for one certificate or
 * all of them: the newest row through the (tenant_id, …) index, no aggregate over the bank.
 */
export async function bankUpdatedAt(tx: Tx, ctx: TenantContext, name: keyof typeof banks, certificateId?: string) {
  const bank = banks[name] as typeof questions;
  const [row] = await tx
    .select({ at: bank.updatedAt })
    .from(bank)
    .where(and(eq(bank.tenantId, ctx.tenant.id), certificateId && isUuid(certificateId) ? eq(bank.certificateId, certificateId) : undefined))
    .orderBy(desc(bank.updatedAt))
    .limit(1);
  return row ? new Date(row.at).toISOString() : null;
}
const banks = { questions, cases, materials };

export async function getQuestion(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select()
    .from(questions)
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, id), readablePools(ctx)))
    .limit(1);
  return row ?? null;
}

export interface SkillRequirement {
  lineageId: string;
  level: "junior" | "intermediate" | "senior";
  code: string;
  titleZh: string;
  titleEn: string;
}

/**
 * The skill requirements of a certificate: those of its latest published standard version (a
 * question or case names them by lineage id, so it keeps them when a new version is published).
 */
export async function skillRequirements(tx: Tx, tenantId: string, certificateId: string): Promise<SkillRequirement[]> {
  return rowsOf<SkillRequirement>(
    await tx.execute(sql`
      select n.lineage_id as "lineageId", n.level, n.code, n.title_zh as "titleZh", n.title_en as "titleEn"
      from standard_nodes n
      where n.tenant_id = ${tenantId} and n.kind = 'skill_requirement' and n.version_id = (
        select v.id from standard_versions v
        where v.tenant_id = ${tenantId} and v.certificate_id = ${certificateId} and v.status = 'published'
        order by v.version desc limit 1)
      order by n.level, string_to_array(n.code, '.')::int[]`),
  );
}

/** The organization's certificates that can hold questions, with their levels. */
export function bankCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), sql`${certificates.status} <> 'retired'`))
    .orderBy(asc(certificates.code));
}

type FieldErrors = Record<string, string[]>;

/** The checks a schema cannot make: the certificate is the organization's, offers the level, and the requirements are its own. */
export async function checkQuestion(tx: Tx, ctx: TenantContext, input: Pick<QuestionInput, "certificateId" | "level" | "requirementIds">): Promise<FieldErrors> {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, input.certificateId)))
    .limit(1);
  if (!certificate) errors.certificateId = [t("errors.invalidOption")];
  else if (!certificate.levels.includes(input.level)) errors.level = [t("errors.levelNotOffered")];
  if (certificate && input.requirementIds.length) {
    const known = new Set((await skillRequirements(tx, ctx.tenant.id, input.certificateId)).filter((r) => r.level === input.level).map((r) => r.lineageId));
    if (input.requirementIds.some((id) => !known.has(id))) errors.requirementIds = [t("errors.invalidOption")];
  }
  return errors;
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

/**
 * Saves a question (new when `id` is null). Saving keeps it a draft and creates no version;
 * publishing records the next version, which stays readable whatever happens to the question.
 */
export async function saveQuestion(tx: Tx, ctx: TenantContext, id: string | null, input: QuestionInput, publish: boolean) {
  const before = id ? await getQuestion(tx, ctx, id) : null;
  if (id && !before) throw new Response("Not found", { status: 404 });
  const fieldErrors = await checkQuestion(tx, ctx, input);
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;
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
  if (publish)
    await tx.insert(questionVersions).values({ tenantId: ctx.tenant.id, questionId: saved.id, version, snapshot: snapshotOf(saved), pool: saved.pool, publishedByUserId: ctx.user.id });
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

/**
 * Coverage of a certificate's skill requirements (§二.6): per level and requirement of the latest
 * published standard, the practice and exam questions and the cases that name it; and when each
 * bank was last updated.
 */
export async function coverage(tx: Tx, ctx: TenantContext, certificateId: string) {
  const requirements = await skillRequirements(tx, ctx.tenant.id, certificateId);
  const counts = rowsOf<{ lineage_id: string; level: string; kind: string; n: number }>(
    await tx.execute(sql`
      select r.lineage_id, q.level::text as level, q.pool::text as kind, count(*)::int as n
      from questions q, unnest(q.requirement_ids) as r(lineage_id)
      where q.tenant_id = ${ctx.tenant.id} and q.certificate_id = ${certificateId}
      group by 1, 2, 3
      union all
      select r.lineage_id, c.level::text, 'case', count(*)::int
      from cases c, unnest(c.requirement_ids) as r(lineage_id)
      where c.tenant_id = ${ctx.tenant.id} and c.certificate_id = ${certificateId}
      group by 1, 2`),
  );
  const key = (lineageId: string, level: string, kind: string) => `${lineageId}:${level}:${kind}`;
  const byKey = new Map(counts.map((c) => [key(c.lineage_id, c.level, c.kind), Number(c.n)]));
  const rows = requirements.map((r) => ({
    ...r,
    practice: byKey.get(key(r.lineageId, r.level, "practice")) ?? 0,
    exam: byKey.get(key(r.lineageId, r.level, "exam")) ?? 0,
    cases: byKey.get(key(r.lineageId, r.level, "case")) ?? 0,
  }));
  const [fresh] = rowsOf<{ questions: string | null; cases: string | null; materials: string | null }>(
    await tx.execute(sql`select
      (select max(updated_at) from questions where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as questions,
      (select max(updated_at) from cases where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as cases,
      (select max(updated_at) from materials where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as materials`),
  );
  const iso = (value: string | null | undefined) => (value ? new Date(value).toISOString() : null);
  return {
    requirements: rows,
    uncovered: rows.filter((r) => r.practice + r.exam + r.cases === 0),
    lastUpdated: { questions: iso(fresh?.questions), cases: iso(fresh?.cases), materials: iso(fresh?.materials) },
  };
}
