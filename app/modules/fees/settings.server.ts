import { asc, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { certificates, costCaps, noticePeriodSettings, tenants, users } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { effectiveFromOf } from "~/modules/committee/settings.server";
import { fieldError, refuse, type Result } from "~/modules/school/common.server";
import type { costCapSchema, noticePeriodSchema, withdrawNoticeSchema } from "./schemas";

// The committee's settings: each change is a new row, so the value in force at any time is known.

/** Every notice period, newest effective first; `scheduled`: set for a later day, so it may be withdrawn. */
export async function noticeHistory(tx: Tx, now = new Date()) {
  const rows = await tx
    .select({
      id: noticePeriodSettings.id,
      days: noticePeriodSettings.days,
      effectiveFrom: noticePeriodSettings.effectiveFrom,
      reason: noticePeriodSettings.reason,
      setBy: users.name,
    })
    .from(noticePeriodSettings)
    .leftJoin(users, eq(users.id, noticePeriodSettings.setByUserId))
    .orderBy(desc(noticePeriodSettings.effectiveFrom), desc(noticePeriodSettings.createdAt));
  return rows.map((r) => ({ ...r, scheduled: r.effectiveFrom > now }));
}

/**
 * A new notice period, at once or from a later day (decision 055). A disclosure is judged by the
 * period in force when it was published, so a scheduled period judges only what is published from
 * that day on; one change per instant (a unique index), refused here with a field message first.
 */
export async function setNoticePeriod(tx: Tx, ctx: TenantContext, input: z.infer<typeof noticePeriodSchema>): Promise<Result<{ id: string }>> {
  const effectiveFrom = effectiveFromOf(input.effectiveOn);
  if (effectiveFrom) {
    const [clash] = await tx.select({ id: noticePeriodSettings.id }).from(noticePeriodSettings).where(eq(noticePeriodSettings.effectiveFrom, effectiveFrom));
    if (clash) return fieldError(ctx, "effectiveOn", "errors.scheduledExists");
  }
  const [row] = await tx
    .insert(noticePeriodSettings)
    .values({ days: input.days, reason: input.reason, setByUserId: ctx.user.id, ...(effectiveFrom ? { effectiveFrom } : {}) })
    .returning();
  await audit(tx, ctx, { action: "committee.notice_period", entityType: "notice_period_setting", entityId: row.id, after: row });
  return { ok: true, value: row };
}

/** Withdraws a notice period that has not taken effect; the database refuses any other (policy, 0052). */
export async function withdrawNoticePeriod(tx: Tx, ctx: TenantContext, input: z.infer<typeof withdrawNoticeSchema>): Promise<Result<null>> {
  const [row] = await tx.select().from(noticePeriodSettings).where(eq(noticePeriodSettings.id, input.settingId));
  if (!row) return fieldError(ctx, "settingId", "errors.invalidOption");
  if (row.effectiveFrom <= new Date()) return refuse(ctx, 409, "errors.alreadyInForce");
  await tx.delete(noticePeriodSettings).where(eq(noticePeriodSettings.id, row.id));
  await audit(tx, ctx, { action: "committee.notice_period_withdraw", entityType: "notice_period_setting", entityId: row.id, before: row });
  return { ok: true, value: null };
}

/** Every certificate level with its cap in force now and the history of its caps. */
export async function capsOverview(tx: Tx) {
  const certs = await tx
    .select({
      id: certificates.id,
      tenantId: certificates.tenantId,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
      organization: tenants.name,
      organizationEn: tenants.nameEn,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .where(sql`${certificates.status} <> 'retired'`)
    .orderBy(asc(tenants.slug), asc(certificates.code));
  const caps = await tx
    .select({
      id: costCaps.id,
      certificateId: costCaps.certificateId,
      level: costCaps.level,
      amountFen: costCaps.amountFen,
      effectiveFrom: costCaps.effectiveFrom,
      reason: costCaps.reason,
    })
    .from(costCaps)
    .orderBy(desc(costCaps.effectiveFrom), desc(costCaps.createdAt));
  const byKey = new Map<string, typeof caps>();
  for (const cap of caps) {
    const key = `${cap.certificateId}:${cap.level}`;
    byKey.set(key, [...(byKey.get(key) ?? []), cap]);
  }
  const now = new Date();
  return certs.map((certificate) => ({
    ...certificate,
    levels: certificate.levels.map((level) => {
      const history = byKey.get(`${certificate.id}:${level}`) ?? [];
      return { level, current: history.find((cap) => cap.effectiveFrom <= now) ?? null, history };
    }),
  }));
}

export async function setCostCap(tx: Tx, ctx: TenantContext, input: z.infer<typeof costCapSchema>) {
  const t = translator(ctx.locale);
  const [certificate] = await tx
    .select({ tenantId: certificates.tenantId, levels: certificates.levels })
    .from(certificates)
    .where(eq(certificates.id, input.certificateId))
    .limit(1);
  if (!certificate) return { ok: false, status: 400, fieldErrors: { certificateId: [t("errors.invalidOption")] } } as const;
  if (!certificate.levels.includes(input.level)) return { ok: false, status: 400, fieldErrors: { level: [t("fees.errors.levelNotOffered")] } } as const;
  const [row] = await tx
    .insert(costCaps)
    .values({
      tenantId: certificate.tenantId,
      certificateId: input.certificateId,
      level: input.level,
      amountFen: input.amount,
      reason: input.reason,
      setByUserId: ctx.user.id,
    })
    .returning();
  await audit(tx, ctx, { action: "committee.cost_cap", entityType: "cost_cap", entityId: row.id, after: row });
  return { ok: true, value: row } as const;
}
