import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkQueryConnection, rowsOf } from "../../db/client.server";
import { startApp, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 14 F2, F3, F9, F11, F13, F19 (decision 019): the walls the security review found missing,
// probed as the app role the way a request runs, on the demo data.
describe("the last wall holds where roles are defined", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let ai: string;
  let care: string;
  let school: string;
  let users: Record<"admin" | "editor" | "viewer" | "owner" | "teacher" | "schoolAdmin", string>;

  const org = (role: string, userId = users[role as keyof typeof users]) => ({ tenantId: ai, tenantKind: "organization", userId, role });
  const membershipOf = async (userId: string) =>
    (await db.rows<{ role: string }>(sql`select role from memberships where tenant_id = ${ai} and user_id = ${userId}`))[0]?.role;

  const membershipIdOf = (userId: string) => sql`(select id from memberships where tenant_id = ${ai} and user_id = ${userId})`;

  /** As the owning role in the system scope: fixtures the app role may not write (an order, an owner). */
  const fixture = (statement: SQL) =>
    app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      return rowsOf<{ id: string }>(await tx.execute(statement));
    });

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenantIds = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    const tenant = (slug: string) => tenantIds.find((t) => t.slug === slug)!.id;
    [ai, care, school] = [tenant("demo-ai"), tenant("demo-care"), tenant("demo-school")];
    const userIds = await db.rows<{ email: string; id: string }>(sql`select email, id from users`);
    const user = (email: string) => userIds.find((u) => u.email === email)!.id;
    // demo-ai gets an owner and a viewer of its own (the demo seeds neither).
    const [ownerUser, viewer] = await fixture(sql`
      insert into users (email, name, password_hash) values ('walls-owner@example.test', 'Owner', 'x'), ('walls-viewer@example.test', 'Viewer', 'x')
      returning id`);
    await fixture(
      sql`insert into memberships (tenant_id, user_id, role) values (${ai}, ${ownerUser.id}, 'owner'), (${ai}, ${viewer.id}, 'viewer') returning id`,
    );
    users = {
      admin: user("org-admin@demo.xcert.test"),
      editor: user("org-editor@demo.xcert.test"),
      viewer: viewer.id,
      owner: ownerUser.id,
      teacher: user("school-teacher@demo.xcert.test"),
      schoolAdmin: user("school-admin@demo.xcert.test"),
    };
  });
  afterAll(() => app.close());

  describe("F2: memberships and invitations are written by owners and admins only", () => {
    it("a viewer cannot make themselves owner, remove the owner or invite an admin", async () => {
      expect(await asApp(org("viewer"), (tx) => query(tx, sql`update memberships set role = 'owner' where user_id = ${users.viewer} returning role`))).toEqual(
        [],
      );
      expect(await membershipOf(users.viewer)).toBe("viewer");
      expect(await asApp(org("viewer"), (tx) => query(tx, sql`delete from memberships where role = 'owner' returning id`))).toEqual([]);
      expect(await membershipOf(users.owner)).toBe("owner");
      expect(
        await databaseError(
          asApp(org("viewer"), (tx) =>
            tx.execute(sql`insert into invitations (tenant_id, email, role, token_hash, expires_at, invited_by_membership_id)
              values (${ai}, 'x@example.test', 'admin', 'viewer-made', now() + interval '1 day', ${membershipIdOf(users.viewer)})`),
          ),
        ),
      ).toMatch(/row-level security/);
      expect(await db.count("invitations", sql`token_hash = 'viewer-made'`)).toBe(0);
    });

    it("an editor cannot add a member either", async () => {
      expect(
        await databaseError(
          asApp(org("editor"), (tx) => tx.execute(sql`insert into memberships (tenant_id, user_id, role) values (${ai}, ${users.teacher}, 'admin')`)),
        ),
      ).toMatch(/row-level security/);
    });

    it("an admin manages members below owner, but cannot make, change or remove an owner", async () => {
      // Allowed: the members page's own writes (role changes below owner).
      expect(await asApp(org("admin"), (tx) => query(tx, sql`update memberships set role = 'viewer' where user_id = ${users.editor} returning role`))).toEqual([
        { role: "viewer" },
      ]);
      expect(await asApp(org("admin"), (tx) => query(tx, sql`update memberships set role = 'editor' where user_id = ${users.editor} returning role`))).toEqual([
        { role: "editor" },
      ]);
      const onlyOwner = /only an owner can make or unmake an owner/;
      expect(await databaseError(asApp(org("admin"), (tx) => tx.execute(sql`update memberships set role = 'owner' where user_id = ${users.admin}`)))).toMatch(
        onlyOwner,
      );
      expect(await databaseError(asApp(org("admin"), (tx) => tx.execute(sql`update memberships set role = 'viewer' where user_id = ${users.owner}`)))).toMatch(
        onlyOwner,
      );
      expect(await databaseError(asApp(org("admin"), (tx) => tx.execute(sql`delete from memberships where user_id = ${users.owner}`)))).toMatch(onlyOwner);
      expect(
        await databaseError(
          asApp(org("admin"), (tx) =>
            tx.execute(sql`insert into invitations (tenant_id, email, role, token_hash, expires_at, invited_by_membership_id)
              values (${ai}, 'y@example.test', 'owner', 'admin-made-owner', now() + interval '1 day', ${membershipIdOf(users.admin)})`),
          ),
        ),
      ).toMatch(onlyOwner);
      expect(await membershipOf(users.owner)).toBe("owner");
      expect(await membershipOf(users.admin)).toBe("admin");
    });

    it("an owner makes and unmakes an owner", async () => {
      expect(await asApp(org("owner"), (tx) => query(tx, sql`update memberships set role = 'owner' where user_id = ${users.admin} returning role`))).toEqual([
        { role: "owner" },
      ]);
      expect(await asApp(org("owner"), (tx) => query(tx, sql`update memberships set role = 'admin' where user_id = ${users.admin} returning role`))).toEqual([
        { role: "admin" },
      ]);
    });

    it("another tenant's admin writes nothing of A's", async () => {
      const careAdmin = { tenantId: care, tenantKind: "organization", userId: users.admin, role: "admin" };
      expect(await asApp(careAdmin, (tx) => query(tx, sql`update memberships set role = 'viewer' where tenant_id = ${ai} returning id`))).toEqual([]);
    });
  });

  describe("F3: tenants are read by everyone and written only by sign-up", () => {
    it("no scope renames a tenant or turns it into the committee", async () => {
      for (const scope of [{ role: "public" }, org("owner"), { role: "system" }])
        expect(
          await databaseError(
            asApp(scope, (tx) => tx.execute(sql`update tenants set kind = 'committee', slug = 'pwned' where slug = 'demo-care' returning id`)),
          ),
          scope.role,
        ).toMatch(/permission denied/);
      expect(await db.rows(sql`select kind, slug from tenants where id = ${care}`)).toEqual([{ kind: "organization", slug: "demo-care" }]);
    });

    it("only the system scope inserts a tenant, and never a committee", async () => {
      const insert = (kind: string, slug: string) =>
        sql`insert into tenants (kind, slug, name, credit_code) values (${kind}::tenant_kind, ${slug}, 'Walls', ${kind === "committee" ? null : `WALLS-${slug}`})`;
      expect(await databaseError(asApp({ role: "public" }, (tx) => tx.execute(insert("organization", "walls-public"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp(org("owner"), (tx) => tx.execute(insert("organization", "walls-owner"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp({ role: "system" }, (tx) => tx.execute(insert("committee", "walls-committee"))))).toMatch(/row-level security/);
      expect(await databaseError(asApp({ role: "system" }, (tx) => tx.execute(sql`select create_committee_tenant('walls-committee', 'Walls', null)`)))).toMatch(
        /exists already/,
      );
      expect(await databaseError(asApp({ role: "public" }, (tx) => tx.execute(sql`select create_committee_tenant('walls-committee', 'Walls', null)`)))).toMatch(
        /system scope only/,
      );
      expect(await db.count("tenants", sql`kind = 'committee'`)).toBe(1);
      // Sign-up's own insert still passes.
      expect(await asApp({ role: "system" }, (tx) => query(tx, sql`${insert("school", "walls-school")} returning slug`))).toEqual([{ slug: "walls-school" }]);
    });

    it("everyone reads tenant names", async () => {
      const names = await asApp({ role: "public" }, (tx) => query<{ slug: string }>(tx, sql`select slug from tenants`));
      expect(names.map((t) => t.slug)).toEqual(expect.arrayContaining(["demo-ai", "demo-care", "demo-school", "committee"]));
    });
  });

  describe("F9: a school only cancels its own pending order", () => {
    let pending: string;
    const asSchoolAdmin = () => ({ tenantId: school, tenantKind: "school", userId: users.schoolAdmin, role: "admin" });

    beforeAll(async () => {
      [{ id: pending }] = await fixture(sql`
        insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email)
        select tenant_id, number || '-WALLS', school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email
        from assessment_orders where tenant_id = ${ai} and school_tenant_id = ${school} limit 1
        returning id`);
    });

    it("cannot mark it paid, refund it, or change anything else", async () => {
      const refused = /a school may only cancel its own pending order/;
      for (const change of [
        sql`status = 'paid', paid_at = now()`,
        sql`refunded_fen = 1000`,
        sql`exam_site = 'elsewhere'`,
        sql`status = 'cancelled', cancelled_at = now(), exam_site = 'elsewhere'`,
        sql`status = 'cancelled'`,
      ])
        expect(await databaseError(asApp(asSchoolAdmin(), (tx) => tx.execute(sql`update assessment_orders set ${change} where id = ${pending}`)))).toMatch(
          refused,
        );
      expect(await db.rows(sql`select status, refunded_fen::int as refunded from assessment_orders where id = ${pending}`)).toEqual([
        { status: "pending", refunded: 0 },
      ]);
    });

    it("cancels it, and cannot take it back", async () => {
      expect(
        await asApp(asSchoolAdmin(), (tx) =>
          query(tx, sql`update assessment_orders set status = 'cancelled', cancelled_at = now() where id = ${pending} returning status`),
        ),
      ).toEqual([{ status: "cancelled" }]);
      expect(
        await databaseError(
          asApp(asSchoolAdmin(), (tx) =>
            tx.execute(sql`update assessment_orders set status = 'pending', cancelled_at = null, refunded_fen = 50000 where id = ${pending}`),
          ),
        ),
      ).toMatch(/a school may only cancel its own pending order/);
      expect(await db.rows(sql`select status from assessment_orders where id = ${pending}`)).toEqual([{ status: "cancelled" }]);
    });
  });

  describe("F11: a school learns only whether an organization it ordered from takes online payment", () => {
    it("reads no payment account; the account id only for its admin's pending order", async () => {
      await fixture(sql`
        insert into payment_accounts (tenant_id, stripe_account_id, charges_enabled, details_submitted)
        values (${ai}, 'acct_WALLS_AI', true, true), (${care}, 'acct_WALLS_CARE', true, true) returning id`);
      const [paid] = await db.rows<{ id: string }>(
        sql`select id from assessment_orders where tenant_id = ${ai} and school_tenant_id = ${school} and status = 'paid' limit 1`,
      );
      const [pending] = await fixture(sql`
        insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email)
        select tenant_id, number || '-WALLS-PAY', school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email
        from assessment_orders where id = ${paid.id}
        returning id`);
      const teacher = { tenantId: school, tenantKind: "school", userId: users.teacher, role: "teacher" };
      const admin = { tenantId: school, tenantKind: "school", userId: users.schoolAdmin, role: "admin" };
      expect(await asApp(teacher, (tx) => query(tx, sql`select stripe_account_id from payment_accounts`))).toEqual([]);
      expect(await asApp(admin, (tx) => query(tx, sql`select stripe_account_id from payment_accounts`))).toEqual([]);
      const account = (scope: typeof admin, order: string) =>
        asApp(scope, (tx) => query(tx, sql`select charges_enabled, stripe_account_id from order_payment_account(${ai}, ${order})`));
      expect(await account(teacher, pending.id)).toEqual([{ charges_enabled: true, stripe_account_id: null }]);
      expect(await account(admin, paid.id)).toEqual([{ charges_enabled: true, stripe_account_id: null }]);
      expect(await account(admin, pending.id)).toEqual([{ charges_enabled: true, stripe_account_id: "acct_WALLS_AI" }]);
      // Another school, or an organization's scope, learns nothing of this order.
      expect(await account({ ...admin, tenantId: care, tenantKind: "organization" }, pending.id)).toEqual([]);
    });
  });

  describe("F13: a published question is a record", () => {
    it("an editor deletes a draft but not a published question", async () => {
      const [published] = await db.rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and version > 0 limit 1`);
      const [draft] = await db.rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and version = 0 and status = 'draft' limit 1`);
      const versions = await db.count("question_versions", sql`question_id = ${published.id}`);
      expect(versions).toBeGreaterThan(0);
      expect(await databaseError(asApp(org("editor"), (tx) => tx.execute(sql`delete from questions where id = ${published.id}`)))).toMatch(
        /a published question cannot be deleted/,
      );
      expect(await db.count("question_versions", sql`question_id = ${published.id}`)).toBe(versions);
      expect(await asApp(org("editor"), (tx) => query(tx, sql`delete from questions where id = ${draft.id} returning id`))).toEqual([{ id: draft.id }]);
    });
  });

  describe("F19: nothing a request sends runs as the login role", () => {
    it("the first statement of a request transaction already runs as app_user in its scope", async () => {
      const [seen] = await asApp({ role: "public" }, (tx) =>
        query<{ user: string; n: number }>(tx, sql`select current_user as "user", (select count(*)::int from memberships) as n`),
      );
      expect(seen).toEqual({ user: "app_user", n: 0 });
    });

    it("on PostgreSQL the query pool is app_user before any scope, inside a transaction or outside one", async () => {
      const { kind, app: pool } = app.database;
      if (kind !== "postgres") {
        // PGlite is one in-process session: the request transaction awaits its scope before `fn`.
        expect(pool).toBe(app.database.db);
        return;
      }
      expect(await db.count("memberships")).toBeGreaterThan(0);
      const outside = rowsOf<{ user: string; n: number }>(await pool.execute(sql`select current_user as "user", (select count(*)::int from memberships) as n`));
      expect(outside).toEqual([{ user: "app_user", n: 0 }]);
      // A transaction whose scope never arrived (what a statement overtaking it would see).
      const unscoped = await pool.transaction(async (tx) => rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from users`)));
      expect(unscoped).toEqual([{ n: 0 }]);
      expect(await checkQueryConnection(app.database)).toEqual([]);
      // A query pool connected as the login role is refused at start.
      expect(await checkQueryConnection({ ...app.database, app: app.database.db })).toEqual([expect.stringContaining("not app_user")]);
    });
  });
});
