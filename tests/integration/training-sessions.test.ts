import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 16 item 9: teacher-training sessions (师资培训), always voluntary; a school enrols its teachers;
// completion can create a draft credential for the organization to issue.
const route = "routes/w.$slug.training";

describe("teacher-training sessions", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let orgAdmin: HttpClient;
  let orgEditor: HttpClient;
  let schoolAdmin: HttpClient;
  let teacher: HttpClient;
  let careAdmin: HttpClient;
  let ids: { ai: string; care: string; school: string };
  let users: Record<string, string>;
  let certificateId: string;
  let feeId: string;

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const session = (extra: Record<string, string> = {}) => ({
    intent: "session",
    title: "AI 训练师师资培训（测试）",
    certificateId,
    levels: "intermediate",
    role: "trainer",
    startsOn: addDays(shanghaiDate(), 10),
    endsOn: addDays(shanghaiDate(), 11),
    mode: "onsite",
    place: "徐汇",
    capacity: "2",
    ...extra,
  });

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    const tenant = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    ids = { ai: tenant("demo-ai"), care: tenant("demo-care"), school: tenant("demo-school") };
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    [{ id: certificateId }] = await db.rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ids.ai} and code = 'AI-TRAINER'`);
    [{ id: feeId }] = await db.rows<{ id: string }>(
      sql`select id from fee_disclosures where tenant_id = ${ids.ai} and kind = 'teacher_training' and status = 'published' limit 1`,
    );
    orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    orgEditor = app.client();
    await orgEditor.login("org-editor@demo.xcert.test");
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    careAdmin = app.client();
    await careAdmin.login("org2-admin@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("shows the demo session, voluntary, with its fee and enrolment, to the organization and to the school", async () => {
    const org = await (await orgAdmin.get("/w/demo-ai/training")).text();
    expect(org).toContain("自愿参加");
    expect(org).toContain("人工智能训练师（中级）师资培训");
    expect(org).toContain("吴老师");
    const school = await (await teacher.get("/w/demo-school/training")).text();
    expect(school).toContain('data-testid="training-voluntary"');
    expect(school).toContain("人工智能训练师（中级）师资培训");
    expect(school).toContain("¥1200");
  });

  it("creates a session with field messages for bad input, writing nothing on failure", async () => {
    const before = await db.count("training_sessions");
    const bad = await orgAdmin.action("/w/demo-ai/training", route, session({ title: "", endsOn: addDays(shanghaiDate(), 5), capacity: "0", place: "" }));
    expect(bad.status).toBe(400);
    const errors = await errorsOf(bad);
    expect(errors.title && errors.capacity).toBeTruthy();
    const dates = await orgAdmin.action("/w/demo-ai/training", route, session({ endsOn: addDays(shanghaiDate(), 5), place: "" }));
    expect(dates.status).toBe(400);
    expect(Object.keys(await errorsOf(dates)).sort()).toEqual(["endsOn", "place"]);
    // A fee must be this organization's published teacher-training fee.
    const [trainingFee] = await db.rows<{ id: string }>(sql`select id from fee_disclosures where tenant_id = ${ids.ai} and kind = 'training' limit 1`);
    const wrongFee = await orgAdmin.action("/w/demo-ai/training", route, session({ feeDisclosureId: trainingFee.id }));
    expect(wrongFee.status).toBe(400);
    expect((await errorsOf(wrongFee)).feeDisclosureId).toBeTruthy();
    expect(await db.count("training_sessions")).toBe(before);
    const created = await orgAdmin.action("/w/demo-ai/training", route, session({ feeDisclosureId: feeId }));
    expect(created.status).toBe(200);
    expect(await db.count("training_sessions")).toBe(before + 1);
    expect(
      await db.count("audit_log", sql`action = 'training_session.create' and tenant_id = ${ids.ai} and actor_user_id = ${users["org-admin@demo.xcert.test"]}`),
    ).toBe(1);
    // The database refuses a fee of another kind too.
    const scope = { tenantId: ids.ai, tenantKind: "organization", userId: users["org-admin@demo.xcert.test"], role: "admin" };
    expect(
      await databaseError(
        asApp(scope, (tx) =>
          query(
            tx,
            sql`insert into training_sessions (tenant_id, title, certificate_id, levels, starts_on, ends_on, mode, capacity, fee_disclosure_id) values (${ids.ai}, 'x', ${certificateId}, '{junior}', current_date, current_date, 'online', 5, ${trainingFee.id})`,
          ),
        ),
      ),
    ).toMatch(/teacher-training fee/);
  });

  it("lets a school admin enrol teachers up to the seats, never twice, with the ID kept only as a keyed hash", async () => {
    const [created] = await db.rows<{ id: string }>(sql`select id from training_sessions where title = 'AI 训练师师资培训（测试）'`);
    const enrol = (teacherName: string, idNumber: string) =>
      schoolAdmin.action("/w/demo-school/training", route, { intent: "enrol", sessionId: created.id, teacherName, idNumber, contact: "" });
    const bad = await enrol("", "12");
    expect(bad.status).toBe(400);
    expect(Object.keys(await errorsOf(bad)).sort()).toEqual(["idNumber", "teacherName"]);
    expect((await enrol("陈老师", "310101198001010011")).status).toBe(200);
    const twice = await enrol("陈老师", "310101 198001010011");
    expect(twice.status).toBe(400);
    expect((await errorsOf(twice)).idNumber?.[0]).toContain("已报名");
    expect((await enrol("林老师", "310101198001010022")).status).toBe(200);
    const full = await enrol("何老师", "310101198001010033");
    expect(full.status).toBe(400);
    expect((await errorsOf(full)).sessionId?.[0]).toContain("名额已满");
    const stored = await db.rows<{ id_hash: string; id_last4: string }>(
      sql`select id_hash, id_last4 from training_enrolments where session_id = ${created.id}`,
    );
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id_last4).toHaveLength(4);
    }
    expect(JSON.stringify(await db.rows(sql`select * from training_enrolments`))).not.toContain("310101198001010011");
    expect(await db.count("audit_log", sql`action = 'training_enrolment.create' and tenant_id = ${ids.school}`)).toBeGreaterThanOrEqual(2);
  });

  it("completes an enrolment into a draft credential the organization issues later", async () => {
    const [enrolment] = await db.rows<{ id: string }>(
      sql`select e.id from training_enrolments e join training_sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id where s.title = 'AI 训练师师资培训（测试）' and e.teacher_name = '陈老师'`,
    );
    const bad = await orgAdmin.action("/w/demo-ai/training", route, { intent: "complete", enrolmentId: "not-a-uuid" });
    expect(bad.status).toBe(400);
    const before = await db.count("credentials", sql`tenant_id = ${ids.ai}`);
    const done = await orgAdmin.action("/w/demo-ai/training", route, { intent: "complete", enrolmentId: enrolment.id, draft: "on" });
    expect(done.status).toBe(200);
    const [row] = await db.rows<{ status: string; credential_id: string }>(
      sql`select status, credential_id from training_enrolments where id = ${enrolment.id}`,
    );
    expect(row.status).toBe("completed");
    const [credential] = await db.rows<{ status: string; role: string; levels: string; employer: string; source: string }>(
      sql`select c.status, c.role, c.levels::text as levels, h.employer_tenant_id::text as employer, h.source from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id where c.id = ${row.credential_id}`,
    );
    expect(credential).toEqual({ status: "draft", role: "trainer", levels: "{intermediate}", employer: ids.school, source: "school_teacher" });
    expect(await db.count("credentials", sql`tenant_id = ${ids.ai}`)).toBe(before + 1);
    expect(await db.count("audit_log", sql`action = 'training_enrolment.complete' and tenant_id = ${ids.ai}`)).toBe(1);
    // Completed once: a second completion is bad input.
    expect((await orgAdmin.action("/w/demo-ai/training", route, { intent: "complete", enrolmentId: enrolment.id, draft: "on" })).status).toBe(400);
  });

  it("walls: roles at the app, other tenants at the database", async () => {
    const [demo] = await db.rows<{ id: string }>(sql`select id from training_sessions where title = '人工智能训练师（中级）师资培训'`);
    const [enrolment] = await db.rows<{ id: string }>(sql`select id from training_enrolments where session_id = ${demo.id} limit 1`);
    // An editor reads; only owner and admin write. A teacher reads; only the school admin enrols.
    expect((await orgEditor.get("/w/demo-ai/training")).status).toBe(200);
    expect((await orgEditor.action("/w/demo-ai/training", route, session())).status).toBe(403);
    expect(
      (await teacher.action("/w/demo-school/training", route, { intent: "enrol", sessionId: demo.id, teacherName: "x", idNumber: "310101198001019999" }))
        .status,
    ).toBe(403);
    // A school cannot create sessions or complete enrolments; another organization cannot complete ours.
    expect((await schoolAdmin.action("/w/demo-school/training", route, session())).status).toBe(403);
    const foreign = await careAdmin.action("/w/demo-care/training", route, { intent: "complete", enrolmentId: enrolment.id, draft: "on" });
    expect(foreign.status).toBe(400);
    expect((await db.rows<{ status: string }>(sql`select status from training_enrolments where id = ${enrolment.id}`))[0].status).toBe("enrolled");
    // Outsiders of the workspace: 404.
    expect((await careAdmin.get("/w/demo-ai/training")).status).toBe(404);
    // Raw SQL: demo-care sees neither the enrolments nor can write them; a teacher cannot enrol.
    const care = { tenantId: ids.care, tenantKind: "organization", userId: users["org2-admin@demo.xcert.test"], role: "admin" };
    expect(await asApp(care, (tx) => query(tx, sql`select * from training_enrolments`))).toEqual([]);
    expect(await asApp(care, (tx) => query(tx, sql`update training_enrolments set status = 'completed' returning id`))).toEqual([]);
    const teacherScope = { tenantId: ids.school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
    expect(
      await databaseError(
        asApp(teacherScope, (tx) =>
          query(
            tx,
            sql`insert into training_enrolments (tenant_id, session_id, school_tenant_id, teacher_name, id_hash, id_last4) values (${ids.ai}, ${demo.id}, ${ids.school}, 'x', 'h', '1234')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    // A school writes no session; an organization cannot enrol in another's name.
    const schoolAdminScope = { tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" };
    expect(
      await databaseError(
        asApp(schoolAdminScope, (tx) =>
          query(
            tx,
            sql`insert into training_sessions (tenant_id, title, certificate_id, levels, starts_on, ends_on, mode, capacity) values (${ids.ai}, 'x', ${certificateId}, '{junior}', current_date, current_date, 'online', 5)`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(
        asApp(care, (tx) =>
          query(
            tx,
            sql`insert into training_enrolments (tenant_id, session_id, school_tenant_id, teacher_name, id_hash, id_last4) values (${ids.ai}, ${demo.id}, ${ids.school}, 'x', 'h2', '1234')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
  });
});
