import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 17 item 6: 典型案例. Schools and organizations submit; committee members score (rows only the
// committee reads); the admin selects; selected cases are public at /cases/selected.
describe("typical cases", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let ids: Record<string, string>;
  let users: Record<string, string>;
  let teacher: HttpClient;
  let member: HttpClient;
  let secretary: HttpClient;

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    ids = Object.fromEntries((await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`)).map((t) => [t.slug, t.id]));
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    member = app.client();
    await member.login("committee-member@demo.xcert.test");
    secretary = app.client();
    await secretary.login("committee@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("shows the demo: two submitted, one selected and public without login", async () => {
    expect(await db.count("typical_cases", sql`status = 'submitted'`)).toBe(2);
    const response = await app.client().get("/cases/selected");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("public");
    const page = await response.text();
    expect(page).toContain("养老照护考核站点的标准化建设");
    expect(page).not.toContain("校企共建人工智能训练师实训基地");
    expect(page).not.toContain("可复制性强");
  });

  it("a teacher submits with field messages for bad input; finance cannot submit; the school sees its status, not the scores", async () => {
    const before = await db.count("typical_cases");
    const bad = await teacher.action("/w/demo-school/typical-cases", "routes/w.$slug.typical-cases", { title: "x", summary: "", body: "" });
    expect(bad.status).toBe(400);
    const errors = await errorsOf(bad);
    expect(errors.title).toBeTruthy();
    expect(errors.summary).toBeTruthy();
    expect(await db.count("typical_cases")).toBe(before);
    const finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    expect(
      (await finance.post("/w/demo-ai/typical-cases", { title: "财务案例", summary: "摘要摘要摘要摘要摘要", body: "正文正文正文正文正文正文正文正文正文正文" }))
        .status,
    ).toBe(403);
    const ok = await teacher.post("/w/demo-school/typical-cases", {
      title: "岗课赛证融通的实训课程改革",
      summary: "以证书标准重构实训课程，学生取证率提升 20%。",
      body: "本校在智慧健康养老服务与管理专业中，将证书标准拆解为实训任务……",
    });
    expect(ok.status).toBe(200);
    expect(await db.count("typical_cases")).toBe(before + 1);
    expect(await db.count("audit_log", sql`action = 'typical_case.submit' and actor_user_id = ${users["school-teacher@demo.xcert.test"]}`)).toBe(1);
  });

  it("members score, only the admin selects; scores stay with the committee (raw SQL as each role)", async () => {
    const [{ id }] = await db.rows<{ id: string }>(sql`select id from typical_cases where title = '岗课赛证融通的实训课程改革'`);
    const path = `/committee/typical-cases/${id}`;
    const bad = await member.action(path, "routes/committee.typical-cases.$caseId", { intent: "score", score: -1 });
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad)).score).toBeTruthy();
    expect((await member.post(path, { intent: "score", score: 88, comment: "思路清晰，数据可信。" })).status).toBe(200);
    expect((await secretary.post(path, { intent: "score", score: 92, comment: "" })).status).toBe(200);
    expect(await (await secretary.get("/committee/typical-cases")).text()).toContain("90.0 (2)");
    expect((await member.post(path, { intent: "select" })).status).toBe(403);
    // At the database: a member's update reaches no row (the decide policy is the admin's).
    expect(
      await asApp({ tenantId: ids.committee, tenantKind: "committee", role: "member", userId: users["committee-member@demo.xcert.test"] }, (tx) =>
        query(tx, sql`update typical_cases set status = 'selected' where id = ${id} returning id`),
      ),
    ).toEqual([]);
    // Not visible outside the committee: the school's own members and the organizations read no score.
    for (const scope of [
      { tenantId: ids["demo-school"], tenantKind: "school", role: "admin" },
      { tenantId: ids["demo-school"], tenantKind: "school", role: "teacher" },
      ...["owner", "admin", "editor", "finance", "viewer"].map((role) => ({ tenantId: ids["demo-ai"], tenantKind: "organization", role })),
    ]) {
      const [{ n }] = await asApp(scope, (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from typical_case_scores`));
      expect(n, `${scope.tenantKind} ${scope.role}`).toBe(0);
    }
    // Another organization reads neither the submission nor its scores; the public only selected ones.
    const [{ n: seen }] = await asApp({ tenantId: ids["demo-care"], tenantKind: "organization", role: "owner" }, (tx) =>
      query<{ n: number }>(tx, sql`select count(*)::int as n from typical_cases where id = ${id}`),
    );
    expect(seen).toBe(0);
    expect((await secretary.post(path, { intent: "select" })).status).toBe(200);
    expect(await (await app.client().get("/cases/selected")).text()).toContain("岗课赛证融通的实训课程改革");
    // A decided case takes no more scores; the committee cannot rewrite what was submitted.
    expect((await member.post(path, { intent: "score", score: 10 })).status).toBe(409);
    expect(
      await databaseError(
        asApp({ tenantId: ids.committee, tenantKind: "committee", role: "admin", userId: users["committee@demo.xcert.test"] }, (tx) =>
          query(tx, sql`update typical_cases set title = 'rewritten' where id = ${id}`),
        ),
      ),
    ).toMatch(/never edits/);
    expect(await (await secretary.get("/w/committee/export/typical-cases?format=csv")).text()).toContain("岗课赛证融通的实训课程改革,上海城市职业技术学院,90");
    expect(await (await teacher.get("/w/demo-school/export/my-typical-cases?format=csv")).text()).toContain("岗课赛证融通的实训课程改革,已入选");
    expect((await teacher.get("/w/demo-school/export/typical-cases?format=csv")).status).toBe(403);
    const schoolPage = await (await teacher.get("/w/demo-school/typical-cases")).text();
    expect(schoolPage).toContain("已入选");
    expect(schoolPage).not.toContain("思路清晰");
  });

  it("refuses to select the case of a tenant still pending admission (it appears nowhere public), writing nothing", async () => {
    const [{ id }] = await db.rows<{ id: string }>(
      sql`insert into typical_cases (tenant_id, title, summary, body) values (${ids["demo-pending"]}, '待准入单位的案例', '摘要', '正文') returning id`,
    );
    const audited = await db.count("audit_log", sql`action = 'typical_case.select'`);
    const refused = await secretary.post(`/committee/typical-cases/${id}`, { intent: "select" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("提交单位尚未通过准入");
    expect(await db.rows(sql`select status from typical_cases where id = ${id}`)).toEqual([{ status: "submitted" }]);
    expect(await db.count("audit_log", sql`action = 'typical_case.select'`)).toBe(audited);
    // Declining is not publishing: the committee may still close it.
    expect((await secretary.post(`/committee/typical-cases/${id}`, { intent: "decline" })).status).toBe(200);
  });
});
