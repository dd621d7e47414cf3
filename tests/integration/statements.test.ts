import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../../db/schema";
import { asApp, createTestDatabase, query, type TestDatabase } from "../support/db";

// How a transaction's statements reach the database (decision 015): the scope statement travels with
// the first query instead of before it, and statements with parameters are named prepared statements
// on PostgreSQL, still planned for their parameters.
describe("a request's statements on the wire", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("the first query of a transaction already runs in its scope", async () => {
    const tenantId = randomUUID();
    const [seen] = await asApp({ tenantId, tenantKind: "organization", role: "admin" }, (tx) =>
      query(
        tx,
        sql`select current_user as "user", current_setting('app.tenant_id') as "tenantId", current_setting('app.role') as role,
          current_setting('plan_cache_mode') as "planCacheMode", current_setting('jit') as jit`,
      ),
    );
    expect(seen).toEqual({ user: "app_user", tenantId, role: "admin", planCacheMode: "force_custom_plan", jit: "off" });
  });

  it("the scope does not outlive its transaction", async () => {
    await asApp({ tenantId: randomUUID(), role: "admin" }, (tx) => query(tx, sql`select 1`));
    const [after] = await asApp({ role: "public" }, (tx) => query(tx, sql`select current_setting('app.tenant_id') as "tenantId"`));
    expect(after).toEqual({ tenantId: "" });
  });

  it("statements with parameters are prepared once per connection; many parameters or none stay unnamed", async () => {
    const prepared = await asApp({ role: "public" }, async (tx) => {
      await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.slug, "no-such-tenant"));
      await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.slug, "another"));
      const many = Array.from({ length: 101 }, (_, i) => i);
      await query(
        tx,
        sql`select 1 as one where 0 not in (${sql.join(
          many.map((n) => sql`${n + 1}`),
          sql`, `,
        )})`,
      );
      // The transaction keeps its connection, so the statements above were sent on this session.
      return query<{ statement: string }>(tx, sql`select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'`);
    });
    const statements = prepared.map((p) => p.statement);
    if (database.kind === "postgres") {
      // One named statement for both selects (same text), none for the 101-parameter one.
      expect(statements.filter((s) => s.includes('from "tenants"'))).toHaveLength(1);
      expect(statements.some((s) => s.includes("0 not in"))).toBe(false);
    } else {
      // PGlite runs in-process: every statement goes unnamed, there is no socket to save.
      expect(statements).toEqual([]);
    }
  });
});
