import { and, desc, eq, inArray, like, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { committeeSettings, industries, industryFieldChanges, reportPeriods, users, type CommitteeSettingKey } from "../../../db/schema";
import { criteria, type Criterion } from "~/modules/evaluations/criteria";
import { fieldError, refuse, type Result } from "~/modules/school/common.server";
import { shanghaiDate } from "~/ui/format";
import { isUuid } from "~/ui/ids";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { weightsSchema } from "~/modules/evaluations/criteria";
import type { industryFieldSchema, movePeriodSchema, reportPeriodSchema, thresholdSchema, withdrawSettingSchema } from "./schemas";

// The committee's settings beyond the notice period and cost caps (issue 17 item 7, decisions 044, 055):
// thresholds, the evaluation weights and the industry-field list keep every change as a row effective
// from its time (thresholds and weights may be scheduled for a later day, and withdrawn until then);
// report periods are dated rows themselves, each change audited with before and after.

/** The value in force now (or at `at`): the latest row effective by then. Defaults live in migration 0040. */
export async function settingAt(tx: Tx, key: CommitteeSettingKey, at: Date = new Date()) {
  const [row] = rowsOf<{ value: number | null }>(await tx.execute(sql`select committee_setting_at(${key}, ${at.toISOString()}::timestamptz) as value`));
  return Number(row?.value ?? 0);
}

/**
 * Every threshold and weight change, newest effective first, scheduled ones included (`scheduled`:
 * not in force yet, so it may be withdrawn). Weight rows come six per change; the page groups them.
 */
export async function settingHistory(tx: Tx, now = new Date()) {
  const rows = await tx
    .select({
      id: committeeSettings.id,
      key: committeeSettings.key,
      value: committeeSettings.value,
      effectiveFrom: committeeSettings.effectiveFrom,
      reason: committeeSettings.reason,
      setBy: users.name,
    })
    .from(committeeSettings)
    .leftJoin(users, eq(users.id, committeeSettings.setByUserId))
    .orderBy(desc(committeeSettings.effectiveFrom), desc(committeeSettings.createdAt), committeeSettings.key);
  return rows.map((r) => ({ ...r, scheduled: r.effectiveFrom > now }));
}

/** A day chosen on the form as the instant it takes effect: today (or none) is now, a later day its 00:00 in Shanghai. */
export function effectiveFromOf(day: string | undefined): Date | undefined {
  return day && day > shanghaiDate() ? new Date(`${day}T00:00:00+08:00`) : undefined;
}

const weightKey = (criterion: Criterion) => `weight_${criterion}` as CommitteeSettingKey;

/** The evaluation weights in force at `at` (decision 055): what an open period scores with. */
export async function weightsAt(tx: Tx, at: Date = new Date()): Promise<Record<Criterion, number>> {
  const [row] = rowsOf<Record<Criterion, number | null>>(
    await tx.execute(
      sql`select ${sql.join(
        criteria.map((c) => sql`committee_setting_at(${weightKey(c)}, ${at.toISOString()}::timestamptz) as ${sql.identifier(c)}`),
        sql`, `,
      )}`,
    ),
  );
  return Object.fromEntries(criteria.map((c) => [c, Number(row?.[c] ?? 0)])) as Record<Criterion, number>;
}

/** Refuses a second change of the same key at the same instant before the unique index would. */
async function scheduledClash(tx: Tx, keys: CommitteeSettingKey[], at: Date | undefined) {
  if (!at) return false;
  const [clash] = await tx
    .select({ id: committeeSettings.id })
    .from(committeeSettings)
    .where(and(eq(committeeSettings.effectiveFrom, at), inArray(committeeSettings.key, keys)))
    .limit(1);
  return clash !== undefined;
}

export async function setThreshold(tx: Tx, ctx: TenantContext, input: z.infer<typeof thresholdSchema>): Promise<Result<{ id: string }>> {
  const effectiveFrom = effectiveFromOf(input.effectiveOn);
  if (await scheduledClash(tx, [input.key], effectiveFrom)) return fieldError(ctx, "effectiveOn", "errors.scheduledExists");
  const [row] = await tx
    .insert(committeeSettings)
    .values({ key: input.key, value: input.value, reason: input.reason, setByUserId: ctx.user.id, ...(effectiveFrom ? { effectiveFrom } : {}) })
    .returning();
  await audit(tx, ctx, { action: "committee.setting", entityType: "committee_setting", entityId: row.id, after: row });
  return { ok: true, value: row };
}

/** The six weights as one change, at once or from a later day; the database checks they sum to 100. */
export async function setEvaluationWeights(tx: Tx, ctx: TenantContext, input: z.infer<typeof weightsSchema>): Promise<Result<null>> {
  const effectiveFrom = effectiveFromOf(input.effectiveOn);
  if (await scheduledClash(tx, criteria.map(weightKey), effectiveFrom)) return fieldError(ctx, "effectiveOn", "errors.scheduledExists");
  const before = await weightsAt(tx, effectiveFrom);
  if (criteria.every((c) => before[c] === input[c])) return fieldError(ctx, "certificate_quality", "supervision.evaluations.nothingChanged");
  const rows = await tx
    .insert(committeeSettings)
    .values(
      criteria.map((c) => ({
        key: weightKey(c),
        value: input[c],
        reason: input.reason,
        setByUserId: ctx.user.id,
        ...(effectiveFrom ? { effectiveFrom } : {}),
      })),
    )
    .returning({ id: committeeSettings.id, effectiveFrom: committeeSettings.effectiveFrom });
  const after = Object.fromEntries(criteria.map((c) => [c, input[c]]));
  await audit(tx, ctx, {
    action: "committee.evaluation_weights",
    entityType: "committee_setting",
    entityId: rows[0].id,
    before,
    after: { ...after, effectiveFrom: rows[0].effectiveFrom, reason: input.reason },
  });
  return { ok: true, value: null };
}

/** Withdraws a change that has not taken effect (a weights change: its six rows). The past is never removed. */
export async function withdrawSetting(tx: Tx, ctx: TenantContext, input: z.infer<typeof withdrawSettingSchema>): Promise<Result<null>> {
  const [row] = isUuid(input.settingId) ? await tx.select().from(committeeSettings).where(eq(committeeSettings.id, input.settingId)) : [];
  if (!row) return fieldError(ctx, "settingId", "errors.invalidOption");
  if (row.effectiveFrom <= new Date()) return refuse(ctx, 409, "errors.alreadyInForce");
  const weights = row.key.startsWith("weight_");
  const removed = await tx
    .delete(committeeSettings)
    .where(weights ? and(like(committeeSettings.key, "weight\\_%"), eq(committeeSettings.effectiveFrom, row.effectiveFrom)) : eq(committeeSettings.id, row.id))
    .returning();
  await audit(tx, ctx, { action: "committee.setting_withdraw", entityType: "committee_setting", entityId: row.id, before: removed });
  return { ok: true, value: null };
}

export function listReportPeriods(tx: Tx) {
  return tx.select().from(reportPeriods).orderBy(desc(reportPeriods.dueOn)).limit(40);
}

export async function addReportPeriod(tx: Tx, ctx: TenantContext, input: z.infer<typeof reportPeriodSchema>) {
  const rows = await tx
    .insert(reportPeriods)
    .values({ code: input.code, startsOn: input.startsOn, endsOn: input.endsOn, dueOn: input.dueOn })
    .onConflictDoNothing()
    .returning();
  if (!rows.length) return { ok: false, status: 409, fieldErrors: { code: [translator(ctx.locale)("errors.periodExists")] } } as const;
  await audit(tx, ctx, { action: "committee.report_period", entityType: "report_period", entityId: rows[0].id, after: rows[0] });
  return { ok: true, value: rows[0] } as const;
}

export async function moveReportPeriod(tx: Tx, ctx: TenantContext, input: z.infer<typeof movePeriodSchema>) {
  const [before] = await tx.select().from(reportPeriods).where(eq(reportPeriods.id, input.periodId));
  if (!before) return { ok: false, status: 400, fieldErrors: { periodId: [translator(ctx.locale)("errors.invalidOption")] } } as const;
  const [after] = await tx.update(reportPeriods).set({ dueOn: input.dueOn }).where(eq(reportPeriods.id, input.periodId)).returning();
  await audit(tx, ctx, {
    action: "committee.report_period_move",
    entityType: "report_period",
    entityId: after.id,
    before,
    after: { ...after, reason: input.reason },
  });
  return { ok: true, value: after } as const;
}

export async function industryFields(tx: Tx) {
  const [current, history] = await Promise.all([
    tx.select().from(industries).orderBy(industries.sort, industries.code),
    tx
      .select({
        id: industryFieldChanges.id,
        code: industryFieldChanges.code,
        nameZh: industryFieldChanges.nameZh,
        nameEn: industryFieldChanges.nameEn,
        effectiveFrom: industryFieldChanges.effectiveFrom,
        reason: industryFieldChanges.reason,
        setBy: users.name,
      })
      .from(industryFieldChanges)
      .leftJoin(users, eq(users.id, industryFieldChanges.setByUserId))
      .orderBy(desc(industryFieldChanges.effectiveFrom), desc(industryFieldChanges.createdAt))
      .limit(50),
  ]);
  return { current, history };
}

/** Adds a field, or renames one (the code stays: certificates name it). */
export async function setIndustryField(tx: Tx, ctx: TenantContext, input: z.infer<typeof industryFieldSchema>) {
  const [row] = await tx
    .insert(industryFieldChanges)
    .values({
      code: input.code,
      nameZh: input.nameZh,
      nameEn: input.nameEn,
      priorityArea: input.priorityArea ?? null,
      reason: input.reason,
      setByUserId: ctx.user.id,
    })
    .returning();
  await audit(tx, ctx, { action: "committee.industry_field", entityType: "industry_field", entityId: row.id, after: row });
  return row;
}
