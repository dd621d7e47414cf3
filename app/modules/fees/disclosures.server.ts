import { isUuid } from "~/ui/ids";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { certificates, feeDisclosures, feeDisclosureWithdrawals } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { addDays, formatFen, shanghaiDate } from "~/ui/format";
import type { disclosureFields, withdrawSchema } from "./schemas";
import { requireAdmitted } from "~/modules/admission/service.server";

type DisclosureInput = z.infer<typeof disclosureFields>;
type FieldErrors = Record<string, string[]>;

export async function noticeDaysNow(tx: Tx): Promise<number> {
  const [row] = rowsOf<{ days: number }>(await tx.execute(sql`select notice_days_at(now()) as days`));
  return Number(row?.days ?? 30);
}

export async function costCapNow(tx: Tx, tenantId: string, certificateId: string, level: string): Promise<number | null> {
  const [row] = rowsOf<{ cap: string | number | null }>(
    await tx.execute(sql`select cost_cap_at(${tenantId}::uuid, ${certificateId}::uuid, ${level}::certificate_level, now()) as cap`),
  );
  return row?.cap === null || row?.cap === undefined ? null : Number(row.cap);
}

/** The disclosure in force on a day for one key, by the database's single definition (fee_in_force). */
export async function feeInForce(tx: Tx, key: { tenantId: string; certificateId: string; level: string; kind: string }, day: string) {
  const [row] = rowsOf<{ id: string; amount_fen: string | number }>(
    await tx.execute(
      sql`select id, amount_fen from fee_in_force(${key.tenantId}::uuid, ${key.certificateId}::uuid, ${key.level}::certificate_level, ${key.kind}::fee_kind, ${day}::date)`,
    ),
  );
  return row ? { id: row.id, amountFen: Number(row.amount_fen) } : null;
}

/**
 * Derived, never stored: a published disclosure is superseded by a newer one or withdrawn. The outer
 * row's columns are written table-qualified: drizzle renders a column of a one-table select unqualified,
 * and inside the subquery `id` would then be the subquery's own.
 */
export const disclosureState = sql<"draft" | "published" | "superseded" | "withdrawn">`case
  when ${feeDisclosures.status} = 'draft' then 'draft'
  when exists (select 1 from fee_disclosure_withdrawals w where w.tenant_id = ${feeDisclosures}.tenant_id and w.disclosure_id = ${feeDisclosures}.id) then 'withdrawn'
  when exists (select 1 from fee_disclosures n where n.tenant_id = ${feeDisclosures}.tenant_id and n.supersedes_id = ${feeDisclosures}.id and n.status = 'published') then 'superseded'
  else 'published' end`;

const disclosureColumns = {
  id: feeDisclosures.id,
  tenantId: feeDisclosures.tenantId,
  certificateId: feeDisclosures.certificateId,
  certificateCode: certificates.code,
  certificateNameZh: certificates.nameZh,
  certificateNameEn: certificates.nameEn,
  level: feeDisclosures.level,
  kind: feeDisclosures.kind,
  amountFen: feeDisclosures.amountFen,
  unit: feeDisclosures.unit,
  includes: feeDisclosures.includes,
  effectiveFrom: feeDisclosures.effectiveFrom,
  effectiveUntil: feeDisclosures.effectiveUntil,
  contact: feeDisclosures.contact,
  changeReason: feeDisclosures.changeReason,
  supersedesId: feeDisclosures.supersedesId,
  publishedAt: feeDisclosures.publishedAt,
  createdAt: feeDisclosures.createdAt,
  state: disclosureState,
};

export function listOrgDisclosures(tx: Tx, ctx: TenantContext) {
  return tx
    .select(disclosureColumns)
    .from(feeDisclosures)
    .innerJoin(certificates, and(eq(certificates.tenantId, feeDisclosures.tenantId), eq(certificates.id, feeDisclosures.certificateId)))
    .where(eq(feeDisclosures.tenantId, ctx.tenant.id))
    .orderBy(asc(certificates.code), asc(feeDisclosures.level), asc(feeDisclosures.kind), desc(feeDisclosures.effectiveFrom), desc(feeDisclosures.createdAt));
}

export async function getDisclosure(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select(disclosureColumns)
    .from(feeDisclosures)
    .innerJoin(certificates, and(eq(certificates.tenantId, feeDisclosures.tenantId), eq(certificates.id, feeDisclosures.certificateId)))
    .where(and(eq(feeDisclosures.tenantId, ctx.tenant.id), eq(feeDisclosures.id, id)))
    .limit(1);
  if (!row) return null;
  const [withdrawal] = await tx
    .select()
    .from(feeDisclosureWithdrawals)
    .where(and(eq(feeDisclosureWithdrawals.tenantId, ctx.tenant.id), eq(feeDisclosureWithdrawals.disclosureId, id)))
    .limit(1);
  return { ...row, withdrawal: withdrawal ?? null };
}

/** Certificates an organization can disclose fees for: its own, with their levels. */
export function disclosableCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), sql`${certificates.status} <> 'retired'`))
    .orderBy(asc(certificates.code));
}

/** Published disclosures of the same organization, certificate, level and kind as `input`. */
function sameKeyPublished(ctx: TenantContext, input: DisclosureInput) {
  return and(
    eq(feeDisclosures.tenantId, ctx.tenant.id),
    eq(feeDisclosures.certificateId, input.certificateId),
    eq(feeDisclosures.level, input.level),
    eq(feeDisclosures.kind, input.kind),
    eq(feeDisclosures.status, "published"),
  );
}

async function latestPublished(tx: Tx, ctx: TenantContext, input: DisclosureInput) {
  const [row] = await tx
    .select({ id: feeDisclosures.id })
    .from(feeDisclosures)
    .where(sameKeyPublished(ctx, input))
    .orderBy(desc(feeDisclosures.effectiveFrom))
    .limit(1);
  return row?.id ?? null;
}

/** The checks of a draft (shape) and, with `publishing`, the rules of §二.10 and §二.14. */
async function check(tx: Tx, ctx: TenantContext, input: DisclosureInput, publishing: boolean, selfId?: string) {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ levels: certificates.levels, status: certificates.status })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, input.certificateId)))
    .limit(1);
  if (!certificate) errors.certificateId = [t("errors.invalidOption")];
  else if (!certificate.levels.includes(input.level)) errors.level = [t("fees.errors.levelNotOffered")];
  if (input.effectiveUntil && input.effectiveUntil <= input.effectiveFrom) errors.effectiveUntil = [t("fees.errors.untilBeforeFrom")];
  if (input.supersedesId) {
    const [old] = await tx
      .select({ certificateId: feeDisclosures.certificateId, level: feeDisclosures.level, kind: feeDisclosures.kind, state: disclosureState })
      .from(feeDisclosures)
      .where(and(eq(feeDisclosures.tenantId, ctx.tenant.id), eq(feeDisclosures.id, input.supersedesId)))
      .limit(1);
    if (!old || old.state !== "published" || old.certificateId !== input.certificateId || old.level !== input.level || old.kind !== input.kind)
      errors.supersedesId = [t("fees.errors.supersedes")];
  }
  if (!publishing) return errors;
  // Only an active certificate is in the public catalogue, so only its fees can be public.
  if (certificate && certificate.status !== "active") errors.certificateId = [t("fees.errors.certificateNotActive")];

  const days = await noticeDaysNow(tx);
  const earliest = addDays(shanghaiDate(), days);
  if (input.effectiveFrom < earliest) errors.effectiveFrom = [t("fees.errors.notice", { days, earliest })];
  if (input.kind === "assessment" && certificate) {
    const cap = await costCapNow(tx, ctx.tenant.id, input.certificateId, input.level);
    if (cap !== null && input.amount > cap)
      errors.amount = [t("fees.errors.cap", { cap: formatFen(cap, ctx.locale), amount: formatFen(input.amount, ctx.locale) })];
  }
  const [sameDay] = await tx
    .select({ id: feeDisclosures.id })
    .from(feeDisclosures)
    .where(and(sameKeyPublished(ctx, input), eq(feeDisclosures.effectiveFrom, input.effectiveFrom)))
    .limit(1);
  if (sameDay && sameDay.id !== selfId) errors.effectiveFrom = [...(errors.effectiveFrom ?? []), t("fees.errors.sameDay")];
  return errors;
}

function values(ctx: TenantContext, input: DisclosureInput) {
  return {
    tenantId: ctx.tenant.id,
    certificateId: input.certificateId,
    level: input.level,
    kind: input.kind,
    amountFen: input.amount,
    unit: input.unit,
    includes: input.includes,
    effectiveFrom: input.effectiveFrom,
    effectiveUntil: input.effectiveUntil ?? null,
    contact: input.contact,
    changeReason: input.changeReason,
    supersedesId: input.supersedesId ?? null,
  };
}

/**
 * Saves a draft (new when `id` is null) or publishes it. Publishing links the new disclosure to the
 * one it supersedes (the latest published of the same certificate, level and kind unless named).
 */
export async function saveDisclosure(tx: Tx, ctx: TenantContext, id: string | null, input: DisclosureInput, publish: boolean) {
  const before = id ? await getDisclosure(tx, ctx, id) : null;
  if (id && !before) throw new Response("Not found", { status: 404 });
  if (before && before.state !== "draft") return { ok: false, status: 409, formErrors: [translator(ctx.locale)("fees.errors.immutable")] } as const;
  const errors = await check(tx, ctx, input, publish, id ?? undefined);
  if (Object.keys(errors).length) return { ok: false, status: 400, fieldErrors: errors } as const;
  // Only an admitted organization publishes (decision 042; fee_disclosures_admitted is the wall).
  const notAdmitted = publish ? await requireAdmitted(tx, ctx) : null;
  if (notAdmitted) return notAdmitted;
  const row = values(ctx, input);
  if (publish && !row.supersedesId) row.supersedesId = await latestPublished(tx, ctx, input);
  const status = publish ? ("published" as const) : ("draft" as const);
  const publishedBy = publish ? ctx.user.id : null;
  const [saved] = id
    ? await tx
        .update(feeDisclosures)
        .set({ ...row, status, publishedByUserId: publishedBy })
        .where(and(eq(feeDisclosures.tenantId, ctx.tenant.id), eq(feeDisclosures.id, id)))
        .returning()
    : await tx
        .insert(feeDisclosures)
        .values({ ...row, status, createdByUserId: ctx.user.id, publishedByUserId: publishedBy })
        .returning();
  await audit(tx, ctx, {
    action: publish ? "fee_disclosure.publish" : id ? "fee_disclosure.update" : "fee_disclosure.create",
    entityType: "fee_disclosure",
    entityId: saved.id,
    before,
    after: saved,
  });
  return { ok: true, value: saved } as const;
}

export async function deleteDraft(tx: Tx, ctx: TenantContext, id: string) {
  const before = await getDisclosure(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  if (before.state !== "draft") return { ok: false, status: 409, formErrors: [translator(ctx.locale)("fees.errors.immutable")] } as const;
  await tx.delete(feeDisclosures).where(and(eq(feeDisclosures.tenantId, ctx.tenant.id), eq(feeDisclosures.id, id)));
  await audit(tx, ctx, { action: "fee_disclosure.delete_draft", entityType: "fee_disclosure", entityId: id, before });
  return { ok: true, value: null } as const;
}

/** A withdrawal is recorded beside the disclosure, which itself stays as published. */
export async function withdrawDisclosure(tx: Tx, ctx: TenantContext, id: string, input: z.infer<typeof withdrawSchema>) {
  const t = translator(ctx.locale);
  const before = await getDisclosure(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  if (before.state !== "published") return { ok: false, status: 409, formErrors: [t("fees.errors.notWithdrawable")] } as const;
  // From tomorrow at the earliest: an order placed this morning was priced at the fee in force today,
  // and that fee must still be the one in force today when the committee audits the order.
  if (input.effectiveFrom <= shanghaiDate()) return { ok: false, status: 400, fieldErrors: { effectiveFrom: [t("fees.errors.withdrawPast")] } } as const;
  const [withdrawal] = await tx
    .insert(feeDisclosureWithdrawals)
    .values({ tenantId: ctx.tenant.id, disclosureId: id, effectiveFrom: input.effectiveFrom, reason: input.reason, withdrawnByUserId: ctx.user.id })
    .returning();
  await audit(tx, ctx, { action: "fee_disclosure.withdraw", entityType: "fee_disclosure", entityId: id, after: withdrawal });
  return { ok: true, value: withdrawal } as const;
}
