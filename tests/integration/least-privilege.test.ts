import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Least privilege inside the database (issue 14 item 3, decision 021): the scope the auth flows run
// in, who reads password hashes and the audit log, and who may write mail and account audit entries.

interface Statement {
  query: string;
  params: unknown[];
}

/** The RLS scopes a list of statements entered (the scope statement's app.tenant_id and app.role). */
function scopesOf(statements: Statement[]) {
  const param = (statement: Statement, setting: string) => {
    const placeholder = new RegExp(`set_config\\('${setting.replace(".", "\\.")}', \\$(\\d+)`).exec(statement.query);
    return placeholder ? String(statement.params[Number(placeholder[1]) - 1] ?? "") : null;
  };
  return statements.flatMap((statement) => {
    const role = param(statement, "app.role");
    return role === null ? [] : [{ role, tenantId: param(statement, "app.tenant_id") ?? "" }];
  });
}

describe("least privilege inside the database", () => {
  let app: TestApp;
  let recording: Statement[] | null = null;
  const ids: Record<string, string> = {};
  const db = () => owner(app.database);

  /** The scopes of every transaction the server opened while `fn` ran. */
  const scopesDuring = async (fn: () => Promise<unknown>) => {
    recording = [];
    try {
      await fn();
      return scopesOf(recording);
    } finally {
      recording = null;
    }
  };
  const randomToken = () => randomBytes(32).toString("base64url");

  beforeAll(async () => {
    app = await startApp({
      logger: {
        logQuery(query, params) {
          recording?.push({ query, params });
        },
      },
    });
    const rows = await db().rows<{ email: string; user_id: string; tenant_id: string; slug: string }>(sql`
      select u.email, u.id as user_id, t.id as tenant_id, t.slug from users u
      join memberships m on m.user_id = u.id join tenants t on t.id = m.tenant_id`);
    for (const row of rows) {
      ids[row.email] = row.user_id;
      ids[row.slug] = row.tenant_id;
    }
  });
  afterAll(() => app.close());

  describe("the auth flows (F8)", () => {
    it("an invitation link whose token matches nothing never enters the system scope, nor any tenant", async () => {
      const path = `/join/demo-ai/${randomToken()}`;
      const scopes = await scopesDuring(async () => {
        const page = await app.client().get(path);
        expect(page.status).toBe(410);
        expect(await page.text()).toContain("邀请链接无效、已使用或已过期。");
        const data = (await (await app.client().data(path, "routes/join.$slug.$token")).json()) as { invitation: unknown };
        expect(data.invitation).toBeNull();
      });
      expect(scopes.length).toBeGreaterThan(0);
      expect(scopes.filter((s) => s.role === "system" || s.tenantId !== "")).toEqual([]);
      expect(scopes.every((s) => s.role === "auth")).toBe(true);
    });

    it("login, forgot-password and the reset link run in the auth scope, never the system scope", async () => {
      const scopes = await scopesDuring(async () => {
        expect((await app.client().post("/login", { email: "org-editor@demo.xcert.test", password: "not-the-password-1" })).status).toBe(401);
        expect((await app.client().post("/login", { email: "org-editor@demo.xcert.test", password: "demo-password-2026" })).status).toBe(302);
        expect((await app.client().post("/login", { email: "nobody@demo.xcert.test", password: "not-the-password-1" })).status).toBe(401);
        expect((await app.client().post("/forgot-password", { email: "org-editor@demo.xcert.test" })).status).toBe(200);
        expect((await app.client().get(`/reset-password/${randomToken()}`)).status).toBe(200);
      });
      expect(scopes.length).toBeGreaterThanOrEqual(5);
      expect(scopes.filter((s) => s.role !== "auth")).toEqual([]);
    });

    it("the auth scope reads nothing of any tenant and writes nothing there", async () => {
      // Rows exist to be hidden: the demo has questions, materials, memberships and an audit trail.
      for (const table of ["questions", "question_versions", "memberships", "audit_log", "materials"])
        expect(await db().count(table), table).toBeGreaterThan(0);
      await asApp({ role: "auth" }, async (tx) => {
        const [counts] = await query<Record<string, number>>(
          tx,
          sql`select (select count(*) from questions)::int as questions, (select count(*) from question_versions)::int as versions,
            (select count(*) from memberships)::int as memberships, (select count(*) from audit_log)::int as audit, (select count(*) from materials)::int as materials`,
        );
        expect(counts).toEqual({ questions: 0, versions: 0, memberships: 0, audit: 0, materials: 0 });
      });
      expect(
        await databaseError(
          asApp({ role: "auth" }, (tx) =>
            tx.execute(sql`insert into memberships (tenant_id, user_id, role) values (${ids["demo-ai"]}, ${ids["org-editor@demo.xcert.test"]}, 'editor')`),
          ),
        ),
      ).toMatch(/row-level security/);
    });
  });

  describe("password hashes and the audit log (F10)", () => {
    it("co-members read each other's name and email, never the password hash", async () => {
      const viewer = { tenantId: ids["demo-ai"], tenantKind: "organization", userId: ids["org-editor@demo.xcert.test"], role: "editor" };
      const names = await asApp(viewer, (tx) => query<{ email: string }>(tx, sql`select email, name from users`));
      expect(names.map((u) => u.email)).toContain("org-admin@demo.xcert.test");
      for (const statement of [
        sql`select password_hash from users`,
        sql`select * from users`,
        sql`select id from users where password_hash like '$argon2id$%'`,
      ])
        expect(await databaseError(asApp(viewer, (tx) => tx.execute(statement)))).toMatch(/permission denied/);
    });

    it("reads a password hash only through login_password_hash(), in the auth or system scope", async () => {
      const admin = ids["org-admin@demo.xcert.test"];
      for (const role of ["auth", "system"]) {
        const [row] = await asApp({ role }, (tx) => query<{ hash: string }>(tx, sql`select login_password_hash(${admin}) as hash`));
        expect(row.hash, role).toMatch(/^\$argon2id\$/);
      }
      for (const scope of [{ role: "public" }, { role: "user", userId: admin }, { tenantId: ids["demo-ai"], userId: admin, role: "admin" }])
        expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`select login_password_hash(${admin})`))), scope.role).toMatch(/auth flows only/);
    });

    it("shows the audit log to owners and admins only", async () => {
      const read = (tenant: string, role: string) =>
        asApp(
          { tenantId: ids[tenant], userId: ids["org-admin@demo.xcert.test"], role },
          async (tx) => (await query<{ n: number }>(tx, sql`select count(*)::int as n from audit_log`))[0].n,
        );
      for (const role of ["owner", "admin"]) expect(await read("demo-ai", role), role).toBeGreaterThan(0);
      for (const role of ["editor", "finance", "viewer"]) expect(await read("demo-ai", role), role).toBe(0);
      expect(await read("demo-school", "teacher")).toBe(0);
      expect(await read("committee", "member")).toBe(0);
      expect(await read("committee", "admin")).toBeGreaterThan(0);
    });
  });

  describe("mail and account audit entries (F12)", () => {
    const mail = (template: string) =>
      sql`insert into email_outbox (template, locale, "to", subject, html, text) values (${template}, 'zh-CN', 'victim@example.test', 'subject', '<p>forged</p>', 'forged')`;
    const accountEntry = (userId: string) => sql`insert into account_audit_log (user_id, action, detail) values (${userId}, 'login.succeeded', '{}')`;

    it("refuses the anonymous scope's inserts into the outbox and the account audit log", async () => {
      const before = { outbox: await db().count("email_outbox"), account: await db().count("account_audit_log") };
      for (const template of ["password-reset", "invitation", "order-confirmation"])
        expect(await databaseError(asApp({ role: "public" }, (tx) => tx.execute(mail(template)))), template).toMatch(/row-level security/);
      expect(await databaseError(asApp({ role: "public" }, (tx) => tx.execute(accountEntry(ids["committee@demo.xcert.test"]))))).toMatch(/row-level security/);
      expect(await db().count("email_outbox")).toBe(before.outbox);
      expect(await db().count("account_audit_log")).toBe(before.account);
    });

    it("takes from a member only the mail their own action sends, and account entries about the signed-in user", async () => {
      const admin = ids["org-admin@demo.xcert.test"];
      const editor = ids["org-editor@demo.xcert.test"];
      const inAi = (userId: string, role: string) => ({ tenantId: ids["demo-ai"], tenantKind: "organization", userId, role });
      // An editor invites no one; the auth scope mails only resets; a signed-in user writes only about themselves.
      expect(await databaseError(asApp(inAi(editor, "editor"), (tx) => tx.execute(mail("invitation"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp(inAi(admin, "admin"), (tx) => tx.execute(mail("password-reset"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp({ role: "auth" }, (tx) => tx.execute(mail("invitation"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp({ role: "user", userId: editor }, (tx) => tx.execute(accountEntry(admin))))).toMatch(/row-level security/);
      // What the app does itself still goes in.
      const before = { outbox: await db().count("email_outbox"), account: await db().count("account_audit_log") };
      await asApp(inAi(admin, "admin"), (tx) => tx.execute(mail("invitation")));
      await asApp({ role: "auth" }, (tx) => tx.execute(mail("password-reset")));
      await asApp({ role: "user", userId: editor }, (tx) => tx.execute(accountEntry(editor)));
      expect(await db().count("email_outbox")).toBe(before.outbox + 2);
      expect(await db().count("account_audit_log")).toBe(before.account + 1);
    });
  });
});
