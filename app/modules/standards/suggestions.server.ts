import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { cases, questions, questionVersions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { snapshotOf } from "~/modules/questions/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";

// Skill-requirement suggestions (issue 19 item 5, decision 052): for a question or case without
// requirements, the three requirements of the certificate's latest published standard (same level)
// whose title and description share the most weighted terms with the item's text. Terms are Chinese
// character bigrams and Latin words (text_terms, migration 0046); weights are TF-IDF over the level's
// requirements, scored as the requirement-normalised dot product. All in SQL, in the caller's
// transaction (RLS applies): no model, nothing leaves the database.

export interface Suggestion {
  itemId: string;
  lineageId: string;
  code: string;
  titleZh: string;
  titleEn: string;
  score: number;
}

export interface SuggestionItem {
  id: string;
  level: string;
  text: string;
}

/** The top `limit` requirements for each item (items of one certificate), best first. */
export async function suggestRequirements(tx: Tx, tenantId: string, certificateId: string, items: SuggestionItem[], limit = 3): Promise<Map<string, Suggestion[]>> {
  const result = new Map<string, Suggestion[]>();
  if (items.length === 0) return result;
  const rows = rowsOf<Suggestion>(
    await tx.execute(sql`
      with req as (
        select n.lineage_id, n.level::text as level, n.code, n.title_zh, n.title_en, n.title_zh || ' ' || n.description as body
        from standard_nodes n
        where n.tenant_id = ${tenantId} and n.kind = 'skill_requirement' and n.version_id = (
          select v.id from standard_versions v
          where v.tenant_id = ${tenantId} and v.certificate_id = ${certificateId} and v.status = 'published'
          order by v.version desc limit 1)
      ), req_terms as (
        select r.lineage_id, r.level, t.term, count(*) as tf
        from req r cross join lateral text_terms(r.body) as t(term)
        group by r.lineage_id, r.level, t.term
      ), docs as (
        select level, count(*)::float8 as n from req group by level
      ), df as (
        select level, term, count(*)::float8 as df from req_terms group by level, term
      ), weights as (
        select rt.lineage_id, rt.level, rt.term, (1 + ln(rt.tf)) * ln(1 + d.n / df.df) as w, ln(1 + d.n / df.df) as idf
        from req_terms rt join df on df.level = rt.level and df.term = rt.term join docs d on d.level = rt.level
      ), norms as (
        select lineage_id, sqrt(sum(w * w)) as norm from weights group by lineage_id
      ), items as (
        select i.id, i.level, i.text from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as i(id uuid, level text, text text)
      ), item_terms as (
        select i.id, i.level, t.term, count(*) as tf
        from items i cross join lateral text_terms(i.text) as t(term)
        group by i.id, i.level, t.term
      ), scores as (
        select it.id, w.lineage_id, sum(w.w * (1 + ln(it.tf)) * w.idf) / max(nm.norm) as score
        from item_terms it
        join weights w on w.level = it.level and w.term = it.term
        join norms nm on nm.lineage_id = w.lineage_id
        group by it.id, w.lineage_id
      ), ranked as (
        select s.*, row_number() over (partition by s.id order by s.score desc, s.lineage_id) as rank from scores s where s.score > 0
      )
      select ranked.id as "itemId", ranked.lineage_id as "lineageId", req.code, req.title_zh as "titleZh", req.title_en as "titleEn", ranked.score
      from ranked join req on req.lineage_id = ranked.lineage_id
      where ranked.rank <= ${limit}
      order by ranked.id, ranked.rank`),
  );
  for (const row of rows) {
    const list = result.get(row.itemId) ?? [];
    list.push({ ...row, score: Number(row.score) });
    result.set(row.itemId, list);
  }
  return result;
}

/** The text a question is matched by: its stem. */
export const questionText = (q: { stem: string }) => q.stem;
/** The text a case is matched by: title, industry context and body. */
export const caseText = (c: { title: string; industryContext: string; body: string }) => `${c.title}\n${c.industryContext}\n${c.body}`;

type Failure = { ok: false; status: number; fieldErrors: Record<string, string[]> };
type Accepted = { ok: true; value: { itemId: string; lineageId: string } };

/** Whether `lineageId` is a requirement of the certificate's published standard at `level`. */
async function isRequirementOf(tx: Tx, tenantId: string, certificateId: string, level: string, lineageId: string) {
  const rows = rowsOf<{ ok: number }>(
    await tx.execute(sql`
      select 1 as ok from standard_nodes n
      where n.tenant_id = ${tenantId} and n.kind = 'skill_requirement' and n.lineage_id = ${lineageId} and n.level::text = ${level}
        and n.version_id = (select v.id from standard_versions v
          where v.tenant_id = ${tenantId} and v.certificate_id = ${certificateId} and v.status = 'published'
          order by v.version desc limit 1)
      limit 1`),
  );
  return rows.length > 0;
}

/**
 * Links a suggested requirement to a question. A published question without pending changes is
 * published again as its next version (the link is part of what a version records); a draft stays
 * a draft with the link added.
 */
export async function acceptQuestionRequirement(tx: Tx, ctx: TenantContext, questionId: string, lineageId: string, field = "requirementId"): Promise<Accepted | Failure> {
  const t = translator(ctx.locale);
  const [before] = await tx
    .select()
    .from(questions)
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, questionId)))
    .limit(1);
  if (!before) return { ok: false, status: 404, fieldErrors: { [field]: [t("smart.suggestions.notFound")] } };
  if (before.requirementIds.includes(lineageId)) return { ok: false, status: 409, fieldErrors: { [field]: [t("smart.suggestions.alreadyLinked")] } };
  if (!(await isRequirementOf(tx, ctx.tenant.id, before.certificateId, before.level, lineageId))) {
    return { ok: false, status: 400, fieldErrors: { [field]: [t("smart.suggestions.notARequirement")] } };
  }
  const republish = before.status === "published";
  const [saved] = await tx
    .update(questions)
    .set({
      requirementIds: [...before.requirementIds, lineageId],
      updatedAt: new Date(),
      ...(republish ? { version: before.version + 1, publishedAt: new Date() } : {}),
    })
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, questionId)))
    .returning();
  if (republish) await tx.insert(questionVersions).values({ tenantId: ctx.tenant.id, questionId, version: saved.version, snapshot: snapshotOf(saved), pool: saved.pool, publishedByUserId: ctx.user.id });
  await audit(tx, ctx, {
    action: "question.requirement_accept",
    entityType: "question",
    entityId: questionId,
    before: { requirementIds: before.requirementIds, version: before.version },
    after: { requirementIds: saved.requirementIds, version: saved.version },
  });
  return { ok: true, value: { itemId: questionId, lineageId } };
}

/** Links a suggested requirement to a case. */
export async function acceptCaseRequirement(tx: Tx, ctx: TenantContext, caseId: string, lineageId: string, field = "requirementId"): Promise<Accepted | Failure> {
  const t = translator(ctx.locale);
  const [before] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, caseId)))
    .limit(1);
  if (!before) return { ok: false, status: 404, fieldErrors: { [field]: [t("smart.suggestions.notFound")] } };
  if (before.requirementIds.includes(lineageId)) return { ok: false, status: 409, fieldErrors: { [field]: [t("smart.suggestions.alreadyLinked")] } };
  if (!(await isRequirementOf(tx, ctx.tenant.id, before.certificateId, before.level, lineageId))) {
    return { ok: false, status: 400, fieldErrors: { [field]: [t("smart.suggestions.notARequirement")] } };
  }
  const [saved] = await tx
    .update(cases)
    .set({ requirementIds: [...before.requirementIds, lineageId], updatedAt: new Date() })
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, caseId)))
    .returning();
  await audit(tx, ctx, { action: "case.requirement_accept", entityType: "case", entityId: caseId, before: { requirementIds: before.requirementIds }, after: { requirementIds: saved.requirementIds } });
  return { ok: true, value: { itemId: caseId, lineageId } };
}

/** Questions of an import job still without requirements, with their suggestions (the review page's bulk accept). */
export async function importSuggestions(tx: Tx, tenantId: string, job: { id: string; certificateId: string | null }, limit = 200) {
  if (!job.certificateId) return [];
  const rows = await tx
    .select({ id: questions.id, level: questions.level, stem: questions.stem })
    .from(questions)
    .where(and(eq(questions.tenantId, tenantId), eq(questions.importJobId, job.id), sql`cardinality(${questions.requirementIds}) = 0`))
    .orderBy(questions.createdAt, questions.id)
    .limit(limit);
  const suggestions = await suggestRequirements(tx, tenantId, job.certificateId, rows.map((q) => ({ id: q.id, level: q.level, text: questionText(q) })));
  return rows.map((q) => ({ ...q, suggestions: suggestions.get(q.id) ?? [] }));
}
