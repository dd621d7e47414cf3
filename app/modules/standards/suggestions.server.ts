import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { cases, questions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { recordVersion } from "~/modules/questions/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";

// Skill-requirement suggestions (issue 19 item 5, decision 052): for a question or case without
// requirements, the three requirements of the certificate's latest published standard (same level)
// whose title and description share the most weighted terms with the item's text. Terms are Chinese
// character bigrams and Latin words (textTerms below, as text_terms in migration 0046); weights are
// TF-IDF over the level's requirements, scored as the requirement-normalised dot product. The
// requirements are read in the caller's transaction (RLS applies); no model is downloaded.

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

/**
 * An item's or a requirement's terms: Latin words (two or more letters or digits, lower-cased) and the
 * character bigrams of each run of Chinese characters, as text_terms() in SQL (migration 0046) splits.
 */
export function textTerms(input: string): string[] {
  const terms = [...input.toLowerCase().matchAll(/[a-z0-9]{2,}/g)].map((m) => m[0]);
  for (const run of input.match(/[\u3400-\u4dbf\u4e00-\u9fff]{2,}/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length - 1; i++) terms.push(chars[i] + chars[i + 1]);
  }
  return terms;
}

function counts(terms: string[]) {
  const tf = new Map<string, number>();
  for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
  return tf;
}

/** The top `limit` requirements for each item (items of one certificate), best first. */
export async function suggestRequirements(
  tx: Tx,
  tenantId: string,
  certificateId: string,
  items: SuggestionItem[],
  limit = 3,
): Promise<Map<string, Suggestion[]>> {
  const result = new Map<string, Suggestion[]>();
  if (items.length === 0) return result;
  // The requirements are read in SQL, under RLS; the scoring runs here: the same TF-IDF as one SQL
  // statement made PGlite spin on an error inside it now and then (decision 052).
  const requirements = rowsOf<{ lineageId: string; level: string; code: string; titleZh: string; titleEn: string; body: string }>(
    await tx.execute(sql`
      select n.lineage_id as "lineageId", n.level::text as level, n.code, n.title_zh as "titleZh", n.title_en as "titleEn", n.title_zh || ' ' || n.description as body
      from standard_nodes n
      where n.tenant_id = ${tenantId} and n.kind = 'skill_requirement' and n.version_id = (
        select v.id from standard_versions v
        where v.tenant_id = ${tenantId} and v.certificate_id = ${certificateId} and v.status = 'published'
        order by v.version desc limit 1)`),
  );
  // Per level: document frequencies, then each requirement's weights w = (1 + ln tf) · idf, idf = ln(1 + n / df).
  const byLevel = new Map<string, { requirement: (typeof requirements)[number]; tf: Map<string, number> }[]>();
  for (const requirement of requirements) {
    const list = byLevel.get(requirement.level) ?? [];
    list.push({ requirement, tf: counts(textTerms(requirement.body)) });
    byLevel.set(requirement.level, list);
  }
  const weighted = new Map<string, { requirement: (typeof requirements)[number]; weights: Map<string, { w: number; idf: number }>; norm: number }[]>();
  for (const [level, list] of byLevel) {
    const df = new Map<string, number>();
    for (const { tf } of list) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    weighted.set(
      level,
      list.map(({ requirement, tf }) => {
        const weights = new Map<string, { w: number; idf: number }>();
        let squares = 0;
        for (const [term, count] of tf) {
          const idf = Math.log(1 + list.length / df.get(term)!);
          const w = (1 + Math.log(count)) * idf;
          weights.set(term, { w, idf });
          squares += w * w;
        }
        return { requirement, weights, norm: Math.sqrt(squares) };
      }),
    );
  }
  // Each item against the requirements of its level: the requirement-normalised dot product.
  for (const item of items) {
    const tf = counts(textTerms(item.text));
    const scored: Suggestion[] = [];
    for (const { requirement, weights, norm } of weighted.get(item.level) ?? []) {
      let dot = 0;
      for (const [term, count] of tf) {
        const weight = weights.get(term);
        if (weight) dot += weight.w * (1 + Math.log(count)) * weight.idf;
      }
      if (dot > 0)
        scored.push({
          itemId: item.id,
          lineageId: requirement.lineageId,
          code: requirement.code,
          titleZh: requirement.titleZh,
          titleEn: requirement.titleEn,
          score: dot / norm,
        });
    }
    scored.sort((a, b) => b.score - a.score || (a.lineageId < b.lineageId ? -1 : a.lineageId > b.lineageId ? 1 : 0));
    if (scored.length) result.set(item.id, scored.slice(0, limit));
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

/** Why `lineageId` cannot be linked to the item (missing, already linked, not a requirement of its level), or null. */
async function refusedLink(
  tx: Tx,
  ctx: TenantContext,
  item: { certificateId: string; level: string; requirementIds: string[] } | undefined,
  lineageId: string,
  field: string,
): Promise<Failure | null> {
  const t = translator(ctx.locale);
  if (!item) return { ok: false, status: 404, fieldErrors: { [field]: [t("smart.suggestions.notFound")] } };
  if (item.requirementIds.includes(lineageId)) return { ok: false, status: 409, fieldErrors: { [field]: [t("smart.suggestions.alreadyLinked")] } };
  if (!(await isRequirementOf(tx, ctx.tenant.id, item.certificateId, item.level, lineageId)))
    return { ok: false, status: 400, fieldErrors: { [field]: [t("smart.suggestions.notARequirement")] } };
  return null;
}

/**
 * Links a suggested requirement to a question. A published question without pending changes is
 * published again as its next version (the link is part of what a version records); a draft stays
 * a draft with the link added.
 */
export async function acceptQuestionRequirement(
  tx: Tx,
  ctx: TenantContext,
  questionId: string,
  lineageId: string,
  field = "requirementId",
): Promise<Accepted | Failure> {
  const [before] = await tx
    .select()
    .from(questions)
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.id, questionId)))
    .limit(1);
  const refused = await refusedLink(tx, ctx, before, lineageId, field);
  if (refused) return refused;
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
  if (republish) await recordVersion(tx, ctx, saved);
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
export async function acceptCaseRequirement(
  tx: Tx,
  ctx: TenantContext,
  caseId: string,
  lineageId: string,
  field = "requirementId",
): Promise<Accepted | Failure> {
  const [before] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, caseId)))
    .limit(1);
  const refused = await refusedLink(tx, ctx, before, lineageId, field);
  if (refused) return refused;
  const [saved] = await tx
    .update(cases)
    .set({ requirementIds: [...before.requirementIds, lineageId], updatedAt: new Date() })
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, caseId)))
    .returning();
  await audit(tx, ctx, {
    action: "case.requirement_accept",
    entityType: "case",
    entityId: caseId,
    before: { requirementIds: before.requirementIds },
    after: { requirementIds: saved.requirementIds },
  });
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
  const suggestions = await suggestRequirements(
    tx,
    tenantId,
    job.certificateId,
    rows.map((q) => ({ id: q.id, level: q.level, text: questionText(q) })),
  );
  return rows.map((q) => ({ ...q, suggestions: suggestions.get(q.id) ?? [] }));
}
