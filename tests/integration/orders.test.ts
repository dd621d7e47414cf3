import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Assessment orders and the offline payment path (DOMAIN §二.14): the price is the disclosed fee in
// force on the order date and cannot be edited; a school records its bank transfer, the
// organization's finance role confirms it; cancellations and refunds. No Stripe key here: online
// payment is hidden and refused.

const orderRoute = "routes/w.$slug.orders.$orderId";

describe("assessment orders", () => {
  let app: TestApp;
  let school: HttpClient; // admin of demo-school
  let teacher: HttpClient;
  let finance: HttpClient; // finance of demo-ai
  let careAdmin: HttpClient;
  let ai: string;
  let schoolId: string;
  let trainer: string;
  let elderly: string;
  let feeInForce: { id: string; amount_fen: number };
  const today = shanghaiDate();
  const db = () => owner(app.database);
  const written = async () =>
    Object.fromEntries(
      await Promise.all(["assessment_orders", "payments", "refunds", "audit_log", "email_outbox"].map(async (t) => [t, await db().count(t)] as const)),
    );
  const order = (values: FormInput = {}): FormInput => ({
    certificateId: trainer,
    level: "intermediate",
    examSite: "上海城市职业技术学院 徐汇校区",
    examDate: addDays(today, 21),
    headcount: "60",
    ...values,
  });
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const place = async (values: FormInput = {}) => {
    const response = await school.post("/w/demo-school/orders/new", order(values));
    expect(response.status).toBe(302);
    return response.headers.get("location")!.split("/").at(-1)!;
  };
  const orderRow = async (id: string) =>
    (
      await db().rows<{
        status: string;
        unit_price_fen: number;
        total_fen: number;
        refunded_fen: number;
        headcount: number;
        disclosure_id: string;
        order_date: string;
        tenant_id: string;
        school_tenant_id: string;
      }>(
        sql`select status, unit_price_fen::int, total_fen::int, refunded_fen::int, headcount, disclosure_id, to_char(order_date, 'YYYY-MM-DD') as order_date, tenant_id, school_tenant_id
          from assessment_orders where id = ${id}`,
      )
    )[0];

  beforeAll(async () => {
    delete process.env.STRIPE_SECRET_KEY;
    app = await startApp();
    school = app.client();
    await school.login("school-admin@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    const ids = await db().rows<{ code: string; id: string; tenant_id: string }>(sql`select code, id, tenant_id from certificates`);
    trainer = ids.find((c) => c.code === "AI-TRAINER")!.id;
    elderly = ids.find((c) => c.code === "ELDERLY-CARE")!.id;
    ai = ids.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    schoolId = (await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`))[0].id;
    [feeInForce] = await db().rows<{ id: string; amount_fen: number }>(
      sql`select id, amount_fen::int from fee_in_force(${ai}::uuid, ${trainer}::uuid, 'intermediate', 'assessment', ${today}::date)`,
    );
  });
  afterAll(() => app.close());

  it("offers only certificate levels with an assessment fee in force today", async () => {
    const data = await (await school.data("/w/demo-school/orders/new", "routes/w.$slug.orders.new")).json();
    expect(data.certificates.map((c: { code: string }) => c.code).sort()).toEqual(["AI-TRAINER", "ELDERLY-CARE"]);
    const before = await written();
    // AI-TRAINER junior has no assessment fee disclosed.
    const refused = await school.action("/w/demo-school/orders/new", "routes/w.$slug.orders.new", order({ level: "junior" }));
    expect(refused.status).toBe(400);
    expect((await errorsOf(refused)).level).toEqual(["该证书等级今天没有有效的考核费公示，不能预订。"]);
    const past = await school.action("/w/demo-school/orders/new", "routes/w.$slug.orders.new", order({ examDate: addDays(today, -1) }));
    expect((await errorsOf(past)).examDate).toEqual(["考核日期不能早于今天。"]);
    for (const headcount of ["0", "-5", "5001", "1.5", "abc", ""]) {
      const response = await school.action("/w/demo-school/orders/new", "routes/w.$slug.orders.new", order({ headcount }));
      expect(response.status, headcount).toBe(400);
      expect((await errorsOf(response)).headcount, headcount).toBeDefined();
    }
    expect(await written()).toEqual(before);
  });

  it("prices an order at the fee in force on its date, whatever is posted, and confirms it by email", async () => {
    const id = await place({ unitPrice: "1", unitPriceFen: "1", totalFen: "1", disclosureId: "00000000-0000-0000-0000-000000000000" });
    const row = await orderRow(id);
    expect(row).toMatchObject({
      status: "pending",
      unit_price_fen: feeInForce.amount_fen,
      total_fen: feeInForce.amount_fen * 60,
      headcount: 60,
      disclosure_id: feeInForce.id,
      order_date: today,
      tenant_id: ai,
      school_tenant_id: schoolId,
    });
    expect(feeInForce.amount_fen).toBe(35_000);
    expect(await db().count("audit_log", sql`action = 'order.create' and entity_id = ${id}`)).toBe(1);
    const [mail] = await db().rows<{ to: string; text: string }>(
      sql`select "to", text from email_outbox where template = 'order-confirmation' and meta->>'orderId' = ${id}`,
    );
    expect(mail.to).toBe("school-admin@demo.xcert.test");
    expect(mail.text).toContain("¥21,000.00");
    // Both sides see it; the page says the price cannot be edited and shows no price field.
    const page = await (await school.get(`/w/demo-school/orders/${id}`)).text();
    expect(page).toContain("¥350.00");
    expect((await finance.get(`/w/demo-ai/orders/${id}`)).status).toBe(200);
    expect((await school.get("/w/demo-school/orders/new")).ok).toBe(true);
    expect(await (await school.get("/w/demo-school/orders/new")).text()).not.toMatch(/name="unitPrice/);
  });

  it("lets the database refuse a wrong price and any later edit of price, quantity or fee", async () => {
    const id = await place();
    const asSchool = { tenantId: schoolId, tenantKind: "school", role: "admin" };
    const priceRule = /unit price must be the disclosed assessment fee in force/;
    expect(
      await databaseError(
        asApp(asSchool, (tx) =>
          tx.execute(sql`insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email)
            values (${ai}, 'XC-FORGED', ${schoolId}, ${trainer}, 'intermediate', ${feeInForce.id}, 'x', ${addDays(today, 5)}, ${today}, 10, 100, 1000, 'x@example.test')`),
        ),
      ),
    ).toMatch(priceRule);
    // Backdated to a day before the fee took effect: no fee in force, refused as well.
    expect(
      await databaseError(
        asApp(asSchool, (tx) =>
          tx.execute(sql`insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email)
            values (${ai}, 'XC-BACKDATED', ${schoolId}, ${trainer}, 'intermediate', ${feeInForce.id}, 'x', ${addDays(today, 5)}, ${addDays(today, -400)}, 10, 35000, 350000, 'x@example.test')`),
        ),
      ),
    ).toMatch(priceRule);
    const edits = [sql`headcount = 1, total_fen = unit_price_fen`, sql`unit_price_fen = 1, total_fen = headcount`, sql`order_date = order_date - 1`];
    for (const edit of edits) {
      expect(
        await databaseError(
          asApp({ tenantId: ai, tenantKind: "organization", role: "finance" }, (tx) => tx.execute(sql`update assessment_orders set ${edit} where id = ${id}`)),
        ),
      ).toMatch(/cannot be edited/);
      expect(await databaseError(app.database.db.execute(sql`update assessment_orders set ${edit} where id = ${id}`))).toMatch(/cannot be edited/);
    }
    expect((await orderRow(id)).headcount).toBe(60);
  });

  it("pays offline: the school records a transfer, only the organization's finance confirms it, once, with one receipt", async () => {
    const id = await place({ headcount: "2" });
    const transfer = await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "transfer", amount: "700.00", reference: "ICBC 2026-1124-0001" });
    expect(transfer.status).toBe(200);
    const [payment] = await db().rows<{ id: string; status: string; amount_fen: number; method: string }>(
      sql`select id, status, amount_fen::int, method from payments where order_id = ${id}`,
    );
    expect(payment).toMatchObject({ status: "pending", amount_fen: 70_000, method: "bank_transfer" });
    expect((await orderRow(id)).status).toBe("pending");

    // The school cannot confirm its own transfer, nor can another organization.
    const before = await written();
    expect((await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "confirm", paymentId: payment.id })).status).toBe(403);
    expect((await careAdmin.action(`/w/demo-care/orders/${id}`, orderRoute, { intent: "confirm", paymentId: payment.id })).status).toBe(404);
    expect(await written()).toEqual(before);

    const confirm = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "confirm", paymentId: payment.id });
    expect(confirm.status).toBe(200);
    expect((await orderRow(id)).status).toBe("paid");
    expect(await db().count("payments", sql`id = ${payment.id} and status = 'succeeded' and confirmed_by_user_id is not null`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'payment.transfer_confirmed' and entity_id = ${payment.id}`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'order.paid' and entity_id = ${id}`)).toBe(1);
    const receipts = await db().rows<{ to: string; text: string }>(
      sql`select "to", text from email_outbox where template = 'payment-receipt' and meta->>'orderId' = ${id}`,
    );
    expect(receipts).toHaveLength(1);
    expect(receipts[0].text).toContain("¥700.00");

    const twice = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "confirm", paymentId: payment.id });
    expect(twice.status).toBe(409);
    expect((await errorsOf(twice))[""]).toEqual(["该转账无法确认（可能已确认或不存在）。"]);
    // A paid order takes no more transfers and cannot be cancelled.
    expect((await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "transfer", amount: "700.00", reference: "again" })).status).toBe(409);
    expect((await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "cancel" })).status).toBe(409);
    expect(await db().count("email_outbox", sql`template = 'payment-receipt' and meta->>'orderId' = ${id}`)).toBe(1);
  });

  it("keeps an order pending until what is confirmed covers its total", async () => {
    const id = await place({ headcount: "2" });
    for (const [amount, reference] of [
      ["300.00", "part 1"],
      ["400.00", "part 2"],
    ]) {
      await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "transfer", amount, reference });
    }
    const transfers = await db().rows<{ id: string }>(sql`select id from payments where order_id = ${id} order by amount_fen`);
    await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "confirm", paymentId: transfers[0].id });
    expect((await orderRow(id)).status).toBe("pending");
    await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "confirm", paymentId: transfers[1].id });
    expect((await orderRow(id)).status).toBe("paid");
  });

  it("refunds within what was paid, recorded and audited; a larger refund is refused and writes nothing", async () => {
    const id = await place({ headcount: "1" });
    await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "transfer", amount: "350.00", reference: "refund test" });
    const [payment] = await db().rows<{ id: string }>(sql`select id from payments where order_id = ${id}`);
    await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "confirm", paymentId: payment.id });

    const refund = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, {
      intent: "refund",
      paymentId: payment.id,
      amount: "100.00",
      reason: "一名考生缺考",
    });
    expect(refund.status).toBe(200);
    expect((await orderRow(id)).refunded_fen).toBe(10_000);
    expect(await db().count("refunds", sql`order_id = ${id} and amount_fen = 10000 and stripe_refund_id is null`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'order.refund' and entity_id = ${id}`)).toBe(1);

    const before = await written();
    for (const amount of ["250.01", "0.00", "-1", "abc"]) {
      const response = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "refund", paymentId: payment.id, amount, reason: "太多" });
      expect(response.status, amount).toBe(400);
      expect((await errorsOf(response)).amount, amount).toBeDefined();
    }
    const tooMuch = await errorsOf(
      await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "refund", paymentId: payment.id, amount: "250.01", reason: "太多" }),
    );
    expect(tooMuch.amount).toEqual(["退款金额须大于 0，且不超过该笔支付可退的金额。"]);
    // The school cannot refund itself.
    expect(
      (await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "refund", paymentId: payment.id, amount: "1.00", reason: "x" })).status,
    ).toBe(403);
    expect(await written()).toEqual(before);
    const rest = await finance.action(`/w/demo-ai/orders/${id}`, orderRoute, { intent: "refund", paymentId: payment.id, amount: "250.00", reason: "考核取消" });
    expect(rest.status).toBe(200);
    expect((await orderRow(id)).refunded_fen).toBe(35_000);
  });

  it("cancels a pending order at the school's request; a teacher may neither order nor cancel", async () => {
    const id = await place();
    const before = await written();
    expect((await teacher.get("/w/demo-school/orders/new")).status).toBe(403);
    expect((await teacher.post("/w/demo-school/orders/new", order())).status).toBe(403);
    expect((await teacher.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "cancel" })).status).toBe(403);
    expect(await written()).toEqual(before);
    expect((await teacher.get(`/w/demo-school/orders/${id}`)).status).toBe(200);
    const cancel = await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "cancel" });
    expect(cancel.status).toBe(200);
    expect((await orderRow(id)).status).toBe("cancelled");
    expect(await db().count("audit_log", sql`action = 'order.cancel' and entity_id = ${id}`)).toBe(1);
    expect((await school.action(`/w/demo-school/orders/${id}`, orderRoute, { intent: "cancel" })).status).toBe(409);
  });

  it("hides online payment without a Stripe key and refuses a checkout, leaving the offline path", async () => {
    const id = await place();
    const page = await (await school.get(`/w/demo-school/orders/${id}`)).text();
    expect(page).toContain("登记转账");
    expect(page).not.toContain('value="checkout"');
    const before = await written();
    expect((await school.post(`/w/demo-school/orders/${id}`, { intent: "checkout" })).status).toBe(404);
    expect((await finance.get("/w/demo-ai/payments")).status).toBe(200);
    expect(await (await finance.get("/w/demo-ai/payments")).text()).toContain("未配置在线支付");
    expect(await written()).toEqual(before);
  });

  it("shows each side only its own orders, in the app and in SQL, and exports them", async () => {
    const id = await place();
    // demo-care sells nothing to this school: its list is empty of demo-ai's orders, the order 404s.
    const careList = await (await careAdmin.data("/w/demo-care/orders", "routes/w.$slug.orders._index")).json();
    expect(careList.orders.map((o: { order: { id: string } }) => o.order.id)).not.toContain(id);
    expect((await careAdmin.get(`/w/demo-care/orders/${id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-ai/orders/${id}`)).status).toBe(404);
    const care = (await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`))[0].id;
    await asApp({ tenantId: care, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select id from assessment_orders where id = ${id}`)).toEqual([]);
      expect(await query(tx, sql`select id from payments where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`update assessment_orders set status = 'cancelled' where id = ${id} returning id`)).toEqual([]);
    });
    // Another school sees nothing of demo-school's orders.
    await asApp({ tenantId: "00000000-0000-4000-8000-000000000001", tenantKind: "school", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select id from assessment_orders`)).toEqual([]);
      expect(await query(tx, sql`select id from payments`)).toEqual([]);
    });
    // The committee reads it as evidence.
    const committee = app.client();
    await committee.login("committee@demo.xcert.test");
    expect((await committee.get(`/committee/orders/${id}`)).status).toBe(200);

    const ordersOf = async (client: HttpClient, slug: string) =>
      (await (await client.get(`/w/${slug}/export/orders?format=csv`)).text()).slice(1).trim().split("\r\n");
    const schoolCsv = await ordersOf(school, "demo-school");
    expect(schoolCsv[0]).toContain("总额（元）");
    expect(schoolCsv.length - 1).toBe(await db().count("assessment_orders", sql`school_tenant_id = ${schoolId}`));
    const financeCsv = await ordersOf(finance, "demo-ai");
    expect(financeCsv.length - 1).toBe(await db().count("assessment_orders", sql`tenant_id = ${ai}`));
    expect(financeCsv.some((line) => line.includes("21000.00"))).toBe(true);
    // The organization sees which school ordered, by name, with the contact beside it.
    expect(financeCsv[0]).toContain("院校,联系邮箱");
    expect(financeCsv.slice(1).every((line) => line.includes("上海城市职业技术学院"))).toBe(true);
    const financeList = await (await finance.get("/w/demo-ai/orders")).text();
    expect(financeList).toContain("上海城市职业技术学院");
    // An order of demo-care's certificate is demo-care's alone.
    const careOrder = await place({ certificateId: elderly });
    expect((await orderRow(careOrder)).unit_price_fen).toBe(48_000);
    const careCsv = await ordersOf(careAdmin, "demo-care");
    expect(careCsv).toHaveLength(2);
    expect(careCsv[0]).toContain("Total (yuan)");
    expect(careCsv[1]).toContain("28800.00");
  });
});
