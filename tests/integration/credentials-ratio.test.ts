import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMajorRatios, trainersMissing } from "../../app/modules/credentials/ratio.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 16 item 7: a school links its teachers' trainer credentials to its majors (the organization's
// record must match), and per major and cohort sees students ÷ credentialed trainers against 1:80.
const majorRoute = "routes/w.$slug.majors.$majorId";

describe("the 1:80 ratio", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let schoolAdmin: HttpClient;
  let teacher: HttpClient;
  let orgAdmin: HttpClient;
  let ids: { ai: string; care: string; school: string; committee: string };
  let majors: { computing: string; elderly: string };
  let users: Record<string, string>;

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    const tenant = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    ids = { ai: tenant("demo-ai"), care: tenant("demo-care"), school: tenant("demo-school"), committee: tenant("committee") };
    const rows = await db.rows<{ id: string; code: string }>(sql`select id, code from pilot_majors where tenant_id = ${ids.school}`);
    majors = { computing: rows.find((r) => r.code === "510201")!.id, elderly: rows.find((r) => r.code === "590302")!.id };
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("counts trainers missing at 1:80", () => {
    expect(trainersMissing(400, 3)).toBe(2);
    expect(trainersMissing(80, 1)).toBe(0);
    expect(trainersMissing(81, 1)).toBe(1);
    expect(trainersMissing(0, 0)).toBe(0);
  });

  it("shows the demo major two trainers short of 1:80 on the majors pages, per major and per cohort", async () => {
    const list = await (await schoolAdmin.get("/w/demo-school/majors")).text();
    expect(list).toContain('data-testid="ratio-shortfalls"');
    expect(list).toContain("还需 2 名培训师");
    const page = await schoolAdmin.data(`/w/demo-school/majors/${majors.computing}`, majorRoute);
    expect(page.status).toBe(200);
    const data = (await page.json()) as {
      ratios: { scope: string; students: number; trainers: number; missing: number; over: boolean }[];
      links: { number: string; counts: boolean }[];
    };
    expect(data.ratios[0]).toMatchObject({ scope: "major", students: 400, trainers: 3, missing: 2, over: true });
    expect(
      data.ratios
        .filter((r) => r.scope === "cohort")
        .map((r) => r.students)
        .sort((a, b) => a - b),
    ).toEqual([80, 320]);
    expect(data.links).toHaveLength(3);
    expect(data.links.every((l) => l.counts)).toBe(true);
  });

  it("computes the same rows in one function for the school and the committee, and nothing for another school", async () => {
    const asSchool = await asApp({ tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" }, (tx) =>
      listMajorRatios(tx, ids.school),
    );
    const asCommittee = await asApp({ tenantId: ids.committee, tenantKind: "committee", userId: users["committee@demo.xcert.test"], role: "admin" }, (tx) =>
      listMajorRatios(tx, ids.school),
    );
    expect(asCommittee).toEqual(asSchool);
    expect(asSchool.find((r) => r.scope === "major" && r.majorId === majors.elderly)).toMatchObject({ students: 90, trainers: 2, over: false, missing: 0 });
    // An organization's scope sees no school's majors and counts no trainer.
    const asOrganization = await asApp({ tenantId: ids.ai, tenantKind: "organization", userId: users["org-admin@demo.xcert.test"], role: "admin" }, (tx) =>
      listMajorRatios(tx, ids.school),
    );
    expect(asOrganization).toEqual([]);
  });

  it("links a credential only when the organization's record matches the name or the ID's last 4; a suspended one does not count", async () => {
    const [valid] = await db.rows<{ number: string; name: string; last4: string }>(
      sql`select c.number, h.name, h.id_last4 as last4 from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id
          where c.tenant_id = ${ids.ai} and c.role = 'trainer' and c.status = 'active' and c.expires_on > current_date + 60
            and c.number not in (select credential_number from credential_links) order by c.number limit 1`,
    );
    const before = await db.count("credential_links");
    const path = `/w/demo-school/majors/${majors.computing}`;
    const wrong = await schoolAdmin.action(path, majorRoute, { intent: "link", number: valid.number, proof: "王五" });
    expect(wrong.status).toBe(400);
    expect((await errorsOf(wrong)).proof?.[0]).toContain("没有与此编号");
    const typo = await schoolAdmin.action(path, majorRoute, {
      intent: "link",
      number: valid.number.slice(0, -1) + (valid.number.endsWith("0") ? "1" : "0"),
      proof: valid.name,
    });
    expect(typo.status).toBe(400);
    expect((await errorsOf(typo)).number).toBeTruthy();
    const empty = await schoolAdmin.action(path, majorRoute, { intent: "link", number: "", proof: "" });
    expect(empty.status).toBe(400);
    const errors = await errorsOf(empty);
    expect(errors.number && errors.proof).toBeTruthy();
    expect(await db.count("credential_links")).toBe(before);

    const linked = await schoolAdmin.action(path, majorRoute, { intent: "link", number: valid.number.toLowerCase(), proof: valid.last4 });
    expect(linked.status).toBe(200);
    expect(await db.count("credential_links")).toBe(before + 1);
    expect(
      await db.count(
        "audit_log",
        sql`action = 'credential_link.create' and tenant_id = ${ids.school} and actor_user_id = ${users["school-admin@demo.xcert.test"]}`,
      ),
    ).toBe(1);
    let [major] = await asApp({ tenantId: ids.school, tenantKind: "school", role: "admin" }, (tx) =>
      listMajorRatios(tx, ids.school, { majorId: majors.computing }),
    );
    expect(major).toMatchObject({ trainers: 4, missing: 1 });

    // The organization suspends it: the link stays, it no longer counts.
    await asApp({ tenantId: ids.ai, tenantKind: "organization", role: "system" }, (tx) =>
      query(tx, sql`update credentials set status = 'suspended', status_reason = 'test' where tenant_id = ${ids.ai} and number = ${valid.number}`),
    );
    [major] = await asApp({ tenantId: ids.school, tenantKind: "school", role: "admin" }, (tx) =>
      listMajorRatios(tx, ids.school, { majorId: majors.computing }),
    );
    expect(major).toMatchObject({ trainers: 3, missing: 2 });

    // Unlinking: audited; a link of another major is refused as bad input.
    const [link] = await db.rows<{ id: string }>(sql`select id from credential_links where credential_number = ${valid.number}`);
    const other = await schoolAdmin.action(`/w/demo-school/majors/${majors.elderly}`, majorRoute, { intent: "unlink", linkId: link.id });
    expect(other.status).toBe(400);
    expect((await schoolAdmin.action(path, majorRoute, { intent: "unlink", linkId: link.id })).status).toBe(200);
    expect(await db.count("credential_links")).toBe(before);
    expect(await db.count("audit_log", sql`action = 'credential_link.delete' and tenant_id = ${ids.school}`)).toBe(1);
  });

  it("refuses a teacher and another tenant at the app, and every write but the checked function at the database", async () => {
    const path = `/w/demo-school/majors/${majors.computing}`;
    const [someNumber] = await db.rows<{ number: string }>(sql`select number from credentials where tenant_id = ${ids.ai} and role = 'trainer' limit 1`);
    expect((await teacher.action(path, majorRoute, { intent: "link", number: someNumber.number, proof: "x" })).status).toBe(403);
    expect((await orgAdmin.get(path)).status).toBe(404);
    expect((await orgAdmin.action(path, majorRoute, { intent: "link", number: someNumber.number, proof: "x" })).status).toBe(404);
    // No insert grant: a school admin cannot forge a link with raw SQL.
    const admin = { tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" };
    expect(
      await databaseError(
        asApp(admin, (tx) =>
          query(
            tx,
            sql`insert into credential_links (tenant_id, major_id, organization_id, credential_id, credential_number, teacher_name) values (${ids.school}, ${majors.computing}, ${ids.ai}, gen_random_uuid(), 'XC-FAKE', 'x')`,
          ),
        ),
      ),
    ).toMatch(/permission denied/);
    // The function refuses a teacher and an organization's scope.
    const teacherScope = { tenantId: ids.school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
    expect(
      await databaseError(asApp(teacherScope, (tx) => query(tx, sql`select link_school_credential(${majors.computing}::uuid, ${someNumber.number}, 'x')`))),
    ).toMatch(/only a school admin/);
    // Another tenant reads no link, and the holders stay unreadable to the school.
    expect(await asApp({ tenantId: ids.ai, tenantKind: "organization", role: "admin" }, (tx) => query(tx, sql`select * from credential_links`))).toEqual([]);
    expect(await asApp(admin, (tx) => query(tx, sql`select * from credential_holders`))).toEqual([]);
    expect(await asApp(teacherScope, (tx) => query(tx, sql`delete from credential_links returning id`))).toEqual([]);
  });
});
