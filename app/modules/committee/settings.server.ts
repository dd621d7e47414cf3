import { desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { committeeSettings, industries, industryFieldChanges, reportPeriods, users, type CommitteeSettingKey } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { industryFieldSchema, movePeriodSchema, reportPeriodSchema, thresholdSchema } from "./schemas";

// The committee's settings beyond the notice period and cost caps (issue 17 item 7, decision 044):
// thresholds and the industry-field list keep every change as a row effective from its time; report
// periods are dated rows themselves, each change audited with before and after.

/** The value in force now (or at `at`): the latest row effective by then. Defaults live in migration 0040. */
export async function settingAt(tx: Tx, key: CommitteeSettingKey, at: Date = new Date()) {
  const [row] = rowsOf<{ value: number | null }>(await tx.execute(sql`select committee_setting_at(${key}, ${at.toISOString()}::timestamptz) as value`));
  return Number(row?.value ?? 0);
}

export function thresholdHistory(tx: Tx) {
  return tx
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
    .orderBy(desc(committeeSettings.effectiveFrom), desc(committeeSettings.createdAt));
}

export async function setThreshold(tx: Tx, ctx: TenantContext, input: z.infer<typeof thresholdSchema>) {
  const [row] = await tx.insert(committeeSettings).values({ key: input.key, value: input.value, reason: input.reason, setByUserId: ctx.user.id }).returning();
  await audit(tx, ctx, { action: "committee.setting", entityType: "committee_setting", entityId: row.id, after: row });
  return row;
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
