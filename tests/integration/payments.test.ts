import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner } from "../support/db";
import { startStripeDouble, type Params, type StripeDouble } from "../support/stripe-double";

// Online payment through each organization's own Stripe account (Connect, direct charges, no
// platform fee), against a local double of Stripe's API. The order becomes paid only from a webhook
// whose signature (made by the real SDK) verifies; every event counts once, whatever the number of
// deliveries and their order.

const orderRoute = "routes/w.$slug.orders.$orderId";
const webhookSecret = "whsec_test_xcert_payments";
const signer = new Stripe("sk_test_signing_only");

type Session = Record<string, unknown> & { id: string; amount_total: number; metadata: Record<string, string> };

describe("online payments (Stripe Connect)", () => {
  let stripeApi: StripeDouble;
  let app: TestApp;
  let finance: HttpClient; // finance of demo-ai
  let editor: HttpClient; // editor of demo-ai: no say on money
  let careAdmin: HttpClient; // admin of demo-care
  let school: HttpClient; // admin of demo-school
  let committee: HttpClient;
  let trainer: string;
  let elderly: string;
  let aiAccount: string;
  let careAccount: string;
  const today = shanghaiDate();
  const db = () => owner(app.database);
  const watched = ["stripe_events", "payments", "payment_accounts", "refunds", "email_outbox", "audit_log", "assessment_orders"] as const;
  const written = async () => ({
    ...(Object.fromEntries(await Promise.all(watched.map(async (t) => [t, await db().count(t)] as const))) as Record<(typeof watched)[number], number>),
    paidOrders: await db().count("assessment_orders", sql`status = 'paid'`),
  });
  const place = async (values: FormInput = {}) => {
    const response = await school.post("/w/demo-school/orders/new", {
      certificateId: trainer,
      level: "intermediate",
      examSite: "上海城市职业技术学院 徐汇校区",
      examDate: addDays(today, 21),
      headcount: "2",
      ...values,
    });
    expect(response.status).toBe(302);
    return response.headers.get("location")!.split("/").at(-1)!;
  };
  const orderRow = async (id: string) =>
    (
      await db().rows<{ status: string; total_fen: number; paid_at: Date | null }>(
        sql`select status, total_fen::int, paid_at from assessment_orders where id = ${id}`,
      )
    )[0];
  const paymentsOf = (id: string) =>
    db().rows<{
      status: string;
      amount_fen: number;
      method: string;
      currency: string;
      stripe_checkout_session_id: string;
      stripe_payment_intent_id: string | null;
    }>(sql`select status, amount_fen::int, method, currency, stripe_checkout_session_id, stripe_payment_intent_id from payments where order_id = ${id}`);
  const receiptsOf = (id: string) => db().count("email_outbox", sql`template = 'payment-receipt' and meta->>'orderId' = ${id}`);
  const sessionRequests = () => stripeApi.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
  /** The school clicks "pay online": the Checkout Session the app created, as Stripe stored it. */
  const checkout = async (id: string, client = school) => {
    const response = await client.post(`/w/demo-school/orders/${id}`, { intent: "checkout" });
    expect(response.status, `checkout of ${id}`).toBe(302);
    const location = response.headers.get("location")!;
    const session = [...stripeApi.sessions.values()].find((s) => s.url === location);
    expect(session, location).toBeDefined();
    return session as Session;
  };

  let eventCount = 0;
  const event = (type: string, object: Record<string, unknown>, options: { account?: string | null; created?: number } = {}) => ({
    id: `evt_test_${++eventCount}_${randomUUID().slice(0, 8)}`,
    object: "event",
    api_version: "2025-03-31.basil",
    created: options.created ?? Math.floor(Date.now() / 1000),
    type,
    account: options.account === undefined ? aiAccount : options.account,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
  /** The session as Stripe sends it in an event, after the customer paid (or not yet). */
  const completed = (session: Session, changes: Record<string, unknown> = {}) => {
    const { account: _account, ...object } = session;
    return { ...object, status: "complete", payment_status: "paid", payment_intent: `pi_test_${session.id.slice(-12)}`, ...changes };
  };
  const deliver = async (body: unknown, sign: { secret?: string; timestamp?: number; header?: string | null } = {}) => {
    const payload = typeof body === "string" ? body : JSON.stringify(body);
    const header =
      sign.header !== undefined
        ? sign.header
        : signer.webhooks.generateTestHeaderString({ payload, secret: sign.secret ?? webhookSecret, timestamp: sign.timestamp });
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (header !== null) headers["stripe-signature"] = header;
    const response = await fetch(`${app.url}/webhooks/stripe`, { method: "POST", body: payload, headers });
    return { status: response.status, body: (await response.json()) as { received?: boolean; outcome?: string; error?: string } };
  };
  /** Every event three times, in an order shuffled by a fixed seed (reproducible). */
  const shuffledTriples = <T>(events: T[], seed: number) => {
    const list = events.flatMap((e) => [e, e, e]);
    let state = seed;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };

  beforeAll(async () => {
    stripeApi = await startStripeDouble();
    // env.server.ts reads these once per process, at the first request: set before the app starts.
    process.env.STRIPE_SECRET_KEY = "sk_test_xcert_platform";
    process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
    process.env.STRIPE_API_BASE = stripeApi.url;
    app = await startApp();
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    school = app.client();
    await school.login("school-admin@demo.xcert.test");
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
    const ids = await db().rows<{ code: string; id: string }>(sql`select code, id from certificates`);
    trainer = ids.find((c) => c.code === "AI-TRAINER")!.id;
    elderly = ids.find((c) => c.code === "ELDERLY-CARE")!.id;
  });
  afterAll(async () => {
    await app?.close();
    await stripeApi?.close();
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    delete process.env.STRIPE_API_BASE;
  });

  it("gives the organization's finance an onboarding link to its own Stripe account, created once; others may not", async () => {
    const page = await (await finance.data("/w/demo-ai/payments", "routes/w.$slug.payments")).json();
    expect(page).toEqual({ enabled: true, account: null });
    // Neither a school, nor an organization's editor, handles an organization's money.
    const before = await written();
    expect((await editor.post("/w/demo-ai/payments", {})).status).toBe(403);
    expect((await school.post("/w/demo-school/payments", {})).status).toBe(403);
    expect((await school.post("/w/demo-ai/payments", {})).status).toBe(404);
    expect(await written()).toEqual(before);
    expect(stripeApi.requests).toHaveLength(0);

    const response = await finance.post("/w/demo-ai/payments", {});
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/s\/acct_test_/);
    const [create, link] = stripeApi.requests;
    expect(create).toMatchObject({ method: "POST", path: "/v1/accounts", stripeAccount: null, authorization: "Bearer sk_test_xcert_platform" });
    expect(create.params).toMatchObject({ type: "standard", metadata: { slug: "demo-ai" } });
    const [account] = await db().rows<{ stripe_account_id: string; charges_enabled: boolean; payment_methods: string[]; tenant_id: string }>(
      sql`select stripe_account_id, charges_enabled, payment_methods, tenant_id from payment_accounts`,
    );
    aiAccount = account.stripe_account_id;
    expect(create.idempotencyKey).toBe(`account-${account.tenant_id}`);
    expect(link).toMatchObject({ method: "POST", path: "/v1/account_links", stripeAccount: null });
    expect(link.params).toMatchObject({ account: aiAccount, type: "account_onboarding" });
    expect(String(link.params.return_url)).toMatch(/\/w\/demo-ai\/payments\?refresh=1$/);
    expect(account).toMatchObject({ charges_enabled: false, payment_methods: ["card"] });
    expect(await db().count("audit_log", sql`action = 'payments.account_created'`)).toBe(1);

    // Not finished yet: schools cannot pay demo-ai online.
    const id = await place();
    expect(await (await school.get(`/w/demo-school/orders/${id}`)).text()).not.toContain('value="checkout"');
    const refused = await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "checkout" });
    expect(refused.status).toBe(409);

    // Coming back to continue onboarding: a new link to the same account, no second account.
    const again = await finance.post("/w/demo-ai/payments", {});
    expect(again.status).toBe(302);
    expect(stripeApi.requests.filter((r) => r.path === "/v1/accounts")).toHaveLength(1);
    expect(stripeApi.requests.filter((r) => r.path === "/v1/account_links")).toHaveLength(2);
    expect(await db().count("payment_accounts")).toBe(1);

    // Stripe sends the organization back with ?refresh=1: the app reads the account's state from Stripe.
    stripeApi.updateAccount(aiAccount, {
      charges_enabled: true,
      details_submitted: true,
      capabilities: { card_payments: "active", alipay_payments: "active", wechat_pay_payments: "active" },
    });
    const refreshed = await (await finance.data("/w/demo-ai/payments?refresh=1", "routes/w.$slug.payments")).json();
    expect(refreshed.account).toMatchObject({
      stripeAccountId: aiAccount,
      chargesEnabled: true,
      detailsSubmitted: true,
      paymentMethods: ["card", "alipay", "wechat_pay"],
    });
    expect(stripeApi.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/accounts/${aiAccount}` });
    expect(await db().count("audit_log", sql`action = 'payments.account_updated'`)).toBe(1);

    // demo-care connects an account that takes cards only.
    expect((await careAdmin.post("/w/demo-care/payments", {})).status).toBe(302);
    careAccount = (
      await db().rows<{ id: string }>(
        sql`select stripe_account_id as id from payment_accounts p join tenants t on t.id = p.tenant_id where t.slug = 'demo-care'`,
      )
    )[0].id;
    stripeApi.updateAccount(careAccount, {
      charges_enabled: true,
      details_submitted: true,
      capabilities: { card_payments: "active", alipay_payments: "inactive" },
    });
    expect((await careAdmin.get("/w/demo-care/payments?refresh=1")).status).toBe(200);
  });

  it("opens Checkout on the organization's own account in CNY with card, Alipay and WeChat Pay; the key is the order's, a second click reuses it", async () => {
    const id = await place({ headcount: "3" });
    expect(await (await school.get(`/w/demo-school/orders/${id}`)).text()).toContain('value="checkout"');
    const session = await checkout(id);
    const [request] = sessionRequests().slice(-1);
    expect(request.stripeAccount).toBe(aiAccount);
    expect(request.idempotencyKey).toBe(`checkout-${id}`);
    expect(request.params).toMatchObject({
      mode: "payment",
      currency: "cny",
      client_reference_id: id,
      metadata: { orderId: id },
      allowed_payment_method_types: ["card", "alipay", "wechat_pay"],
      payment_method_options: { wechat_pay: { client: "web" } },
      line_items: [{ quantity: "3", price_data: { currency: "cny", unit_amount: "35000" } }],
    });
    // Direct charge on the organization's account: no platform fee, no transfer to the platform.
    const flat = JSON.stringify(request.params);
    expect(flat).not.toMatch(/application_fee|transfer_data|on_behalf_of/);
    expect(String(request.params.success_url)).toMatch(new RegExp(`/w/demo-school/orders/${id}\\?checkout=done$`));
    expect(session.amount_total).toBe(105_000);
    expect(await db().count("audit_log", sql`action = 'payment.checkout_started' and entity_id = ${id}`)).toBe(1);
    // The session XCert created is recorded as the order's pending online payment (F16).
    expect(await paymentsOf(id)).toEqual([
      { status: "pending", amount_fen: 105_000, method: "stripe", currency: "CNY", stripe_checkout_session_id: session.id, stripe_payment_intent_id: null },
    ]);

    // A second click (or a double submit) gets the same session back from Stripe: one session per order.
    const sessionsBefore = stripeApi.sessions.size;
    const second = await checkout(id);
    expect(second.id).toBe(session.id);
    expect(sessionRequests().at(-1)!.idempotencyKey).toBe(`checkout-${id}`);
    expect(stripeApi.sessions.size).toBe(sessionsBefore);
    expect(await paymentsOf(id)).toHaveLength(1);

    // The same school user in English clicks again: still a way to pay, never an error page.
    school.cookies.set("lng", "en");
    try {
      const english = await school.post(`/w/demo-school/orders/${id}`, { intent: "checkout" });
      expect(english.status).toBe(302);
      expect(english.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    } finally {
      school.cookies.set("lng", "zh-CN");
    }

    // demo-care's account takes cards only: no Alipay, no WeChat Pay offered.
    const careOrder = await place({ certificateId: elderly, headcount: "1" });
    await checkout(careOrder);
    const careRequest = sessionRequests().at(-1)!;
    expect(careRequest.stripeAccount).toBe(careAccount);
    expect(careRequest.params.allowed_payment_method_types).toEqual(["card"]);
    expect(careRequest.params.payment_method_options).toBeUndefined();
    expect(stripeApi.requests.every((r) => r.status === 200)).toBe(true);
  });

  it("does not mark the order paid on the redirect back from Checkout", async () => {
    const id = await place();
    const session = await checkout(id);
    const back = new URL(String(session.success_url));
    const before = await written();
    const page = await school.get(back.pathname + back.search);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("我们正在等待支付平台的确认");
    expect((await orderRow(id)).status).toBe("pending");
    expect(await paymentsOf(id)).toMatchObject([{ status: "pending", stripe_checkout_session_id: session.id }]);
    expect(await written()).toEqual(before);
  });

  it("applies each event once however often and in whatever order it arrives: one payment, one paid transition, one receipt", async () => {
    const [cardOrder, asyncOrder, failedOrder] = [await place(), await place({ headcount: "4" }), await place({ headcount: "5" })];
    const [card, bank, failing] = [await checkout(cardOrder), await checkout(asyncOrder), await checkout(failedOrder)];
    const t0 = Math.floor(Date.now() / 1000) - 60;
    // An async method: completed unpaid first, succeeded (or failed) later.
    const events = [
      event("checkout.session.completed", completed(card), { created: t0 }),
      event("checkout.session.completed", completed(bank, { payment_status: "unpaid" }), { created: t0 }),
      event("checkout.session.async_payment_succeeded", completed(bank), { created: t0 + 30 }),
      event("checkout.session.completed", completed(failing, { payment_status: "unpaid" }), { created: t0 }),
      event("checkout.session.async_payment_failed", completed(failing, { payment_status: "unpaid" }), { created: t0 + 30 }),
      event("checkout.session.expired", completed(card, { status: "expired", payment_status: "unpaid" }), { created: t0 + 40 }),
    ];
    const before = await written();
    // The newer event first, then the older one: the order of arrival must not matter.
    const deliveries = [events[2], events[4], ...shuffledTriples(events, 7)];
    const outcomes = new Map<string, string[]>();
    for (const e of deliveries) {
      const answer = await deliver(e);
      expect(answer.status, `${e.type} ${e.id}`).toBe(200);
      outcomes.set(e.id, [...(outcomes.get(e.id) ?? []), answer.body.outcome!]);
    }
    for (const e of events) {
      const seen = outcomes.get(e.id)!;
      expect(
        seen.filter((o) => o !== "duplicate"),
        e.type,
      ).toHaveLength(1);
      expect(await db().count("stripe_events", sql`id = ${e.id}`)).toBe(1);
    }

    expect(await paymentsOf(cardOrder)).toEqual([
      {
        status: "succeeded",
        amount_fen: 70_000,
        method: "stripe",
        currency: "CNY",
        stripe_checkout_session_id: card.id,
        stripe_payment_intent_id: `pi_test_${card.id.slice(-12)}`,
      },
    ]);
    expect(await paymentsOf(asyncOrder)).toMatchObject([{ status: "succeeded", amount_fen: 140_000, stripe_checkout_session_id: bank.id }]);
    expect(await paymentsOf(failedOrder)).toMatchObject([{ status: "failed", amount_fen: 175_000, stripe_checkout_session_id: failing.id }]);
    expect((await orderRow(cardOrder)).status).toBe("paid");
    expect((await orderRow(asyncOrder)).status).toBe("paid");
    expect((await orderRow(failedOrder)).status).toBe("pending");
    for (const [id, paid] of [
      [cardOrder, 1],
      [asyncOrder, 1],
      [failedOrder, 0],
    ] as const) {
      expect(await db().count("audit_log", sql`action = 'order.paid' and entity_id = ${id}`), id).toBe(paid);
      expect(await receiptsOf(id), id).toBe(paid);
    }
    const after = await written();
    expect(after.stripe_events - before.stripe_events).toBe(events.length);
    // Each order's payment was recorded when its session was created; the events moved it forward.
    expect(after.payments - before.payments).toBe(0);
    expect(after.paidOrders - before.paidOrders).toBe(2);
    expect(after.email_outbox - before.email_outbox).toBe(2);
    const [receipt] = await db().rows<{ to: string; text: string }>(
      sql`select "to", text from email_outbox where template = 'payment-receipt' and meta->>'orderId' = ${cardOrder}`,
    );
    expect(receipt.to).toBe("school-admin@demo.xcert.test");
    expect(receipt.text).toContain("¥700.00");
    // Both sides see it paid.
    expect(await (await school.get(`/w/demo-school/orders/${cardOrder}`)).text()).not.toContain('value="checkout"');
    expect((await (await finance.data(`/w/demo-ai/orders/${cardOrder}`, orderRoute)).json()).paidFen).toBe(70_000);
  });

  it("stays at one effect when the deliveries of several events for one order arrive at the same time", async () => {
    const id = await place();
    const session = await checkout(id);
    const events = [
      event("checkout.session.completed", completed(session, { payment_status: "unpaid" })),
      event("checkout.session.async_payment_succeeded", completed(session)),
    ];
    const answers = await Promise.all(shuffledTriples(events, 11).map((e) => deliver(e)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(await paymentsOf(id)).toMatchObject([{ status: "succeeded", amount_fen: 70_000 }]);
    expect((await orderRow(id)).status).toBe("paid");
    expect(await receiptsOf(id)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'order.paid' and entity_id = ${id}`)).toBe(1);
  });

  it("keeps the newest state of the account when account.updated events arrive out of order", async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const account = stripeApi.accounts.get(aiAccount)!;
    // Stripe's account today: charges enabled, all three methods. An old event said otherwise.
    const older = event("account.updated", { ...account, charges_enabled: false, capabilities: { card_payments: "active" } }, { created: t0 - 3600 });
    const newer = event("account.updated", { ...account }, { created: t0 });
    for (const e of shuffledTriples([newer], 3)) expect((await deliver(e)).status).toBe(200);
    for (const e of shuffledTriples([older], 5)) expect((await deliver(e)).status).toBe(200);
    const [row] = await db().rows<{ charges_enabled: boolean; payment_methods: string[] }>(
      sql`select charges_enabled, payment_methods from payment_accounts where stripe_account_id = ${aiAccount}`,
    );
    expect(row).toEqual({ charges_enabled: true, payment_methods: ["card", "alipay", "wechat_pay"] });
    expect(await db().count("stripe_events", sql`id in (${older.id}, ${newer.id})`)).toBe(2);
  });

  it("answers 400 and writes nothing for a bad, missing, stale or tampered signature", async () => {
    const id = await place();
    const session = await checkout(id);
    const paid = event("checkout.session.completed", completed(session));
    const payload = JSON.stringify(paid);
    const before = await written();
    const attempts: { label: string; body: string; sign: Parameters<typeof deliver>[1] }[] = [
      { label: "another secret", body: payload, sign: { secret: "whsec_not_ours" } },
      { label: "no signature", body: payload, sign: { header: null } },
      { label: "empty signature", body: payload, sign: { header: "" } },
      { label: "garbage", body: payload, sign: { header: "t=1,v1=deadbeef" } },
      { label: "ten minutes old", body: payload, sign: { timestamp: Math.floor(Date.now() / 1000) - 600 } },
      {
        label: "signed, then the amount changed",
        body: payload.replace(`"amount_total":${session.amount_total}`, '"amount_total":1'),
        sign: { header: signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) },
      },
    ];
    for (const attempt of attempts) {
      const answer = await deliver(attempt.body, attempt.sign);
      expect(answer.status, attempt.label).toBe(400);
      expect(answer.body, attempt.label).toEqual({ error: "invalid signature" });
    }
    expect((await fetch(`${app.url}/webhooks/stripe`)).status).toBe(405);
    expect(await written()).toEqual(before);
    expect((await orderRow(id)).status).toBe("pending");
    // The same event, properly signed, is then applied.
    expect((await deliver(paid)).body.outcome).toBe("applied");
    expect((await orderRow(id)).status).toBe("paid");
  });

  it("acknowledges an event it has no use for (unknown order or account, a sale not made here, another organization's order) and writes only its id", async () => {
    const id = await place();
    const session = await checkout(id);
    const stranger = (changes: Record<string, unknown>, account?: string | null) =>
      event("checkout.session.completed", completed(session, changes), { account });
    const cases = [
      { label: "an order that does not exist", event: stranger({ metadata: { orderId: randomUUID() }, client_reference_id: null }) },
      { label: "an account that is not connected here", event: stranger({}, "acct_test_unknown") },
      { label: "a platform event with no account", event: stranger({}, null) },
      // The organization's own Stripe account also sells other things: those sessions are not ours.
      { label: "a sale made elsewhere on the account", event: stranger({ id: "cs_test_elsewhere", metadata: {}, client_reference_id: "cart-42" }) },
      {
        label: "a sale made elsewhere with junk metadata",
        event: stranger({ id: "cs_test_elsewhere2", metadata: { orderId: "1; drop table payments" }, client_reference_id: null }),
      },
      // demo-care's account cannot settle demo-ai's order.
      { label: "another organization's account", event: stranger({}, careAccount) },
    ];
    for (const c of cases) {
      const before = await written();
      const answer = await deliver(c.event);
      expect(answer.status, c.label).toBe(200);
      expect(answer.body, c.label).toEqual({ received: true, outcome: "ignored" });
      expect(await written(), c.label).toEqual({ ...before, stripe_events: before.stripe_events + 1 });
      // A replay of it is a duplicate and writes nothing more.
      expect((await deliver(c.event)).body.outcome, c.label).toBe("duplicate");
    }
    expect((await orderRow(id)).status).toBe("pending");
    expect(await paymentsOf(id)).toMatchObject([{ status: "pending", stripe_checkout_session_id: session.id }]);
  });

  it("counts a session only if XCert created it for the order, in CNY, for its total; others are ignored, audited and found by the committee (F16)", async () => {
    // The organization owns its Stripe account: it can make sessions of its own, in any currency, with
    // any amount, carrying the order's id. Each arrives signed, for its account, naming its order.
    const cases = [
      { label: "in JPY", reason: "currency", actualFen: null, changes: (s: Session) => ({ currency: "jpy", amount_total: s.amount_total }) },
      {
        label: "for less than the total",
        reason: "amount",
        actualFen: 69_900,
        changes: (s: Session) => ({ amount_total: s.amount_total - 100, amount_subtotal: s.amount_total - 100 }),
      },
      {
        label: "a session XCert never created",
        reason: "unknown_session",
        actualFen: 70_000,
        changes: () => ({ id: `cs_test_forged_${randomUUID().slice(0, 8)}` }),
      },
    ];
    for (const c of cases) {
      const id = await place();
      const session = await checkout(id);
      const forged = event("checkout.session.completed", completed(session, c.changes(session)));
      const before = await written();
      for (const e of shuffledTriples([forged], 3)) expect((await deliver(e)).status, c.label).toBe(200);
      expect((await deliver(forged)).body.outcome, c.label).toBe("duplicate");
      expect(await db().count("stripe_events", sql`id = ${forged.id}`), c.label).toBe(1);
      // Ignored: the order stays pending, its recorded payment too, no receipt.
      expect((await orderRow(id)).status, c.label).toBe("pending");
      expect(await paymentsOf(id), c.label).toEqual([
        { status: "pending", amount_fen: 70_000, method: "stripe", currency: "CNY", stripe_checkout_session_id: session.id, stripe_payment_intent_id: null },
      ]);
      expect(await receiptsOf(id), c.label).toBe(0);
      expect(await written(), c.label).toEqual({ ...before, stripe_events: before.stripe_events + 1, audit_log: before.audit_log + 1 });
      // Recorded in the organization's audit log…
      const [entry] = await db().rows<{ after: { sessionId: string; reason: string } }>(
        sql`select after from audit_log where action = 'payment.stripe_ignored' and entity_id = ${id}`,
      );
      expect(entry.after, c.label).toMatchObject({ sessionId: forged.data.object.id, reason: c.reason });
      // …and for the committee: a finding of its audit, with the order as evidence.
      const audit = await (await committee.data("/committee/fees?type=unverified_payment", "routes/committee.fees")).json();
      const finding = audit.findings.find((f: { entityId: string }) => f.entityId === id);
      expect(finding, c.label).toMatchObject({
        type: "unverified_payment",
        organizationSlug: "demo-ai",
        actualFen: c.actualFen,
        expectedFen: 70_000,
        evidence: `/committee/orders/${id}`,
      });
      const evidence = await committee.get(finding.evidence);
      expect(evidence.status).toBe(200);
      expect(await evidence.text()).toContain('data-consistent="false"');

      // The session XCert made, in CNY for the total, still pays the order.
      expect((await deliver(event("checkout.session.completed", completed(session)))).body.outcome, c.label).toBe("applied");
      expect((await orderRow(id)).status, c.label).toBe("paid");
      expect(await paymentsOf(id), c.label).toMatchObject([{ status: "succeeded", amount_fen: 70_000, stripe_checkout_session_id: session.id }]);
    }
    // A genuine payment leaves no such finding.
    const id = await place();
    await deliver(event("checkout.session.completed", completed(await checkout(id))));
    expect((await orderRow(id)).status).toBe("paid");
    const audit = await (await committee.data("/committee/fees", "routes/committee.fees")).json();
    expect(audit.findings.filter((f: { entityId: string }) => f.entityId === id)).toEqual([]);
  });

  it("records the session only for the school's admin, for a pending order, for its total in CNY (RLS)", async () => {
    const id = await place();
    const [order] = await db().rows<{ tenant_id: string; school_tenant_id: string; total_fen: number }>(
      sql`select tenant_id, school_tenant_id, total_fen::int from assessment_orders where id = ${id}`,
    );
    const insert = (role: string, changes: { amount?: number; currency?: string; status?: string } = {}) =>
      asApp({ tenantId: order.school_tenant_id, tenantKind: "school", role }, (tx) =>
        tx.execute(sql`insert into payments (tenant_id, order_id, method, status, amount_fen, currency, stripe_checkout_session_id)
          values (${order.tenant_id}, ${id}, 'stripe', ${changes.status ?? "pending"}, ${changes.amount ?? order.total_fen}, ${changes.currency ?? "CNY"}, ${`cs_test_rls_${randomUUID()}`})`),
      );
    for (const [label, attempt] of [
      ["a teacher", () => insert("teacher")],
      ["another amount", () => insert("admin", { amount: order.total_fen - 1 })],
      ["another currency", () => insert("admin", { currency: "JPY" })],
      ["already succeeded", () => insert("admin", { status: "succeeded" })],
    ] as const)
      expect(await databaseError(attempt()), label).toMatch(/row-level security/);
    await insert("admin");
    expect(await db().count("payments", sql`order_id = ${id}`)).toBe(1);
  });

  it("refunds an online payment on the organization's account", async () => {
    const id = await place({ headcount: "1" });
    const session = await checkout(id);
    await deliver(event("checkout.session.completed", completed(session)));
    const [payment] = await db().rows<{ id: string }>(sql`select id from payments where order_id = ${id}`);
    const refund = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, {
      intent: "refund",
      paymentId: payment.id,
      amount: "100.00",
      reason: "一名考生缺考",
    });
    expect(refund.status).toBe(200);
    const request = stripeApi.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/v1/refunds", stripeAccount: aiAccount, status: 200 });
    expect(request.params).toMatchObject({ payment_intent: `pi_test_${session.id.slice(-12)}`, amount: "10000" } satisfies Params);
    expect(await db().count("refunds", sql`order_id = ${id} and amount_fen = 10000 and stripe_refund_id like 're_test_%'`)).toBe(1);
    // The key names the refund by the payment, what was refunded before and the amount: a retry gets Stripe's first answer.
    expect(request.idempotencyKey).toBe(`refund-${payment.id}-0-10000`);
    // A double-submitted form for more than is left: the second waits for the first and is refused.
    const [{ total }] = await db().rows<{ total: number }>(sql`select total_fen::int as total from assessment_orders where id = ${id}`);
    const half = ((total - 10_000) / 2 + 100) / 100;
    const both = await Promise.all(
      [0, 1].map(() =>
        finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "refund", paymentId: payment.id, amount: half.toFixed(2), reason: "重复提交" }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await db().count("refunds", sql`order_id = ${id}`)).toBe(2);
    expect(stripeApi.requests.at(-1)!.idempotencyKey).toBe(`refund-${payment.id}-10000-${Math.round(half * 100)}`);
  });

  it("never calls Stripe inside a database transaction: the client refuses such a call (decision 010)", async () => {
    // The flows above (onboarding, refresh, Checkout, refunds, the webhook) would each have answered 500
    // had they called Stripe inside their transaction; here the guard itself, from the app's modules.
    const { stripe } = await import("../../app/modules/payments/stripe.server");
    const { withSystem } = await import("../../app/modules/tenancy/context.server");
    const before = stripeApi.requests.length;
    const inside = await withSystem(() => stripe()!.accounts.retrieve(aiAccount)).then(
      () => null,
      (error: Error & { detail?: Error }) => `${error.message} ${error.detail?.message ?? ""}`,
    );
    expect(inside).toMatch(/inside a database transaction/);
    expect(stripeApi.requests.length).toBe(before);
    await expect(stripe()!.accounts.retrieve(aiAccount)).resolves.toMatchObject({ id: aiAccount });
    expect(stripeApi.requests.length).toBe(before + 1);
  });
});
