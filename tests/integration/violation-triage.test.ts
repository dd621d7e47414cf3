import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 17 item 4 (decision 048): received → investigating → upheld | dismissed; internal notes only
// the committee reads; a message the reporting school reads; a finding disclosed to the reported
// organization that never names the reporter; upheld reports feed the evaluation evidence.
describe("violation triage", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let committee: HttpClient;
  let member: HttpClient;
  let teacher: HttpClient;
  let ids: Record<string, string>;
  let users: Record<string, string>;
  let reportId: string;
  const route = "routes/committee.violations.$reportId";

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const orgRoles = ["owner", "admin", "editor", "finance", "viewer"];
  const count = async (scope: { tenantId: string; tenantKind: string; role: string; userId?: string }, table: string) =>
    (await asApp(scope, (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)}`)))[0].n;

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    ids = Object.fromEntries((await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`)).map((t) => [t.slug, t.id]));
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    [{ id: reportId }] = await db.rows<{ id: string }>(sql`select id from violation_reports where status = 'investigating'`);
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
    member = app.client();
    await member.login("committee-member@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("maps the old statuses: the demo report is under investigation, with its internal note", async () => {
    const page = await (await committee.get(`/committee/violations/${reportId}`)).text();
    expect(page).toContain("调查中");
    expect(page).toContain("与 2025 年评估中的收费问题相互印证");
    const labels = await db.rows<{ label: string }>(
      sql`select enumlabel as label from pg_enum where enumtypid = 'violation_status'::regtype order by enumsortorder`,
    );
    expect(labels.map((l) => l.label)).toEqual(["received", "investigating", "upheld", "dismissed"]);
  });

  it("keeps internal notes from the reporting school and the reported organization (raw SQL as each role)", async () => {
    const before = await db.count("violation_report_notes");
    const bad = await member.action(`/committee/violations/${reportId}`, route, { intent: "note", body: "" });
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad)).body).toBeTruthy();
    expect(await db.count("violation_report_notes")).toBe(before);
    expect((await member.post(`/committee/violations/${reportId}`, { intent: "note", body: "内部：该组织负责人曾两次被约谈。" })).status).toBe(200);
    expect(await db.count("violation_report_notes")).toBe(before + 1);
    const schoolPage = await (await teacher.get(`/w/demo-school/violations/${reportId}`)).text();
    expect(schoolPage).not.toContain("该组织负责人曾两次被约谈");
    expect(schoolPage).not.toContain("相互印证");
    for (const role of ["admin", "teacher"])
      expect(await count({ tenantId: ids["demo-school"], tenantKind: "school", role }, "violation_report_notes")).toBe(0);
    for (const role of orgRoles) expect(await count({ tenantId: ids["demo-ai"], tenantKind: "organization", role }, "violation_report_notes")).toBe(0);
    expect(await count({ tenantId: ids.committee, tenantKind: "committee", role: "member" }, "violation_report_notes")).toBe(before + 1);
    // Nor can the school write one.
    expect(
      await databaseError(
        asApp({ tenantId: ids["demo-school"], tenantKind: "school", role: "admin", userId: users["school-admin@demo.xcert.test"] }, (tx) =>
          query(
            tx,
            sql`insert into violation_report_notes (tenant_id, report_id, body, author_user_id) values (${ids["demo-school"]}, ${reportId}, 'x', ${users["school-admin@demo.xcert.test"]})`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it("moves only along received → investigating → upheld | dismissed, at the app and at the database", async () => {
    const before = await db.count("violation_report_updates");
    const back = await committee.action(`/committee/violations/${reportId}`, route, { intent: "status", status: "received", note: "" });
    expect(back.status).toBe(400);
    expect((await errorsOf(back)).status?.[0]).toContain("不能从");
    expect(await db.count("violation_report_updates")).toBe(before);
    const scope = { tenantId: ids.committee, tenantKind: "committee", role: "admin", userId: users["committee@demo.xcert.test"] };
    expect(await databaseError(asApp(scope, (tx) => query(tx, sql`update violation_reports set status = 'received' where id = ${reportId}`)))).toMatch(
      /cannot go from investigating to received/,
    );
    // The school cannot move it at all.
    expect(
      await asApp({ tenantId: ids["demo-school"], tenantKind: "school", role: "admin" }, (tx) =>
        query(tx, sql`update violation_reports set status = 'upheld' where id = ${reportId} returning id`),
      ),
    ).toEqual([]);
    expect([403, 404]).toContain((await teacher.post(`/committee/violations/${reportId}`, { intent: "status", status: "upheld", note: "" })).status);
  });

  it("upholds with a message to the reporter, feeds the evaluation evidence, and discloses a finding that never names the reporter", async () => {
    const evidence = async () =>
      (
        await asApp({ tenantId: ids.committee, tenantKind: "committee", role: "member" }, (tx) =>
          query<{ upheld_violations: number }>(
            tx,
            sql`select upheld_violations from organization_evaluation_evidence() where organization_id = ${ids["demo-ai"]}`,
          ),
        )
      )[0].upheld_violations;
    expect(await evidence()).toBe(0);
    // Not yet decided: nothing to disclose.
    const early = await committee.action(`/committee/violations/${reportId}`, route, { intent: "disclose", finding: "经查，该组织强制学生参加收费培训。" });
    expect(early.status).toBe(409);
    expect(await db.count("violation_disclosures")).toBe(0);

    expect(
      (await committee.post(`/committee/violations/${reportId}`, { intent: "status", status: "upheld", note: "经核实，举报属实，已责令整改。" })).status,
    ).toBe(200);
    expect(await evidence()).toBe(1);
    expect(await (await teacher.get(`/w/demo-school/violations/${reportId}`)).text()).toContain("经核实，举报属实，已责令整改。");

    const short = await committee.action(`/committee/violations/${reportId}`, route, { intent: "disclose", finding: "短" });
    expect(short.status).toBe(400);
    expect((await errorsOf(short)).finding).toBeTruthy();
    expect(
      (await committee.post(`/committee/violations/${reportId}`, { intent: "disclose", finding: "经查，该组织将收费培训设为报名考核的前置条件，已责令整改。" }))
        .status,
    ).toBe(200);

    // The organization reads its finding: category, outcome and text, nothing of the school.
    const rows = await asApp({ tenantId: ids["demo-ai"], tenantKind: "organization", role: "viewer" }, (tx) =>
      query<Record<string, unknown>>(tx, sql`select * from violation_disclosures`),
    );
    expect(rows).toHaveLength(1);
    expect(Object.values(rows[0])).not.toContain(ids["demo-school"]);
    expect(Object.keys(rows[0]).sort()).toEqual(["category", "created_at", "disclosed_by_user_id", "finding", "id", "outcome", "reference", "tenant_id"]);
    const orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    const findings = await (await orgAdmin.get("/w/demo-ai/violation-findings")).text();
    expect(findings).toContain("已责令整改");
    expect(findings).not.toContain("上海城市职业技术学院");
    expect(findings).not.toContain("吴老师");
    // Still, the organization reads no report, evidence or note.
    for (const table of ["violation_reports", "violation_evidence", "violation_report_updates", "violation_report_notes"])
      expect(await count({ tenantId: ids["demo-ai"], tenantKind: "organization", role: "owner" }, table), table).toBe(0);
    // Another organization and the school read no disclosure.
    expect(await count({ tenantId: ids["demo-care"], tenantKind: "organization", role: "owner" }, "violation_disclosures")).toBe(0);
    expect(await count({ tenantId: ids["demo-school"], tenantKind: "school", role: "admin" }, "violation_disclosures")).toBe(0);
    // Only the committee writes a disclosure.
    expect(
      await databaseError(
        asApp({ tenantId: ids["demo-care"], tenantKind: "organization", role: "owner" }, (tx) =>
          query(
            tx,
            sql`insert into violation_disclosures (tenant_id, reference, category, outcome, finding) values (${ids["demo-care"]}, 'x', 'other', 'dismissed', 'self-cleared')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(await db.count("audit_log", sql`action = 'violation_report.disclose' and tenant_id = ${ids.committee}`)).toBe(1);
  });
});
