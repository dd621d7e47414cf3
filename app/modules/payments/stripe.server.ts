import { and, eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import { rowsOf, type Tx } from "../../../db/client.server";
import { assessmentOrders, paymentAccounts, payments, stripeEvents } from "../../../db/schema";
import { env } from "~/env.server";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { insideTransaction, type Rescope, type TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { appUrl } from "~/ui/url.server";
import { getOrder, settleOrder } from "./orders.server";

// Stripe Connect: each organization is paid on its own account (direct charges, no platform fee).
// An order becomes paid only from a verified webhook, never from the browser's redirect.
// No Stripe call waits inside a database transaction (decision 010): each flow reads in one
// transaction, calls Stripe outside it, and records the answer in another; the idempotency key makes
// a retry after a failed record get Stripe's first answer back. The client refuses a call made inside
// a wrapper's transaction, so a regression fails every test that reaches it.

export class StripeInsideTransaction extends Error {
  constructor() {
    super("Stripe called inside a database transaction: call it between transactions (decision 010)");
  }
}

let client: Stripe | null | undefined;

export function stripe(): Stripe | null {
  if (client !== undefined) return client;
  const { STRIPE_SECRET_KEY: key, STRIPE_API_BASE: base } = env();
  if (!key) return (client = null);
  const local = base ? new URL(base) : null;
  const httpClient = Stripe.createNodeHttpClient();
  const send = httpClient.makeRequest.bind(httpClient);
  httpClient.makeRequest = (...args) => {
    if (!insideTransaction()) return send(...args);
    const error = new StripeInsideTransaction();
    console.error(error.stack);
    return Promise.reject(error);
  };
  client = new Stripe(key, {
    httpClient,
    maxNetworkRetries: local ? 0 : 2,
    telemetry: false,
    ...(local ? { host: local.hostname, port: Number(local.port), protocol: local.protocol.replace(":", "") as "http" | "https" } : {}),
  });
  return client;
}

export const onlinePaymentsEnabled = () => stripe() !== null;

export async function paymentAccountOf(tx: Tx, tenantId: string) {
  const [row] = await tx.select().from(paymentAccounts).where(eq(paymentAccounts.tenantId, tenantId)).limit(1);
  return row ?? null;
}

/**
 * A school's view of the organization's payment account, for an order it placed (decision 019): whether
 * it takes online payment and how; the account id only for its admin and a pending order (checkout).
 */
export async function orderPaymentAccount(tx: Tx, order: { tenantId: string; id: string }) {
  const [row] = rowsOf<{ charges_enabled: boolean; payment_methods: string[]; stripe_account_id: string | null }>(
    await tx.execute(sql`select charges_enabled, payment_methods, stripe_account_id from order_payment_account(${order.tenantId}, ${order.id})`),
  );
  return row ? { chargesEnabled: row.charges_enabled, paymentMethods: row.payment_methods, stripeAccountId: row.stripe_account_id } : null;
}

// What the account can take: card always; Alipay and WeChat Pay where Stripe reports the capability.
const onlineMethods = ["card", "alipay", "wechat_pay"] as const;

function methodsOf(account: Stripe.Account): string[] {
  const capabilities = (account.capabilities ?? {}) as Record<string, string | undefined>;
  return onlineMethods.filter((method) => method === "card" || capabilities[`${method}_payments`] === "active");
}

async function saveAccount(tx: Tx, tenantId: string, account: Stripe.Account) {
  const values = {
    chargesEnabled: account.charges_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    paymentMethods: methodsOf(account),
    updatedAt: new Date(),
  };
  const existing = await paymentAccountOf(tx, tenantId);
  if (existing) {
    const [row] = await tx
      .update(paymentAccounts)
      .set(values)
      .where(and(eq(paymentAccounts.tenantId, tenantId), eq(paymentAccounts.id, existing.id)))
      .returning();
    return row;
  }
  const [row] = await tx
    .insert(paymentAccounts)
    .values({ tenantId, stripeAccountId: account.id, ...values })
    .returning();
  return row;
}

/** The organization's Stripe account, created on first use (outside any transaction: the key is the tenant's). */
export async function createStripeAccount(tenant: { id: string; slug: string }) {
  const api = stripe();
  if (!api) throw new Response("Not found", { status: 404 });
  return api.accounts.create({ type: "standard", metadata: { tenantId: tenant.id, slug: tenant.slug } }, { idempotencyKey: `account-${tenant.id}` });
}

/** Records a newly created account (a second record of the same account changes nothing). */
export async function recordStripeAccount(tx: Tx, ctx: TenantContext, created: Stripe.Account) {
  const existing = await paymentAccountOf(tx, ctx.tenant.id);
  if (existing) return existing;
  const account = await saveAccount(tx, ctx.tenant.id, created);
  await audit(tx, ctx, { action: "payments.account_created", entityType: "payment_account", entityId: account.id, after: account });
  return account;
}

/** The onboarding link of a recorded account (no database). */
export async function onboardingLink(ctx: TenantContext, stripeAccountId: string) {
  const api = stripe();
  if (!api) throw new Response("Not found", { status: 404 });
  const link = await api.accountLinks.create({
    account: stripeAccountId,
    type: "account_onboarding",
    refresh_url: appUrl(`/w/${ctx.tenant.slug}/payments`),
    return_url: appUrl(`/w/${ctx.tenant.slug}/payments?refresh=1`),
  });
  return link.url;
}

/** What Stripe says of an account now (outside any transaction), or null without Stripe. */
export async function retrieveStripeAccount(stripeAccountId: string) {
  const api = stripe();
  return api ? api.accounts.retrieve(stripeAccountId) : null;
}

/** Records what Stripe said of the organization's account, audited when it changed. */
export async function recordAccountState(tx: Tx, ctx: TenantContext, state: Stripe.Account) {
  const before = await paymentAccountOf(tx, ctx.tenant.id);
  if (!before || before.stripeAccountId !== state.id) return before;
  const after = await saveAccount(tx, ctx.tenant.id, state);
  if (JSON.stringify({ ...before, updatedAt: null }) !== JSON.stringify({ ...after, updatedAt: null }))
    await audit(tx, ctx, { action: "payments.account_updated", entityType: "payment_account", entityId: after.id, before, after });
  return after;
}

export interface CheckoutPlan {
  orderId: string;
  stripeAccount: string;
  params: Stripe.Checkout.SessionCreateParams;
}

/** Checks a pending order can be paid online and builds its Checkout Session (in the caller's transaction). */
export async function planCheckout(tx: Tx, ctx: TenantContext, orderId: string) {
  const t = translator(ctx.locale);
  const found = await getOrder(tx, ctx, orderId);
  if (!stripe() || !found || found.order.schoolTenantId !== ctx.tenant.id) throw new Response("Not found", { status: 404 });
  const { order } = found;
  if (order.status !== "pending") return { ok: false, status: 409, formErrors: [t("orders.errors.notPending")] } as const;
  const account = await orderPaymentAccount(tx, order);
  if (!account?.chargesEnabled || !account.stripeAccountId) return { ok: false, status: 409, formErrors: [t("orders.errors.noOnlinePayment")] } as const;
  // Every parameter comes from the order, never from the request (such as the visitor's language):
  // Stripe refuses a reused idempotency key with other parameters, and the key is the order's.
  const orderLocale = order.locale === "en" ? "en" : "zh-CN";
  const name = `${found.certificateNameZh ?? found.certificateCode ?? ""} · ${translator(orderLocale)(`certificates.levelNames.${order.level}`)} · ${order.number}`;
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "payment",
    currency: "cny",
    line_items: [{ quantity: order.headcount, price_data: { currency: "cny", unit_amount: order.unitPriceFen, product_data: { name } } }],
    // Stripe picks the methods the account has enabled; this keeps the choice to card, Alipay, WeChat Pay.
    allowed_payment_method_types: account.paymentMethods as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
    ...(account.paymentMethods.includes("wechat_pay") ? { payment_method_options: { wechat_pay: { client: "web" } } } : {}),
    client_reference_id: order.id,
    metadata: { orderId: order.id, tenantId: order.tenantId, number: order.number },
    success_url: appUrl(`/w/${ctx.tenant.slug}/orders/${order.id}?checkout=done`),
    cancel_url: appUrl(`/w/${ctx.tenant.slug}/orders/${order.id}`),
    locale: orderLocale === "en" ? "en" : "zh",
  };
  return { ok: true, value: { orderId: order.id, stripeAccount: account.stripeAccountId, params } satisfies CheckoutPlan } as const;
}

/** Creates the planned session on the organization's account (outside any transaction; the order's key). */
export async function createCheckoutSession(plan: CheckoutPlan) {
  const api = stripe();
  if (!api) throw new Response("Not found", { status: 404 });
  return api.checkout.sessions.create(plan.params, { stripeAccount: plan.stripeAccount, idempotencyKey: `checkout-${plan.orderId}` });
}

/**
 * Records the session XCert made as the order's pending online payment for the order's total in CNY:
 * a webhook counts only for a session recorded here (F16). A second click gets the same session back
 * from Stripe (the order's idempotency key) and finds it recorded. An order no longer pending by now
 * records nothing: its session's events are then ignored.
 */
export async function recordCheckout(tx: Tx, ctx: TenantContext, plan: CheckoutPlan, session: Stripe.Checkout.Session) {
  const t = translator(ctx.locale);
  const found = await getOrder(tx, ctx, plan.orderId);
  if (!found || found.order.schoolTenantId !== ctx.tenant.id) throw new Response("Not found", { status: 404 });
  const { order } = found;
  if (order.status !== "pending") return { ok: false, status: 409, formErrors: [t("orders.errors.notPending")] } as const;
  await tx
    .insert(payments)
    .values({
      tenantId: order.tenantId,
      orderId: order.id,
      method: "stripe",
      status: "pending",
      amountFen: order.totalFen,
      currency: "CNY",
      stripeCheckoutSessionId: session.id,
    })
    .onConflictDoNothing();
  await audit(tx, ctx, { action: "payment.checkout_started", entityType: "assessment_order", entityId: order.id, after: { sessionId: session.id } });
  return { ok: true, value: session.url ?? "" } as const;
}

export interface OnlineRefund {
  stripeAccount: string;
  paymentIntent: string;
  amountFen: number;
  idempotencyKey: string;
}

/**
 * The Stripe refund a checked refund needs (in the caller's transaction). The key names the refund by
 * what it is (this payment, after what was refunded before, this amount): a retry after a failed
 * record gets Stripe's first answer back instead of refunding twice.
 */
export async function planOnlineRefund(
  tx: Tx,
  tenantId: string,
  payment: typeof payments.$inferSelect,
  amountFen: number,
  refundedBefore: number,
): Promise<OnlineRefund> {
  const account = await paymentAccountOf(tx, tenantId);
  if (!stripe() || !account || !payment.stripePaymentIntentId) throw new Response("Online refund unavailable", { status: 409 });
  return {
    stripeAccount: account.stripeAccountId,
    paymentIntent: payment.stripePaymentIntentId,
    amountFen,
    idempotencyKey: `refund-${payment.id}-${refundedBefore}-${amountFen}`,
  };
}

/** Makes the refund on the organization's account (outside any transaction). */
export async function refundOnline(plan: OnlineRefund) {
  const api = stripe();
  if (!api) throw new Response("Online refund unavailable", { status: 409 });
  const refund = await api.refunds.create(
    { payment_intent: plan.paymentIntent, amount: plan.amountFen },
    { stripeAccount: plan.stripeAccount, idempotencyKey: plan.idempotencyKey },
  );
  return refund.id;
}

export function verifyWebhook(payload: string, signature: string | null): Stripe.Event | null {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret || !signature) return null;
  try {
    return (stripe() ?? new Stripe("sk_webhook_verification_only")).webhooks.constructEvent(payload, signature, secret);
  } catch {
    return null;
  }
}

const paymentRank = { pending: 0, failed: 1, succeeded: 2 } as const;

/** Why a session's event does not count for its order (F16), or null when it does. */
function refusal(session: Stripe.Checkout.Session, order: typeof assessmentOrders.$inferSelect, recorded: typeof payments.$inferSelect | undefined) {
  if (!recorded || recorded.method !== "stripe" || recorded.orderId !== order.id) return "unknown_session";
  if (session.currency !== "cny") return "currency";
  if (session.amount_total !== order.totalFen || recorded.amountFen !== order.totalFen) return "amount";
  return null;
}

/**
 * Records a Checkout Session's payment; a status only moves forward, so order of delivery does not
 * matter. Only a session XCert created for the order (recorded at checkout) in CNY for the order's
 * total counts: the organization owns its Stripe account and could make sessions of its own carrying
 * an order id (F16). Those are acknowledged and ignored, written to the organization's audit log, and
 * the committee's audit finds them (unverified_payment, decision 022).
 */
async function recordCheckoutPayment(tx: Tx, tenantId: string, session: Stripe.Checkout.Session, status: keyof typeof paymentRank) {
  // The organization's Stripe account may sell other things too: only sessions made here carry an
  // order id in their metadata; anything else is acknowledged and left alone.
  const orderId = session.metadata?.orderId;
  if (!orderId || !isUuid(orderId)) return "ignored";
  const [order] = await tx
    .select()
    .from(assessmentOrders)
    .where(and(eq(assessmentOrders.tenantId, tenantId), eq(assessmentOrders.id, orderId)))
    .limit(1)
    // Stripe delivers in parallel: events of one session wait for each other here, so the second
    // sees the first one's update.
    .for("update");
  if (!order) return "ignored";
  const paymentIntent = typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
  const [existing] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.tenantId, tenantId), eq(payments.stripeCheckoutSessionId, session.id)))
    .limit(1);
  const actor = { requestId: `stripe:${session.id}`, ip: null, user: null, role: "system", tenant: { id: tenantId } };
  const refused = refusal(session, order, existing);
  if (refused || !existing) {
    await audit(tx, actor, {
      action: "payment.stripe_ignored",
      entityType: "assessment_order",
      entityId: order.id,
      after: { sessionId: session.id, reason: refused, status, currency: session.currency, amountTotal: session.amount_total },
    });
    return "ignored";
  }
  if (paymentRank[status] > paymentRank[existing.status]) {
    const [payment] = await tx
      .update(payments)
      .set({ status, stripePaymentIntentId: existing.stripePaymentIntentId ?? paymentIntent, confirmedAt: status === "succeeded" ? new Date() : null })
      .where(and(eq(payments.tenantId, tenantId), eq(payments.id, existing.id)))
      .returning();
    await audit(tx, actor, { action: `payment.stripe_${status}`, entityType: "payment", entityId: payment.id, before: existing, after: payment });
  }
  if (status === "succeeded") {
    const after = await settleOrder(tx, order, order.locale === "en" ? "en" : "zh-CN");
    if (after.status !== order.status)
      await audit(tx, actor, { action: "order.paid", entityType: "assessment_order", entityId: order.id, before: order, after });
  }
  return "applied";
}

/** What the webhook reads from Stripe before its transaction: an account.updated event's account now. */
export async function webhookPrefetch(event: Stripe.Event) {
  return event.type === "account.updated" && event.account ? retrieveStripeAccount(event.account) : null;
}

/**
 * Applies one verified event in the caller's transaction (system scope). The event id is stored in
 * the same transaction as its effect: a replay finds it and changes nothing.
 */
export async function applyStripeEvent(
  tx: Tx,
  rescope: Rescope,
  event: Stripe.Event,
  accountNow: Stripe.Account | null = null,
): Promise<"applied" | "duplicate" | "ignored"> {
  const account = event.account ?? null;
  let tenantId: string | null = null;
  if (account) {
    const [row] = await tx.select({ tenantId: paymentAccounts.tenantId }).from(paymentAccounts).where(eq(paymentAccounts.stripeAccountId, account)).limit(1);
    tenantId = row?.tenantId ?? null;
  }
  const inserted = await tx
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, account, organizationId: tenantId, payload: event as unknown as Record<string, unknown> })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (!inserted.length) return "duplicate";
  if (!tenantId) return "ignored";
  await rescope({ tenantId, tenantKind: "organization", role: "system" });
  switch (event.type) {
    case "checkout.session.completed": {
      const session = event.data.object;
      return recordCheckoutPayment(
        tx,
        tenantId,
        session,
        session.payment_status === "paid" || session.payment_status === "no_payment_required" ? "succeeded" : "pending",
      );
    }
    case "checkout.session.async_payment_succeeded":
      return recordCheckoutPayment(tx, tenantId, event.data.object, "succeeded");
    case "checkout.session.async_payment_failed":
      return recordCheckoutPayment(tx, tenantId, event.data.object, "failed");
    case "account.updated": {
      // Events arrive out of order, and an older one would undo a newer state: the account's state as
      // Stripe reports it now (read by the caller before the transaction), rather than the payload.
      await saveAccount(tx, tenantId, accountNow ?? event.data.object);
      return "applied";
    }
    default:
      return "ignored";
  }
}
