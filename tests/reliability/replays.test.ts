import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails } from "../../app/modules/email/worker.server";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { startResendDouble, type ResendDouble } from "../support/resend-double";
import { startStripeDouble, type StripeDouble } from "../support/stripe-double";
import { short, Tally } from "./support/summary";

// Replays. Stripe: many orders paid at once, every webhook event delivered three times, shuffled and
// concurrently: exactly one effect per event (one payment, one paid transition, one audit entry, one
// receipt). Email: the Resend double fails for a while (500s, requests that never answer, answers lost
// after accepting) while two workers poll, then recovers: every outbox email delivered exactly once,
// none lost; a worker round never hangs on a provider that does not answer, and the app keeps
// answering meanwhile.

const webhookSecret = "whsec_test_xcert_replays";
const signer = new Stripe("sk_test_signing_only");
const orderCount = short ? 6 : 24;
const emailCount = short ? 12 : 40;
// Long enough that a page waiting on a worker (instead of the database) would show.
const sendTimeoutMs = 1_000;

type Session = Record<string, unknown> & { id: string; amount_total: number };

/** A fixed-seed shuffle (reproducible). */
function shuffle<T>(list: T[], seed: number) {
  const out = [...list];
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("replays", () => {
  const tally = new Tally("replays");
  let app: TestApp;
  let stripeApi: StripeDouble;
  let resend: ResendDouble;
  let finance: HttpClient;
  let school: HttpClient;
  let admin: HttpClient;
  let trainer: string;
  let aiAccount: string;
  const db = () => owner(app.database);

  beforeAll(async () => {
    stripeApi = await startStripeDouble();
    resend = await startResendDouble();
    // env.server.ts reads these once, at the first request: set before the app starts.
    Object.assign(process.env, {
      STRIPE_SECRET_KEY: "sk_test_xcert_platform",
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: stripeApi.url,
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend.url,
      EMAIL_SEND_TIMEOUT_MS: String(sendTimeoutMs),
    });
    app = await startApp();
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    school = app.client();
    await school.login("school-admin@demo.xcert.test");
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    trainer = (await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`))[0].id;
    // demo-ai connects its Stripe account and finishes onboarding.
    expect((await finance.post("/w/demo-ai/payments", {})).status).toBe(302);
    aiAccount = (await db().rows<{ id: string }>(sql`select stripe_account_id as id from payment_accounts`))[0].id;
    stripeApi.updateAccount(aiAccount, {
      charges_enabled: true,
      details_submitted: true,
      capabilities: { card_payments: "active", alipay_payments: "active", wechat_pay_payments: "active" },
    });
    expect((await finance.get("/w/demo-ai/payments?refresh=1")).status).toBe(200);
  });
  afterAll(async () => {
    tally.print();
    await app?.close();
    await stripeApi?.close();
    await resend?.close();
    for (const key of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "RESEND_API_KEY", "RESEND_BASE_URL", "EMAIL_SEND_TIMEOUT_MS"])
      delete process.env[key];
  });

  it(`applies ${orderCount} orders' webhooks once each, delivered 3× shuffled and concurrently`, async () => {
    const orders: { id: string; session: Session; async: boolean }[] = [];
    for (let i = 0; i < orderCount; i++) {
      const placed = await school.post("/w/demo-school/orders/new", {
        certificateId: trainer,
        level: "intermediate",
        examSite: "徐汇校区",
        examDate: addDays(shanghaiDate(), 21),
        headcount: String(1 + (i % 5)),
      });
      expect(placed.status).toBe(302);
      const id = placed.headers.get("location")!.split("/").at(-1)!;
      const checkout = await school.post(`/w/demo-school/orders/${id}`, { intent: "checkout" });
      expect(checkout.status).toBe(302);
      const session = [...stripeApi.sessions.values()].find((s) => s.url === checkout.headers.get("location")) as Session;
      orders.push({ id, session, async: i % 3 === 2 });
    }
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const event = (type: string, session: Session, changes: Record<string, unknown>, created: number) => {
      const { account: _account, ...object } = session;
      return {
        id: `evt_test_${randomUUID()}`,
        object: "event",
        api_version: "2025-03-31.basil",
        created,
        type,
        account: aiAccount,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: { object: { ...object, status: "complete", payment_status: "paid", payment_intent: `pi_test_${session.id.slice(-12)}`, ...changes } },
      };
    };
    // A card payment: completed (paid). An async one (bank): completed unpaid, then succeeded.
    const events = orders.flatMap((o) =>
      o.async
        ? [
            event("checkout.session.completed", o.session, { payment_status: "unpaid" }, t0),
            event("checkout.session.async_payment_succeeded", o.session, {}, t0 + 30),
          ]
        : [event("checkout.session.completed", o.session, {}, t0)],
    );
    // Every fourth order also gets a session the organization made itself (F16): in JPY, or one XCert
    // never created. Each is ignored once and recorded; the genuine one still pays the order once.
    const forgedFor = new Set(orders.filter((_, i) => i % 4 === 0).map((o) => o.id));
    for (const [i, o] of orders.filter((o) => forgedFor.has(o.id)).entries())
      events.push(event("checkout.session.completed", o.session, i % 2 ? { currency: "jpy" } : { id: `cs_test_forged_${randomUUID().slice(0, 8)}` }, t0 + 10));
    const deliveries = shuffle(
      events.flatMap((e) => [e, e, e]),
      20261125,
    );
    const outcomes = new Map<string, string[]>();
    let next = 0;
    const worker = async () => {
      while (next < deliveries.length) {
        const e = deliveries[next++];
        const payload = JSON.stringify(e);
        const response = await fetch(`${app.url}/webhooks/stripe`, {
          method: "POST",
          body: payload,
          headers: { "content-type": "application/json", "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) },
        });
        const body = (await response.json().catch(() => ({}))) as { outcome?: string };
        tally.check(response.status === 200, `${e.type} ${e.id}: ${response.status}`);
        outcomes.set(e.id, [...(outcomes.get(e.id) ?? []), body.outcome ?? `status ${response.status}`]);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    for (const e of events) {
      const applied = outcomes.get(e.id)!.filter((o) => o !== "duplicate");
      tally.check(applied.length === 1, `${e.type} ${e.id} applied ${applied.length}× (${outcomes.get(e.id)!.join(", ")})`);
      tally.check((await db().count("stripe_events", sql`id = ${e.id}`)) === 1, `${e.id} stored once`);
    }
    for (const o of orders) {
      const payments = await db().rows<{ status: string; amount_fen: number }>(sql`select status, amount_fen::int from payments where order_id = ${o.id}`);
      const [order] = await db().rows<{ status: string; total_fen: number }>(sql`select status, total_fen::int from assessment_orders where id = ${o.id}`);
      tally.check(
        payments.length === 1 && payments[0].status === "succeeded" && payments[0].amount_fen === o.session.amount_total,
        `order ${o.id}: payments ${JSON.stringify(payments)}`,
      );
      tally.check(order.status === "paid", `order ${o.id} is ${order.status}`);
      tally.check((await db().count("audit_log", sql`action = 'order.paid' and entity_id = ${o.id}`)) === 1, `order ${o.id}: one order.paid audit entry`);
      tally.check((await db().count("email_outbox", sql`template = 'payment-receipt' and meta->>'orderId' = ${o.id}`)) === 1, `order ${o.id}: one receipt`);
      const ignored = await db().count("audit_log", sql`action = 'payment.stripe_ignored' and entity_id = ${o.id}`);
      tally.check(ignored === (forgedFor.has(o.id) ? 1 : 0), `order ${o.id}: ${ignored} ignored sessions recorded`);
    }
    tally.note(`${orders.length} orders, ${events.length} events, ${deliveries.length} deliveries`);
    expect(tally.failures).toEqual([]);
  });

  it(`delivers ${emailCount} emails exactly once through a provider outage (500s, timeouts, lost answers)`, async () => {
    const outbox = () =>
      db().rows<{ id: string; status: string; attempts: number; provider_id: string | null }>(sql`select id, status, attempts, provider_id from email_outbox`);
    const makeDue = () => db().rows(sql`update email_outbox set next_attempt_at = now() where status = 'pending'`);
    // Receipts from the test above are in the outbox too: deliver them now, then count from here.
    await makeDue();
    await deliverDueEmails({ batch: 100 });
    for (let i = 0; i < emailCount; i++) {
      expect((await admin.post("/w/demo-ai/members", { email: `replay-${i}@example.test`, role: "viewer" })).status).toBe(200);
    }
    const rows = await outbox();
    expect(rows.filter((r) => r.status === "pending")).toHaveLength(emailCount);

    // Two workers (two server instances) poll through the outage; the backoff is skipped between rounds.
    let longestRound = 0;
    let slowestPage = 0;
    const round = async () => {
      const started = Date.now();
      // Meanwhile the app answers: a worker waiting on the provider must not hold the database.
      const page = (async () => {
        const t = Date.now();
        const response = await app.client().get("/fees");
        await response.text();
        slowestPage = Math.max(slowestPage, Date.now() - t);
        return response.status;
      })();
      await Promise.all([deliverDueEmails({ batch: 5 }), deliverDueEmails({ batch: 5 }), page]);
      longestRound = Math.max(longestRound, Date.now() - started);
      await makeDue();
    };
    resend.outage("mixed");
    for (let i = 0; i < 3; i++) await round();
    const duringOutage = (await outbox()).filter((r) => r.status === "sent").length;
    resend.recover();
    for (let i = 0; i < 20 && (await outbox()).some((r) => r.status === "pending"); i++) await round();

    const after = await outbox();
    for (const row of after) {
      const key = `outbox-${row.id}`;
      tally.check(row.status === "sent", `email ${row.id} is ${row.status} after ${row.attempts} attempts`);
      tally.check(resend.delivered.has(key) && resend.delivered.get(key)!.id === row.provider_id, `email ${row.id} not delivered (or another id)`);
      // A worker that got a 200 never sends again; a lost answer may be retried, Resend keeps one email per key.
      tally.check((resend.answered.get(key) ?? 0) <= 1, `email ${row.id} answered 200 ${resend.answered.get(key)}×`);
    }
    tally.check(resend.delivered.size === after.length, `${resend.delivered.size} emails at the provider for ${after.length} in the outbox`);
    // batch 5 × the send timeout, plus the database work: a round waits for timeouts, never for ever.
    tally.check(longestRound <= 5 * sendTimeoutMs + 3_000, `a worker round took ${longestRound} ms`);
    tally.check(slowestPage < sendTimeoutMs, `a page took ${slowestPage} ms while the workers waited on the provider`);
    const retried = [...resend.attempts.values()].filter((n) => n > 1).length;
    tally.note(
      `${after.length} emails, ${resend.requests} provider requests, ${retried} retried, ${duringOutage} sent during the outage; longest worker round ${longestRound} ms, slowest page ${slowestPage} ms`,
    );
    expect(tally.failures).toEqual([]);
  });
});
