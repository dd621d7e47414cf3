import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Tenant A = demo-ai, tenant B = demo-care. A member of A must see and change nothing of B's,
// through raw SQL inside the request transaction and through every loader and action.
describe("tenant isolation", () => {
  let app: TestApp;
  let a: { tenantId: string; userId: string };
  let b: { tenantId: string; userId: string };
  let asA: HttpClient;

  const tenantTables = ["memberships", "invitations", "audit_log"];

  beforeAll(async () => {
    app = await startApp();
    const ids = await owner(app.database).rows<{ slug: string; tenant_id: string; user_id: string }>(sql`
      select t.slug, t.id as tenant_id, u.id as user_id from tenants t
      join memberships m on m.tenant_id = t.id join users u on u.id = m.user_id
      where u.email in ('org-admin@demo.xcert.test', 'org2-admin@demo.xcert.test')`);
    const find = (slug: string) => {
      const row = ids.find((r) => r.slug === slug)!;
      return { tenantId: row.tenant_id, userId: row.user_id };
    };
    a = find("demo-ai");
    b = find("demo-care");
    // Give B an invitation, so every tenant table of B has rows to try to reach.
    const asB = app.client();
    await asB.login("org2-admin@demo.xcert.test");
    expect((await asB.post("/w/demo-care/members", { email: "b-secret@example.test", role: "viewer" })).status).toBe(200);
    asA = app.client();
    await asA.login("org-admin@demo.xcert.test");
  });
  afterAll(() => app.close());

  const scopeA = () => ({ tenantId: a.tenantId, userId: a.userId, role: "admin" });

  it("B has rows in every tenant table (the tests below would prove nothing otherwise)", async () => {
    for (const table of tenantTables) expect(await owner(app.database).count(table, sql`tenant_id = ${b.tenantId}`), table).toBeGreaterThan(0);
  });

  it("reads none of B's rows as A through raw SQL", async () => {
    await asApp(scopeA(), async (tx) => {
      for (const table of tenantTables) {
        const rows = await query(tx, sql`select * from ${sql.identifier(table)} where tenant_id = ${b.tenantId}`);
        expect(rows, table).toHaveLength(0);
        const all = await query<{ tenant_id: string }>(tx, sql`select tenant_id from ${sql.identifier(table)}`);
        expect(
          all.every((r) => r.tenant_id === a.tenantId),
          table,
        ).toBe(true);
      }
      const users = await query<{ id: string }>(tx, sql`select id from users where id = ${b.userId}`);
      expect(users).toHaveLength(0);
      expect(await query(tx, sql`select * from sessions where user_id = ${b.userId}`)).toHaveLength(0);
      expect(await query(tx, sql`select * from email_outbox`)).toHaveLength(0);
      expect(await query(tx, sql`select * from password_resets`)).toHaveLength(0);
      expect(await query(tx, sql`select * from login_attempts`)).toHaveLength(0);
    });
  });

  it("updates and deletes none of B's rows as A through raw SQL", async () => {
    const before = await owner(app.database).rows(sql`select * from memberships where tenant_id = ${b.tenantId} order by id`);
    await asApp(scopeA(), async (tx) => {
      const updated = await query(tx, sql`update memberships set role = 'viewer' where tenant_id = ${b.tenantId} returning id`);
      expect(updated).toHaveLength(0);
      const deleted = await query(tx, sql`delete from invitations where tenant_id = ${b.tenantId} returning id`);
      expect(deleted).toHaveLength(0);
      const deletedMembers = await query(tx, sql`delete from memberships where tenant_id = ${b.tenantId} returning id`);
      expect(deletedMembers).toHaveLength(0);
    });
    expect(await owner(app.database).rows(sql`select * from memberships where tenant_id = ${b.tenantId} order by id`)).toEqual(before);
    expect(await owner(app.database).count("invitations", sql`tenant_id = ${b.tenantId}`)).toBeGreaterThan(0);
  });

  it("refuses A's writes into B's rows through raw SQL", async () => {
    expect(
      await databaseError(
        asApp(scopeA(), (tx) => tx.execute(sql`insert into memberships (tenant_id, user_id, role) values (${b.tenantId}, ${a.userId}, 'admin')`)),
      ),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(
        asApp(scopeA(), (tx) => tx.execute(sql`insert into audit_log (tenant_id, action, entity_type) values (${b.tenantId}, 'forged', 'x')`)),
      ),
    ).toMatch(/row-level security/);
    // Moving one of A's rows into B is refused as well.
    expect(
      await databaseError(asApp(scopeA(), (tx) => tx.execute(sql`update memberships set tenant_id = ${b.tenantId} where tenant_id = ${a.tenantId}`))),
    ).toMatch(/row-level security/);
    expect(await owner(app.database).count("memberships", sql`tenant_id = ${b.tenantId} and user_id = ${a.userId}`)).toBe(0);
  });

  it("returns zero rows when no tenant is set", async () => {
    for (const role of ["public", "none", "user", ""]) {
      await asApp({ role }, async (tx) => {
        for (const table of [...tenantTables, "users", "sessions", "email_outbox", "password_resets", "login_attempts", "account_audit_log"]) {
          const [row] = await query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)}`);
          expect(row.n, `${table} as '${role}'`).toBe(0);
        }
      });
    }
  });

  it("does not let a user of A reach B's workspace through any loader", async () => {
    const before = await owner(app.database).count("audit_log");
    for (const path of [
      "/w/demo-care",
      "/w/demo-care/members",
      "/w/demo-care/audit",
      "/w/demo-care/certificates",
      "/w/demo-care/certificates/new",
      "/w/demo-care/export/members?format=csv",
      "/w/demo-care/export/audit?format=xlsx",
      "/w/demo-care/export/certificates?format=csv",
      "/w/demo-care/fees",
      "/w/demo-care/fees/new",
      "/w/demo-care/orders",
      "/w/demo-care/payments",
      "/w/demo-care/export/fees?format=csv",
      "/w/demo-care/export/orders?format=xlsx",
    ]) {
      const response = await asA.get(path);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      expect(body, path).not.toContain("org2-admin@demo.xcert.test");
      expect(body, path).not.toContain("b-secret@example.test");
    }
    for (const [path, routeId] of [
      ["/w/demo-care", "routes/w.$slug"],
      ["/w/demo-care", "routes/w.$slug._index"],
      ["/w/demo-care/members", "routes/w.$slug.members"],
      ["/w/demo-care/audit", "routes/w.$slug.audit"],
    ]) {
      const response = await asA.data(path, routeId);
      expect(response.status, routeId).toBe(404);
    }
    expect(await owner(app.database).count("audit_log")).toBe(before);
  });

  it("does not let a user of A act in B's workspace through any action", async () => {
    const count = () => owner(app.database).count("invitations", sql`tenant_id = ${b.tenantId}`);
    const before = await count();
    const outbox = await owner(app.database).count("email_outbox");
    const response = await asA.post("/w/demo-care/members", { email: "intruder@example.test", role: "admin" });
    expect(response.status).toBe(404);
    const certificates = await owner(app.database).count("certificates");
    const create = await asA.post("/w/demo-care/certificates/new", {
      code: "INTRUDER",
      nameZh: "入侵",
      nameEn: "Intruder",
      industryCode: "ai",
      levels: "junior",
    });
    expect(create.status).toBe(404);
    expect(await owner(app.database).count("certificates")).toBe(certificates);
    // Fees and payments: a disclosure, a payment-account link or a confirmation in B's name.
    const [elderly] = await owner(app.database).rows<{ id: string }>(sql`select id from certificates where tenant_id = ${b.tenantId}`);
    const fees = await owner(app.database).count("fee_disclosures");
    const disclose = await asA.post("/w/demo-care/fees/new", {
      intent: "save",
      certificateId: elderly.id,
      level: "intermediate",
      kind: "training",
      amount: "1.00",
      unit: "per_person",
      effectiveFrom: "2030-01-01",
      contact: "x",
    });
    expect(disclose.status).toBe(404);
    expect((await asA.post("/w/demo-care/payments", {})).status).toBe(404);
    const [order] = await owner(app.database).rows<{ id: string }>(sql`select id from assessment_orders limit 1`);
    expect((await asA.post(`/w/demo-care/orders/${order.id}`, { intent: "cancel" })).status).toBe(404);
    expect(await owner(app.database).count("fee_disclosures")).toBe(fees);
    expect(await count()).toBe(before);
    expect(await owner(app.database).count("email_outbox")).toBe(outbox);
  });

  it("lists only the user's own workspaces", async () => {
    const page = await (await asA.get("/workspaces")).text();
    expect(page).toContain("上海智训人工智能科技有限公司");
    expect(page).not.toContain("上海颐康老年照护服务有限公司");
    const root = await (await asA.data("/", "root")).json();
    expect(root.tenants.map((t: { slug: string }) => t.slug)).toEqual(["demo-ai"]);
  });

  it("does not accept B's invitation under A's address", async () => {
    const [mail] = await owner(app.database).rows<{ text: string }>(sql`
      select text from email_outbox where "to" = 'b-secret@example.test'`);
    const token = /\/join\/demo-care\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const page = await app.client().data(`/join/demo-ai/${token}`, "routes/join.$slug.$token");
    expect((await page.json()).invitation).toBeNull();
    const accept = await app.client().post(`/join/demo-ai/${token}`, { intent: "create", name: "Mallory", password: "long-enough-password" });
    expect(accept.status).toBe(410);
    expect(await owner(app.database).count("users", sql`email = 'b-secret@example.test'`)).toBe(0);
  });
});
