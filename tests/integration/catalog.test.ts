import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { citusScript } from "../../db/citus";
import { checkQueryRole, roleCheck, ungatedWritePolicies, writePolicies } from "../../db/client.server";
import { createTestDatabase, owner, type TestDatabase } from "../support/db";

// The schema rules that keep isolation in the database and the Citus path open, read from the catalog.
describe("catalog rules", () => {
  let database: TestDatabase;
  let rows: ReturnType<typeof owner>["rows"];
  let tenantTables: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    rows = owner(database).rows;
    tenantTables = (
      await rows<{ relname: string }>(sql`
        select c.relname from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`)
    ).map((r) => r.relname);
  });
  afterAll(() => database.drop());

  it("finds the tenant-owned tables", () => {
    expect(tenantTables).toEqual(expect.arrayContaining(["memberships", "invitations", "audit_log"]));
  });

  it("has tenant_id NOT NULL and leading the primary key of every tenant-owned table", async () => {
    for (const table of tenantTables) {
      const [column] = await rows<{ attnotnull: boolean }>(sql`
        select attnotnull from pg_attribute where attrelid = ${table}::regclass and attname = 'tenant_id'`);
      expect(column.attnotnull, `${table}.tenant_id not null`).toBe(true);
      const [pk] = await rows<{ first: string }>(sql`
        select a.attname as first from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
        where i.indrelid = ${table}::regclass and i.indisprimary`);
      expect(pk?.first, `${table} primary key`).toBe("tenant_id");
    }
  });

  it("leads every index of a tenant-owned table with tenant_id", async () => {
    for (const table of tenantTables) {
      const indexes = await rows<{ index: string; first: string | null }>(sql`
        select c.relname as index, a.attname as first from pg_index i
        join pg_class c on c.oid = i.indexrelid
        left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
        where i.indrelid = ${table}::regclass`);
      for (const index of indexes) expect(index.first, `${table}: ${index.index}`).toBe("tenant_id");
    }
  });

  it("includes tenant_id in every foreign key between tenant-owned tables", async () => {
    const fks = await rows<{ name: string; source: string; target: string; columns: string[]; ref_columns: string[] }>(sql`
      select con.conname as name, src.relname as source, dst.relname as target,
        array(select attname from pg_attribute where attrelid = con.conrelid and attnum = any(con.conkey) order by attnum)::text[] as columns,
        array(select attname from pg_attribute where attrelid = con.confrelid and attnum = any(con.confkey) order by attnum)::text[] as ref_columns
      from pg_constraint con
      join pg_class src on src.oid = con.conrelid
      join pg_class dst on dst.oid = con.confrelid
      where con.contype = 'f' and src.relnamespace = 'public'::regnamespace`);
    const between = fks.filter((fk) => tenantTables.includes(fk.source) && tenantTables.includes(fk.target));
    expect(between.length).toBeGreaterThan(0);
    for (const fk of between) {
      expect(fk.columns, fk.name).toContain("tenant_id");
      expect(fk.ref_columns, fk.name).toContain("tenant_id");
    }
  });

  it("enables and forces row-level security on every tenant-owned table, with policies for the app role", async () => {
    for (const table of tenantTables) {
      const [rls] = await rows<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(sql`
        select relrowsecurity, relforcerowsecurity from pg_class where oid = ${table}::regclass`);
      expect(rls, table).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
      const policies = await rows<{ roles: string[]; qual: string | null; with_check: string | null; cmd: string }>(sql`
        select roles::text[] as roles, qual, with_check, cmd from pg_policies where schemaname = 'public' and tablename = ${table}`);
      expect(policies.length, `${table} policies`).toBeGreaterThan(0);
      for (const policy of policies) {
        expect(policy.roles).toEqual(["app_user"]);
        // drizzle-kit has been seen to drop USING / WITH CHECK: every policy must still have its expression.
        if (policy.cmd === "INSERT") expect(policy.with_check, table).toBeTruthy();
        else expect(policy.qual, table).toBeTruthy();
      }
    }
  });

  it("keeps RLS on the shared tables that hold credentials and mail", async () => {
    for (const table of ["users", "sessions", "password_resets", "login_attempts", "email_outbox", "account_audit_log"]) {
      const [rls] = await rows<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(sql`
        select relrowsecurity, relforcerowsecurity from pg_class where oid = ${table}::regclass`);
      expect(rls, table).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    }
  });

  // Decision 019: not only tenant-owned tables. tenants had write grants and no RLS at all (issue 14 F3).
  it("enables and forces row-level security on every table the app role can write", async () => {
    const writable = await rows<{ relname: string; forced: boolean }>(sql`
      select c.relname, c.relrowsecurity and c.relforcerowsecurity as forced from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and (has_any_column_privilege('app_user', c.oid, 'INSERT') or has_any_column_privilege('app_user', c.oid, 'UPDATE')
          or has_table_privilege('app_user', c.oid, 'DELETE') or has_table_privilege('app_user', c.oid, 'TRUNCATE'))
      order by 1`);
    expect(writable.map((t) => t.relname)).toEqual(expect.arrayContaining(["tenants", "memberships", "invitations", "users"]));
    expect(writable.filter((t) => !t.forced).map((t) => t.relname)).toEqual([]);
  });

  // Role-gated RLS (decision 019): a policy that lets a row be written checks the role too, so a
  // viewer's transaction cannot do at the database what the app forbids it (issue 14 F2). The
  // exceptions are listed, with their reasons, in db/client.server.ts; this names them.
  it("checks the role in every policy that admits a write, but the named exceptions", async () => {
    const ungated = (await writePolicies(database.db))
      .filter((p) => [p.qual, p.with_check].some((expression) => expression !== null && !roleCheck.test(expression)))
      .map((p) => `${p.tablename}.${p.policyname}`);
    // Today: audit_log_write alone (every role audits its own mutations).
    expect(ungated).toEqual(Object.keys(ungatedWritePolicies).sort());
  });

  it("runs queries as a role that owns nothing and cannot bypass RLS", async () => {
    const [role] = await rows<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(sql`
      select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'app_user'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
    const owned = await rows(sql`select 1 from pg_class where relowner = 'app_user'::regrole`);
    expect(owned).toHaveLength(0);
    expect(await checkQueryRole(database.db)).toEqual([]);
  });

  it("refuses to start when the query role could bypass RLS", async () => {
    // Roles are cluster-wide: probe with a role of this test's own, never by altering app_user.
    const probe = `probe_${Date.now()}_${process.pid}`;
    await database.db.execute(sql.raw(`create role ${probe} nologin bypassrls`));
    try {
      expect(await checkQueryRole(database.db, probe)).toContain(`${probe} has BYPASSRLS`);
    } finally {
      await database.db.execute(sql.raw(`drop role ${probe}`));
    }
    await database.db.execute(sql`alter table memberships no force row level security`);
    try {
      expect((await checkQueryRole(database.db)).join()).toContain("memberships");
    } finally {
      await database.db.execute(sql`alter table memberships force row level security`);
    }
    // A table the app role can write without RLS, though it has no tenant_id.
    await database.db.execute(sql`create table probe_writable (id int)`);
    await database.db.execute(sql`grant insert on probe_writable to app_user`);
    try {
      expect((await checkQueryRole(database.db)).join()).toContain("RLS not enabled and forced on: probe_writable");
    } finally {
      await database.db.execute(sql`drop table probe_writable`);
    }
    // A write policy that checks the tenant but not the role.
    await database.db.execute(sql`create policy probe_ungated on cases for update to app_user using (tenant_id = app_tenant_id())`);
    try {
      expect((await checkQueryRole(database.db)).join()).toContain("write policies that do not check the role: cases.probe_ungated");
    } finally {
      await database.db.execute(sql`drop policy probe_ungated on cases`);
    }
  });

  it("keeps db/citus.sql in step with the schema: every tenant table distributed by tenant_id, colocated; the rest reference tables", async () => {
    const script = await citusScript(database.db);
    expect(await readFile(path.resolve(import.meta.dirname, "../../db/citus.sql"), "utf8"), "db/citus.sql is stale: run npm run db:citus").toBe(script);
    const distributed = [...script.matchAll(/create_distributed_table\('(\w+)', 'tenant_id'/g)].map((m) => m[1]).sort();
    expect(distributed).toEqual(tenantTables);
    const anchor = distributed.length ? script.match(/create_distributed_table\('(\w+)', 'tenant_id'\);/)![1] : "";
    expect([...script.matchAll(/colocate_with => '(\w+)'/g)].every((m) => m[1] === anchor)).toBe(true);
    const all = (
      await rows<{ relname: string }>(sql`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') order by 1`)
    ).map((r) => r.relname);
    const reference = [...script.matchAll(/create_reference_table\('(\w+)'\)/g)].map((m) => m[1]).sort();
    expect(reference).toEqual(all.filter((t) => !tenantTables.includes(t)));
  });

  it("gives the app role no way to change or remove audit entries", async () => {
    for (const table of ["audit_log", "account_audit_log"]) {
      const [privileges] = await rows<{ upd: boolean; del: boolean; trunc: boolean; ins: boolean }>(sql`
        select has_table_privilege('app_user', ${table}, 'UPDATE') as upd,
               has_table_privilege('app_user', ${table}, 'DELETE') as del,
               has_table_privilege('app_user', ${table}, 'TRUNCATE') as trunc,
               has_table_privilege('app_user', ${table}, 'INSERT') as ins`);
      expect(privileges, table).toEqual({ upd: false, del: false, trunc: false, ins: true });
    }
  });
});
