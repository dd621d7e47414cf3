import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { evaluationPeriods, evaluationResults, evaluationScores, evaluationWeights, tenants, users } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { fieldError, refuse, type Result } from "~/modules/school/common.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { weightsAt } from "~/modules/committee/settings.server";
import { criteria, defaultWeights, weightedScore, type Criterion, type Decision, type Evidence } from "./criteria";

// 动态遴选 (issue 17 item 2, decision 046). The committee's rows: periods, weights (a row per change,
// the newest in force), members' scores with comments, and the admin's decision per organization
// with the evidence as it stood. A finalized period is a record: evaluation_period_guard and
// evaluation_frozen refuse any change at the database; these functions answer with messages first.

export async function evaluationEvidence(tx: Tx, now = new Date()): Promise<Evidence[]> {
  const rows = rowsOf<Omit<Evidence, "industryShare" | "bankAgeDays">>(
    await tx.execute(sql`
      select organization_id as "organizationId", organization_name as "organizationName", organization_name_en as "organizationNameEn",
        fee_findings as "feeFindings", upheld_violations as "upheldViolations", open_violations as "openViolations",
        trainers, industry_trainers as "industryTrainers", bank_updated_at as "bankUpdatedAt",
        reports_submitted as "reportsSubmitted", reports_late as "reportsLate",
        filings_approved as "filingsApproved", filings_pending as "filingsPending", filings_refused as "filingsRefused"
      from organization_evaluation_evidence()`),
  );
  return rows.map((r) => {
    const updated = r.bankUpdatedAt ? new Date(r.bankUpdatedAt) : null;
    return {
      ...r,
      bankUpdatedAt: updated ? updated.toISOString() : null,
      industryShare: r.trainers > 0 ? Math.round((r.industryTrainers / r.trainers) * 1000) / 10 : null,
      bankAgeDays: updated ? Math.floor((now.getTime() - updated.getTime()) / 86_400_000) : null,
    };
  });
}

export function listPeriods(tx: Tx, ctx: TenantContext) {
  return tx
    .select({
      id: evaluationPeriods.id,
      code: evaluationPeriods.code,
      title: evaluationPeriods.title,
      status: evaluationPeriods.status,
      createdAt: evaluationPeriods.createdAt,
      finalizedAt: evaluationPeriods.finalizedAt,
    })
    .from(evaluationPeriods)
    .where(eq(evaluationPeriods.tenantId, ctx.tenant.id))
    .orderBy(desc(evaluationPeriods.createdAt))
    .limit(200);
}

export async function createPeriod(tx: Tx, ctx: TenantContext, input: { code: string; title: string }): Promise<Result<{ id: string }>> {
  const [taken] = await tx
    .select({ id: evaluationPeriods.id })
    .from(evaluationPeriods)
    .where(and(eq(evaluationPeriods.tenantId, ctx.tenant.id), eq(evaluationPeriods.code, input.code)));
  if (taken) return fieldError(ctx, "code", "supervision.evaluations.codeTaken");
  const [period] = await tx
    .insert(evaluationPeriods)
    .values({ tenantId: ctx.tenant.id, ...input, createdByUserId: ctx.user.id })
    .returning({ id: evaluationPeriods.id });
  // No weights of its own while open: it scores with the committee's weights in force (decision 055).
  await audit(tx, ctx, {
    action: "evaluation_period.create",
    entityType: "evaluation_period",
    entityId: period.id,
    after: input,
  });
  return { ok: true, value: period };
}

async function periodOf(tx: Tx, ctx: TenantContext, id: string, lock = false) {
  if (!isUuid(id)) throw new Response("Not found", { status: 404 });
  const query = tx
    .select()
    .from(evaluationPeriods)
    .where(and(eq(evaluationPeriods.tenantId, ctx.tenant.id), eq(evaluationPeriods.id, id)));
  const [period] = lock ? await query.for("update") : await query;
  if (!period) throw new Response("Not found", { status: 404 });
  return period;
}

/**
 * The weights a period scores with (decision 055): while open, the committee's weights in force now
 * (set in /committee/settings); once finalized, its own rows, frozen at finalizing (the newest per
 * criterion; periods from before 0049 kept every change there).
 */
async function weightsOf(tx: Tx, ctx: TenantContext, period: { id: string; status: string }) {
  if (period.status === "open") return { current: await weightsAt(tx), frozen: false };
  const rows = await tx
    .select({ criterion: evaluationWeights.criterion, weight: evaluationWeights.weight })
    .from(evaluationWeights)
    .where(and(eq(evaluationWeights.tenantId, ctx.tenant.id), eq(evaluationWeights.periodId, period.id)))
    .orderBy(desc(evaluationWeights.setAt));
  const current = { ...defaultWeights };
  const seen = new Set<Criterion>();
  for (const row of rows)
    if (!seen.has(row.criterion)) {
      seen.add(row.criterion);
      current[row.criterion] = row.weight;
    }
  return { current, frozen: true };
}

async function scoresOf(tx: Tx, ctx: TenantContext, periodId: string) {
  return tx
    .select({
      organizationId: evaluationScores.organizationId,
      criterion: evaluationScores.criterion,
      score: evaluationScores.score,
      comment: evaluationScores.comment,
      memberUserId: evaluationScores.memberUserId,
      memberName: users.name,
      updatedAt: evaluationScores.updatedAt,
    })
    .from(evaluationScores)
    .innerJoin(users, eq(users.id, evaluationScores.memberUserId))
    .where(and(eq(evaluationScores.tenantId, ctx.tenant.id), eq(evaluationScores.periodId, periodId)))
    .orderBy(asc(evaluationScores.createdAt));
}

function meansOf(scores: { organizationId: string; criterion: Criterion; score: number }[], organizationId: string) {
  const sums = new Map<Criterion, { total: number; n: number }>();
  for (const s of scores)
    if (s.organizationId === organizationId) {
      const entry = sums.get(s.criterion) ?? { total: 0, n: 0 };
      sums.set(s.criterion, { total: entry.total + s.score, n: entry.n + 1 });
    }
  return Object.fromEntries([...sums].map(([c, { total, n }]) => [c, Math.round((total / n) * 100) / 100])) as Partial<Record<Criterion, number>>;
}

/** Everything the period's page shows: evidence (live while open, as decided once finalized), scores, decisions. */
export async function getEvaluation(tx: Tx, ctx: TenantContext, id: string) {
  const period = await periodOf(tx, ctx, id);
  const [weights, scores, results] = await Promise.all([
    weightsOf(tx, ctx, period),
    scoresOf(tx, ctx, id),
    tx
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, ctx.tenant.id), eq(evaluationResults.periodId, id))),
  ]);
  const live = period.status === "open" ? await evaluationEvidence(tx) : [];
  const organizations =
    period.status === "open" ? live : results.map((r) => r.evidence as Evidence).sort((a, b) => a.organizationName.localeCompare(b.organizationName, "zh-CN"));
  return {
    period,
    weights,
    organizations: organizations.map((evidence) => {
      const means = meansOf(scores, evidence.organizationId);
      const result = results.find((r) => r.organizationId === evidence.organizationId) ?? null;
      return {
        evidence,
        means,
        weighted: weightedScore(means, weights.current),
        scores: scores.filter((s) => s.organizationId === evidence.organizationId),
        result: result ? { decision: result.decision, note: result.note, weightedScore: result.weightedScore, decidedAt: result.decidedAt } : null,
      };
    }),
  };
}

function refuseFinalized(ctx: TenantContext, period: { status: string }) {
  return period.status === "finalized" ? refuse(ctx, 409, "supervision.evaluations.finalized") : null;
}

async function organizationOf(tx: Tx, id: string) {
  const [organization] = await tx
    .select({ id: tenants.id })
    .from(tenants)
    // Admitted organizations are evaluated (suspended ones too: they may be reinstated), never one pending.
    .where(and(eq(tenants.id, id), eq(tenants.kind, "organization"), inArray(tenants.admission, ["admitted", "suspended"])));
  return organization ?? null;
}

/** A member's score of one organization on one criterion (their own row, replaced when scored again). */
export async function saveScore(
  tx: Tx,
  ctx: TenantContext,
  periodId: string,
  input: { organizationId: string; criterion: Criterion; score: number; comment: string },
): Promise<Result<null>> {
  // No row lock here (a member may not lock the period: FOR UPDATE needs its UPDATE policy);
  // evaluation_frozen locks it FOR SHARE as the owner, so a score racing the finalizing is refused.
  const period = await periodOf(tx, ctx, periodId);
  const refused = refuseFinalized(ctx, period);
  if (refused) return refused;
  if (!(await organizationOf(tx, input.organizationId))) return fieldError(ctx, "organizationId", "errors.invalidOption");
  await tx
    .insert(evaluationScores)
    .values({ tenantId: ctx.tenant.id, periodId, memberUserId: ctx.user.id, ...input })
    .onConflictDoUpdate({
      target: [
        evaluationScores.tenantId,
        evaluationScores.periodId,
        evaluationScores.organizationId,
        evaluationScores.criterion,
        evaluationScores.memberUserId,
      ],
      set: { score: input.score, comment: input.comment },
    });
  await audit(tx, ctx, { action: "evaluation_score.save", entityType: "evaluation_period", entityId: periodId, after: input });
  return { ok: true, value: null };
}

/** The admin's decision for one organization; the evidence and the weighted score are kept with it. */
export async function decide(
  tx: Tx,
  ctx: TenantContext,
  periodId: string,
  input: { organizationId: string; decision: Decision; note: string },
): Promise<Result<null>> {
  const period = await periodOf(tx, ctx, periodId, true);
  const refused = refuseFinalized(ctx, period);
  if (refused) return refused;
  const evidence = (await evaluationEvidence(tx)).find((e) => e.organizationId === input.organizationId);
  if (!evidence) return fieldError(ctx, "organizationId", "errors.invalidOption");
  const [{ current }, scores] = await Promise.all([weightsOf(tx, ctx, period), scoresOf(tx, ctx, periodId)]);
  const weighted = weightedScore(meansOf(scores, input.organizationId), current);
  const values = {
    decision: input.decision,
    note: input.note,
    evidence,
    weightedScore: weighted === null ? null : weighted.toFixed(2),
    decidedByUserId: ctx.user.id,
    decidedAt: new Date(),
  };
  await tx
    .insert(evaluationResults)
    .values({ tenantId: ctx.tenant.id, periodId, organizationId: input.organizationId, ...values })
    .onConflictDoUpdate({ target: [evaluationResults.tenantId, evaluationResults.periodId, evaluationResults.organizationId], set: values });
  await audit(tx, ctx, {
    action: "evaluation_result.decide",
    entityType: "evaluation_period",
    entityId: periodId,
    after: { ...input, weightedScore: weighted },
  });
  return { ok: true, value: null };
}

/** Finalizes and publishes: every organization decided first. Nothing of the period changes after. */
export async function finalize(tx: Tx, ctx: TenantContext, periodId: string): Promise<Result<null>> {
  const period = await periodOf(tx, ctx, periodId, true);
  const refused = refuseFinalized(ctx, period);
  if (refused) return refused;
  const [evidence, results] = await Promise.all([
    evaluationEvidence(tx),
    tx
      .select({ organizationId: evaluationResults.organizationId })
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, ctx.tenant.id), eq(evaluationResults.periodId, periodId))),
  ]);
  const decided = new Set(results.map((r) => r.organizationId));
  const missing = evidence.filter((e) => !decided.has(e.organizationId));
  if (missing.length > 0) return refuse(ctx, 409, "supervision.evaluations.undecided", { names: missing.map((m) => m.organizationName).join("、") });
  // The weights in force become the period's own, before it is frozen (evaluation_frozen refuses them after).
  const weights = await weightsAt(tx);
  await tx
    .insert(evaluationWeights)
    .values(criteria.map((criterion) => ({ tenantId: ctx.tenant.id, periodId, criterion, weight: weights[criterion], setByUserId: ctx.user.id })));
  // A decision's weighted score follows the weights frozen here (they may have changed since it was made).
  // One statement for every decision, not one per organization.
  const scores = await scoresOf(tx, ctx, periodId);
  const rescored = [...decided].map((organizationId) => {
    const weighted = weightedScore(meansOf(scores, organizationId), weights);
    return sql`(${organizationId}::uuid, ${weighted === null ? null : weighted.toFixed(2)}::numeric)`;
  });
  if (rescored.length > 0)
    await tx.execute(sql`
      update evaluation_results r set weighted_score = v.score
      from (values ${sql.join(rescored, sql`, `)}) v(organization_id, score)
      where r.tenant_id = ${ctx.tenant.id} and r.period_id = ${periodId} and r.organization_id = v.organization_id`);
  await tx
    .update(evaluationPeriods)
    .set({ status: "finalized", finalizedAt: new Date(), finalizedByUserId: ctx.user.id })
    .where(and(eq(evaluationPeriods.tenantId, ctx.tenant.id), eq(evaluationPeriods.id, periodId)));
  await audit(tx, ctx, {
    action: "evaluation_period.finalize",
    entityType: "evaluation_period",
    entityId: periodId,
    before: { status: "open" },
    after: { status: "finalized", code: period.code, weights },
  });
  return { ok: true, value: null };
}

/** The published list (/evaluations/:period): organization and decision of a finalized period. */
export async function publishedEvaluation(tx: Tx, code: string) {
  const rows = rowsOf<{
    title: string;
    finalized_at: string;
    organization_name: string | null;
    organization_name_en: string | null;
    decision: Decision | null;
    organization_suspended: boolean | null;
  }>(await tx.execute(sql`select * from published_evaluation(${code})`));
  if (rows.length === 0) return null;
  return {
    title: rows[0].title,
    finalizedAt: new Date(rows[0].finalized_at).toISOString(),
    results: rows
      .filter((r) => r.organization_name)
      .map((r) => ({ name: r.organization_name!, nameEn: r.organization_name_en, decision: r.decision!, suspended: r.organization_suspended === true })),
  };
}
