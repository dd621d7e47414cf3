import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asApp, createTestDatabase, databaseError, owner, query, type TestDatabase } from "../support/db";

// The banks' stored counts (decision 060): after every kind of write — inserts, edits, moves between
// levels, pools, certificates and organizations, deletions of the newest item — bank_counts equals
// the counts computed afresh from questions, cases and materials. Written only by the database's own
// triggers: the app role reads its scope's rows and writes none.

const fresh = sql`
  select tenant_id, certificate_id, pool::text as bank, level::text as level, count(*)::int as items, max(updated_at) as last_updated
  from questions group by 1, 2, 3, 4
  union all
  select tenant_id, certificate_id, 'cases', level::text, count(*)::int, max(updated_at) from cases group by 1, 2, 4
  union all
  select tenant_id, certificate_id, 'materials', '', count(*)::int, max(updated_at) from materials group by 1, 2`;

describe("bank counts kept by the database", () => {
  let database: TestDatabase;
  let ai: string;
  let care: string;
  let school: string;
  let trainer: string; // a certificate of demo-ai
  let other: string; // another certificate of demo-ai
  let careCertificate: string;
  const db = () => owner(database);

  /** Rows in one and not the other, both ways: [] when the stored counts are true. */
  const drift = () =>
    db().rows(sql`
      with f as (${fresh}), s as (select tenant_id, certificate_id, bank, level, items, last_updated from bank_counts)
      (select 'missing' as side, * from (select * from f except select * from s) x)
      union all
      (select 'extra', * from (select * from s except select * from f) y)`);
  /** Statements in one owner transaction (the temporary copies live as long as it does). */
  const asOwner = (...statements: SQL[]) =>
    database.db.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(statement);
    });
  const copyQuestions = (where: SQL, set: SQL) =>
    asOwner(
      sql`create temp table copy on commit drop as select * from questions where ${where}`,
      sql`update copy set id = gen_random_uuid(), version = 0, status = 'draft', created_at = now(), updated_at = now(), ${set}`,
      sql`insert into questions select * from copy`,
    );

  beforeAll(async () => {
    database = await createTestDatabase({ seeded: true });
    const tenants = await db().rows<{ slug: string; id: string }>(sql`select slug, id from tenants where slug in ('demo-ai', 'demo-care', 'demo-school')`);
    const id = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    [ai, care, school] = [id("demo-ai"), id("demo-care"), id("demo-school")];
    const certificates = await db().rows<{ id: string; tenant_id: string; code: string }>(
      sql`select id, tenant_id, code from certificates where tenant_id in (${ai}, ${care}) order by code`,
    );
    trainer = certificates.find((c) => c.code === "AI-TRAINER")!.id;
    other = certificates.find((c) => c.tenant_id === ai && c.id !== trainer)!.id;
    careCertificate = certificates.find((c) => c.tenant_id === care)!.id;
  });
  afterAll(() => database.drop());

  it("starts equal to a fresh count of the demo's banks", async () => {
    expect(await db().count("bank_counts")).toBeGreaterThan(0);
    expect(await drift()).toEqual([]);
  });

  it("follows inserts of questions, into keys old and new", async () => {
    await copyQuestions(sql`tenant_id = ${ai} and certificate_id = ${trainer}`, sql`stem = stem || ' (copy)'`);
    await copyQuestions(sql`tenant_id = ${ai} and certificate_id = ${trainer} and pool = 'practice'`, sql`certificate_id = ${other}, level = 'senior'`);
    expect(await drift()).toEqual([]);
  });

  it("follows edits and moves between levels, pools, certificates and organizations", async () => {
    await asOwner(sql`update questions set stem = stem || '!' where tenant_id = ${ai} and stem like '% (copy)'`);
    expect(await drift()).toEqual([]);
    await asOwner(sql`update questions set level = 'junior' where tenant_id = ${ai} and stem like '% (copy)!' and level = 'intermediate'`);
    await asOwner(
      sql`update questions set pool = case when pool = 'exam' then 'practice'::question_pool else 'exam' end, visibility = 'private' where tenant_id = ${ai} and certificate_id = ${other}`,
    );
    expect(await drift()).toEqual([]);
    // Every question of one key moves away: the key's row goes, as a fresh count has no such group.
    await asOwner(
      sql`update questions set certificate_id = ${other} where tenant_id = ${ai} and certificate_id = ${trainer} and level = 'junior' and stem like '% (copy)!'`,
    );
    // The product never moves a question to another organization (tenant_id is the distribution column,
    // which Citus does not update), and its near-duplicate signatures (decision 057) are keyed to it:
    // they go first. The counts must follow such a move all the same.
    await asOwner(
      sql`delete from question_stem_bands b using questions q where q.tenant_id = ${ai} and q.certificate_id = ${other} and q.status = 'draft' and q.level = 'senior' and b.tenant_id = q.tenant_id and b.question_id = q.id`,
    );
    await asOwner(
      sql`update questions set tenant_id = ${care}, certificate_id = ${careCertificate}, requirement_ids = '{}', import_job_id = null where tenant_id = ${ai} and certificate_id = ${other} and status = 'draft' and level = 'senior'`,
    );
    expect(await db().count("questions", sql`tenant_id = ${care} and stem like '% (copy)!'`)).toBeGreaterThan(0);
    expect(await db().count("questions", sql`certificate_id = ${other} and level = 'junior' and stem like '% (copy)!'`)).toBeGreaterThan(0);
    expect(await drift()).toEqual([]);
  });

  it("follows deletions, the newest item of a bank included (its last change is read again)", async () => {
    // An older draft made the newest of its key, then deleted: the key's last change goes back.
    await asOwner(sql`update questions set updated_at = now() + interval '1 day' where id = (
      select id from questions where tenant_id = ${ai} and status = 'draft' and version = 0 order by id limit 1)`);
    expect(await drift()).toEqual([]);
    await asOwner(sql`delete from questions where id = (
      select id from questions where tenant_id = ${ai} and status = 'draft' and version = 0 order by updated_at desc limit 1)`);
    expect(await drift()).toEqual([]);
    await asOwner(sql`delete from questions where status = 'draft' and version = 0 and stem like '% (copy)!'`);
    expect(await drift()).toEqual([]);
  });

  it("follows cases and materials: inserts, moves between levels and certificates, deletions", async () => {
    await asOwner(
      sql`create temp table copy on commit drop as select * from cases where tenant_id = ${ai}`,
      sql`update copy set id = gen_random_uuid(), title = title || ' (copy)', level = 'senior', updated_at = now()`,
      sql`insert into cases select * from copy`,
    );
    await asOwner(
      sql`create temp table copy on commit drop as select * from materials where tenant_id = ${ai}`,
      sql`update copy set id = gen_random_uuid(), title = title || ' (copy)', certificate_id = ${other}, updated_at = now()`,
      sql`insert into materials select * from copy`,
    );
    expect(await drift()).toEqual([]);
    await asOwner(sql`update cases set level = 'junior' where tenant_id = ${ai} and title like '% (copy)'`);
    await asOwner(sql`update materials set certificate_id = ${trainer} where tenant_id = ${ai} and title like '% (copy)'`);
    expect(await drift()).toEqual([]);
    await asOwner(sql`delete from cases where tenant_id = ${ai} and title like '% (copy)'`);
    await asOwner(sql`delete from materials where id = (select id from materials where tenant_id = ${ai} order by updated_at desc limit 1)`);
    expect(await drift()).toEqual([]);
  });

  it("moves with the app role's own writes, which cannot touch the counts themselves", async () => {
    const [editor] = await db().rows<{ user_id: string }>(sql`select user_id from memberships where tenant_id = ${ai} and role = 'admin' limit 1`);
    const scope = { tenantId: ai, tenantKind: "organization", userId: editor.user_id, role: "admin" };
    const [before] = await db().rows<{ n: number }>(
      sql`select coalesce(sum(items), 0)::int as n from bank_counts where tenant_id = ${ai} and certificate_id = ${trainer} and bank = 'cases'`,
    );
    await asApp(scope, (tx) => query(tx, sql`update cases set level = 'senior' where tenant_id = ${ai} and certificate_id = ${trainer} and level <> 'senior'`));
    expect(await drift()).toEqual([]);
    const [after] = await db().rows<{ n: number }>(
      sql`select coalesce(sum(items), 0)::int as n from bank_counts where tenant_id = ${ai} and certificate_id = ${trainer} and bank = 'cases'`,
    );
    expect(after.n).toBe(before.n);
    for (const statement of [
      sql`update bank_counts set items = 0`,
      sql`delete from bank_counts`,
      sql`insert into bank_counts values (${ai}, ${trainer}, 'practice', 'junior', 1, now())`,
      sql`select apply_bank_counts(array[(${ai}, ${trainer}, 'practice', 'junior', 1, now())::bank_count_item])`,
    ]) {
      expect(await databaseError(asApp(scope, (tx) => query(tx, statement)))).toMatch(/permission denied/);
    }
  });

  it("shows the committee every organization's counts, an organization its own, a school none", async () => {
    const seen = (scope: { tenantId: string | null; tenantKind: string; role: string }) =>
      asApp(scope, (tx) => query<{ tenant_id: string }>(tx, sql`select distinct tenant_id from bank_counts order by 1`));
    const [committee] = await db().rows<{ id: string }>(sql`select id from tenants where kind = 'committee' limit 1`);
    const all = await db().rows<{ tenant_id: string }>(sql`select distinct tenant_id from bank_counts order by 1`);
    expect(all.length).toBeGreaterThan(1);
    expect(await seen({ tenantId: committee.id, tenantKind: "committee", role: "member" })).toEqual(all);
    expect(await seen({ tenantId: ai, tenantKind: "organization", role: "viewer" })).toEqual([{ tenant_id: ai }]);
    expect(await seen({ tenantId: school, tenantKind: "school", role: "admin" })).toEqual([]);
  });
});
