import { isUuid } from "~/ui/ids";
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { assessmentOrders, certificates, payments, refunds, tenants } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { cohortOf } from "~/modules/school/majors.server";
import { feeInForce } from "~/modules/fees/disclosures.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { formatDateTime, formatFen, shanghaiDate } from "~/ui/format";
import { appUrl } from "~/ui/url.server";
import type { orderSchema } from "./schemas";

type Order = typeof assessmentOrders.$inferSelect;

const schools = alias(tenants, "school");

const orderColumns = {
  order: assessmentOrders,
  organizationSlug: tenants.slug,
  organizationName: tenants.name,
  organizationNameEn: tenants.nameEn,
  schoolName: schools.name,
  schoolNameEn: schools.nameEn,
  certificateCode: certificates.code,
  certificateNameZh: certificates.nameZh,
  certificateNameEn: certificates.nameEn,
};

function visibleTo(ctx: TenantContext) {
  // The committee reads every order (its RLS policy); schools their own; organizations those they sell.
  if (ctx.tenant.kind === "committee") return sql`true`;
  return ctx.tenant.kind === "school" ? eq(assessmentOrders.schoolTenantId, ctx.tenant.id) : eq(assessmentOrders.tenantId, ctx.tenant.id);
}

export async function listOrders(tx: Tx, ctx: TenantContext, limit = 200) {
  const rows = await tx
    .select({
      ...orderColumns,
      paidFen: sql<number>`coalesce((select sum(p.amount_fen) from payments p where p.tenant_id = ${assessmentOrders}.tenant_id and p.order_id = ${assessmentOrders}.id and p.status = 'succeeded'), 0)::bigint`,
    })
    .from(assessmentOrders)
    .innerJoin(tenants, eq(tenants.id, assessmentOrders.tenantId))
    .leftJoin(schools, eq(schools.id, assessmentOrders.schoolTenantId))
    .leftJoin(certificates, and(eq(certificates.tenantId, assessmentOrders.tenantId), eq(certificates.id, assessmentOrders.certificateId)))
    .where(visibleTo(ctx))
    .orderBy(desc(assessmentOrders.createdAt))
    .limit(limit);
  return rows.map((row) => ({ ...row, paidFen: Number(row.paidFen) }));
}

export async function getOrder(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select(orderColumns)
    .from(assessmentOrders)
    .innerJoin(tenants, eq(tenants.id, assessmentOrders.tenantId))
    .leftJoin(schools, eq(schools.id, assessmentOrders.schoolTenantId))
    .leftJoin(certificates, and(eq(certificates.tenantId, assessmentOrders.tenantId), eq(certificates.id, assessmentOrders.certificateId)))
    .where(and(eq(assessmentOrders.id, id), visibleTo(ctx)))
    .limit(1);
  if (!row) return null;
  const [orderPayments, orderRefunds] = [
    await tx
      .select()
      .from(payments)
      .where(and(eq(payments.tenantId, row.order.tenantId), eq(payments.orderId, id)))
      .orderBy(asc(payments.createdAt)),
    await tx
      .select()
      .from(refunds)
      .where(and(eq(refunds.tenantId, row.order.tenantId), eq(refunds.orderId, id)))
      .orderBy(asc(refunds.createdAt)),
  ];
  const paidFen = orderPayments.filter((p) => p.status === "succeeded").reduce((sum, p) => sum + p.amountFen, 0);
  return { ...row, payments: orderPayments, refunds: orderRefunds, paidFen };
}

/** Active certificates of the catalogue that have an assessment fee in force today. */
export async function orderableFees(tx: Tx) {
  const today = shanghaiDate();
  return tx
    .select({
      certificateId: certificates.id,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
      organization: tenants.name,
      organizationEn: tenants.nameEn,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .where(
      and(
        eq(certificates.status, "active"),
        sql`exists (select 1 from unnest(${certificates.levels}) as l(level)
          where exists (select 1 from fee_in_force(${certificates.tenantId}, ${certificates.id}, l.level, 'assessment', ${today}::date)))`,
      ),
    )
    .orderBy(asc(certificates.code));
}

function orderNumber(day: string) {
  return `XC${day.replace(/-/g, "")}-${randomBytes(3).toString("hex").toUpperCase()}`;
}

export async function createOrder(tx: Tx, ctx: TenantContext, input: z.infer<typeof orderSchema>) {
  const t = translator(ctx.locale);
  const today = shanghaiDate();
  if (input.examDate < today) return { ok: false, status: 400, fieldErrors: { examDate: [t("orders.errors.examDatePast")] } } as const;
  const [certificate] = await tx
    .select({
      tenantId: certificates.tenantId,
      levels: certificates.levels,
      status: certificates.status,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
    })
    .from(certificates)
    .where(eq(certificates.id, input.certificateId))
    .limit(1);
  if (!certificate || certificate.status !== "active") return { ok: false, status: 400, fieldErrors: { certificateId: [t("errors.invalidOption")] } } as const;
  if (!certificate.levels.includes(input.level)) return { ok: false, status: 400, fieldErrors: { level: [t("fees.errors.levelNotOffered")] } } as const;
  const fee = await feeInForce(tx, { tenantId: certificate.tenantId, certificateId: input.certificateId, level: input.level, kind: "assessment" }, today);
  if (!fee) return { ok: false, status: 400, fieldErrors: { level: [t("orders.errors.noFee")] } } as const;
  const cohort = input.cohortId ? await cohortOf(tx, ctx, input.cohortId) : null;
  if (input.cohortId && !cohort) return { ok: false, status: 400, fieldErrors: { cohortId: [t("errors.invalidOption")] } } as const;
  const [order] = await tx
    .insert(assessmentOrders)
    .values({
      tenantId: certificate.tenantId,
      number: orderNumber(today),
      schoolTenantId: ctx.tenant.id,
      certificateId: input.certificateId,
      level: input.level,
      disclosureId: fee.id,
      examSite: input.examSite,
      examDate: input.examDate,
      orderDate: today,
      headcount: input.headcount,
      pilotMajorId: cohort?.majorId ?? null,
      cohortId: cohort?.id ?? null,
      unitPriceFen: fee.amountFen,
      totalFen: fee.amountFen * input.headcount,
      contactEmail: ctx.user.email,
      locale: ctx.locale,
      createdByUserId: ctx.user.id,
    })
    .returning();
  await audit(tx, ctx, { action: "order.create", entityType: "assessment_order", entityId: order.id, after: order });
  const certificateName = ctx.locale === "en" ? certificate.nameEn : certificate.nameZh;
  await enqueueEmail(tx, {
    template: "order-confirmation",
    to: order.contactEmail,
    locale: ctx.locale,
    props: {
      orderNumber: order.number,
      certificate: `${certificateName} · ${t(`certificates.levelNames.${order.level}`)}`,
      headcount: order.headcount,
      unitPrice: formatFen(order.unitPriceFen, ctx.locale),
      total: formatFen(order.totalFen, ctx.locale),
      examDate: order.examDate,
      examSite: order.examSite,
      orderUrl: appUrl(`/w/${ctx.tenant.slug}/orders/${order.id}`),
    },
    meta: { orderId: order.id },
  });
  return { ok: true, value: order } as const;
}

async function setOrder(tx: Tx, order: Order, changes: Partial<Pick<Order, "status" | "paidAt" | "cancelledAt" | "refundedFen">>) {
  const [after] = await tx
    .update(assessmentOrders)
    .set(changes)
    .where(and(eq(assessmentOrders.tenantId, order.tenantId), eq(assessmentOrders.id, order.id)))
    .returning();
  return after;
}

export async function cancelOrder(tx: Tx, ctx: TenantContext, id: string) {
  const found = await getOrder(tx, ctx, id);
  if (!found) throw new Response("Not found", { status: 404 });
  if (found.order.status !== "pending" || found.payments.some((p) => p.status === "succeeded"))
    return { ok: false, status: 409, formErrors: [translator(ctx.locale)("orders.errors.notCancellable")] } as const;
  const after = await setOrder(tx, found.order, { status: "cancelled", cancelledAt: new Date() });
  await audit(tx, ctx, { action: "order.cancel", entityType: "assessment_order", entityId: id, before: found.order, after });
  return { ok: true, value: after } as const;
}

/** The school records the bank transfer it made; the organization's finance role confirms it. */
export async function recordBankTransfer(tx: Tx, ctx: TenantContext, id: string, input: { amount: number; reference: string }) {
  const found = await getOrder(tx, ctx, id);
  if (!found) throw new Response("Not found", { status: 404 });
  if (found.order.status !== "pending") return { ok: false, status: 409, formErrors: [translator(ctx.locale)("orders.errors.notPending")] } as const;
  const [payment] = await tx
    .insert(payments)
    .values({
      tenantId: found.order.tenantId,
      orderId: id,
      method: "bank_transfer",
      amountFen: input.amount,
      bankReference: input.reference,
      recordedByUserId: ctx.user.id,
    })
    .returning();
  await audit(tx, ctx, { action: "payment.transfer_recorded", entityType: "payment", entityId: payment.id, after: payment });
  return { ok: true, value: payment } as const;
}

/** Marks the order paid when what succeeded covers its total; sends the receipt once. */
export async function settleOrder(tx: Tx, order: Order, locale: "zh-CN" | "en") {
  const [{ paid }] = await tx
    .select({ paid: sql<number>`coalesce(sum(${payments.amountFen}), 0)::bigint` })
    .from(payments)
    .where(and(eq(payments.tenantId, order.tenantId), eq(payments.orderId, order.id), eq(payments.status, "succeeded")));
  if (order.status !== "pending" || Number(paid) < order.totalFen) return order;
  const after = await setOrder(tx, order, { status: "paid", paidAt: new Date() });
  await enqueueEmail(tx, {
    template: "payment-receipt",
    to: order.contactEmail,
    locale,
    props: { orderNumber: order.number, amount: formatFen(Number(paid), locale), paidAt: formatDateTime(new Date(), locale) },
    meta: { orderId: order.id },
  });
  return after;
}

export async function confirmBankTransfer(tx: Tx, ctx: TenantContext, id: string, paymentId: string) {
  const t = translator(ctx.locale);
  const found = await getOrder(tx, ctx, id);
  if (!found || found.order.tenantId !== ctx.tenant.id) throw new Response("Not found", { status: 404 });
  const payment = found.payments.find((p) => p.id === paymentId);
  if (!payment || payment.method !== "bank_transfer" || payment.status !== "pending")
    return { ok: false, status: 409, formErrors: [t("orders.errors.notConfirmable")] } as const;
  const [confirmed] = await tx
    .update(payments)
    .set({ status: "succeeded", confirmedAt: new Date(), confirmedByUserId: ctx.user.id })
    .where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.id, paymentId)))
    .returning();
  await audit(tx, ctx, { action: "payment.transfer_confirmed", entityType: "payment", entityId: paymentId, before: payment, after: confirmed });
  const after = await settleOrder(tx, found.order, found.order.locale === "en" ? "en" : "zh-CN");
  if (after.status !== found.order.status)
    await audit(tx, ctx, { action: "order.paid", entityType: "assessment_order", entityId: id, before: found.order, after });
  return { ok: true, value: after } as const;
}

/** Whether `input` may be refunded now: the payment and what was refunded of it before (no writes). */
export async function checkRefund(tx: Tx, ctx: TenantContext, id: string, input: { paymentId: string; amount: number }) {
  const t = translator(ctx.locale);
  const found = await getOrder(tx, ctx, id);
  if (!found || found.order.tenantId !== ctx.tenant.id) throw new Response("Not found", { status: 404 });
  const payment = found.payments.find((p) => p.id === input.paymentId && p.status === "succeeded");
  const refundedOfPayment = found.refunds.filter((r) => r.paymentId === input.paymentId).reduce((sum, r) => sum + r.amountFen, 0);
  if (!payment) return { ok: false, status: 400, fieldErrors: { paymentId: [t("errors.invalidOption")] } } as const;
  if (input.amount <= 0 || input.amount > payment.amountFen - refundedOfPayment || found.order.refundedFen + input.amount > found.order.totalFen)
    return { ok: false, status: 400, fieldErrors: { amount: [t("orders.errors.refundTooLarge")] } } as const;
  return { ok: true, value: { payment, refundedBefore: refundedOfPayment } } as const;
}

/**
 * Records a refund checked by checkRefund; an online one after Stripe made it (`stripeRefundId`,
 * outside any transaction). A double-submitted form sends the same idempotency key, so Stripe answers
 * the same refund: the second request finds it recorded, records nothing and is refused. Checked again here under
 * the order's lock for a bank transfer; an online refund is recorded whatever came in between, since
 * the money has moved and Stripe refuses more than the charge.
 */
export async function recordRefund(
  tx: Tx,
  ctx: TenantContext,
  id: string,
  input: { paymentId: string; amount: number; reason: string },
  stripeRefundId: string | null,
) {
  // A double-submitted refund form: the second request waits here and sees the first one's refund.
  if (isUuid(id))
    await tx
      .select({ id: assessmentOrders.id })
      .from(assessmentOrders)
      .where(and(eq(assessmentOrders.tenantId, ctx.tenant.id), eq(assessmentOrders.id, id)))
      .for("update");
  const found = await getOrder(tx, ctx, id);
  if (!found || found.order.tenantId !== ctx.tenant.id) throw new Response("Not found", { status: 404 });
  // The form sent twice: Stripe answered the second with the first's refund (the same key), which the
  // first recorded. Refused as the second would have been had it come after: nothing is left of it.
  if (stripeRefundId && found.refunds.some((r) => r.stripeRefundId === stripeRefundId))
    return { ok: false, status: 400, fieldErrors: { amount: [translator(ctx.locale)("orders.errors.refundTooLarge")] } } as const;
  if (!stripeRefundId) {
    const checked = await checkRefund(tx, ctx, id, input);
    if (!checked.ok) return checked;
  }
  const [refund] = await tx
    .insert(refunds)
    .values({
      tenantId: ctx.tenant.id,
      orderId: id,
      paymentId: input.paymentId,
      amountFen: input.amount,
      reason: input.reason,
      stripeRefundId,
      recordedByUserId: ctx.user.id,
    })
    .returning();
  const after = await setOrder(tx, found.order, { refundedFen: found.order.refundedFen + input.amount });
  await audit(tx, ctx, { action: "order.refund", entityType: "assessment_order", entityId: id, before: found.order, after: { ...after, refund } });
  return { ok: true, value: refund } as const;
}
