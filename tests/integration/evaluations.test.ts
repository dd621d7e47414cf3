import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 17 item 2 (decision 046): organization evaluations on the demo data. Evidence numbers are
// checked against a fixture organization whose rows this file writes and counts by hand; walls are
// probed as the app role with raw SQL.
describe("organization evaluations (动态遴选)", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let secretary: HttpClient;
  let member: HttpClient;
  let ids: Record<string, string>;
  let users: Record<string, string>;
  let current: { id: string; code: string };
  const year = new Date().getFullYear();

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const asSystem = <T>(statement: ReturnType<typeof sql>) =>
    app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      return query<T>(tx, statement);
    });
  const committeeScope = (role: "admin" | "member") => ({
    tenantId: ids.committee,
    tenantKind: "committee",
    role,
    userId: users[role === "admin" ? "committee@demo.xcert.test" : "committee-member@demo.xcert.test"],
  });

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    ids = Object.fromEntries(tenants.map((t) => [t.slug, t.id]));
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    [current] = await db.rows<{ id: string; code: string }>(sql`select id, code from evaluation_periods where status = 'open'`);
    secretary = app.client();
    await secretary.login("committee@demo.xcert.test");
    member = app.client({ locale: "en" });
    await member.login("committee-member@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("computes the evidence of a fixture organization exactly as counted by hand", async () => {
    // The fixture: 2 fee findings; reports naming it: 2 upheld, 1 investigating, 1 dismissed;
    // trainers: 2 industry experts and 2 school teachers active, 1 teacher expired, 1 industry
    // examiner (not a trainer); last bank change 2026-01-02 08:00 UTC; demo-school pilots its
    // certificate and submitted 2 reports, 1 late (plus its demo draft, not counted); filings
    // naming it: 1 approved, 1 submitted, 1 returned.
    const [{ id: org }] = await asSystem<{ id: string }>(
      sql`insert into tenants (slug, kind, name, credit_code, admission) values ('eval-fixture', 'organization', '评估样本组织', '91310000MA1FX0001X', 'admitted') returning id`,
    );
    const [{ code: industry }] = await db.rows<{ code: string }>(sql`select code from industries limit 1`);
    const [{ id: cert }] = await asSystem<{ id: string }>(
      sql`insert into certificates (tenant_id, code, name_zh, name_en, industry_code, levels, status) values (${org}, 'FX01', '样本证书', 'Fixture', ${industry}, '{junior}', 'active') returning id`,
    );
    await asSystem(sql`insert into fee_findings (tenant_id, type, entity_id, entity_type, certificate_id, level, at, reference)
      select ${org}, 'fixture', gen_random_uuid(), 'fee_disclosure', ${cert}, 'junior', now(), 'fixture' from generate_series(1, 2)`);
    for (const status of ["upheld", "upheld", "investigating", "dismissed"])
      await asSystem(
        sql`insert into violation_reports (tenant_id, organization_id, category, description, status) values (${ids["demo-school"]}, ${org}, 'other', 'fixture report', ${status})`,
      );
    const holders: { source: string; role: string; expires: string }[] = [
      { source: "industry_expert", role: "trainer", expires: "2099-01-01" },
      { source: "industry_expert", role: "trainer", expires: "2099-01-01" },
      { source: "school_teacher", role: "trainer", expires: "2099-01-01" },
      { source: "school_teacher", role: "trainer", expires: "2099-01-01" },
      { source: "school_teacher", role: "trainer", expires: "2021-01-01" },
      { source: "industry_expert", role: "examiner", expires: "2099-01-01" },
    ];
    for (const [i, h] of holders.entries()) {
      const [{ id: holder }] = await asSystem<{ id: string }>(
        sql`insert into credential_holders (tenant_id, name, id_hash, id_last4, source) values (${org}, ${`持证人${i}`}, ${`hash-${i}`}, '0000', ${h.source}) returning id`,
      );
      await asSystem(sql`insert into credentials (tenant_id, holder_id, role, certificate_id, levels, number, issued_on, expires_on)
        values (${org}, ${holder}, ${h.role}, ${cert}, '{junior}', ${`FX-${i}`}, '2020-01-01', ${h.expires})`);
    }
    await asSystem(
      sql`insert into cases (tenant_id, certificate_id, level, title, body, created_at, updated_at) values (${org}, ${cert}, 'junior', '样本案例', '正文', '2026-01-01T00:00:00Z', '2026-01-02T08:00:00Z')`,
    );
    const [{ id: major }] = await db.rows<{ id: string }>(sql`select id from pilot_majors where tenant_id = ${ids["demo-school"]} limit 1`);
    await asSystem(
      sql`insert into pilot_major_certificates (tenant_id, major_id, organization_id, certificate_id, level) values (${ids["demo-school"]}, ${major}, ${org}, ${cert}, 'junior')`,
    );
    for (const [code, late] of [
      ["FX-A", true],
      ["FX-B", false],
    ] as const) {
      const [{ id: period }] = await asSystem<{ id: string }>(
        sql`insert into report_periods (code, starts_on, ends_on, due_on) values (${code}, '2020-01-01', '2020-06-30', '2020-07-15') returning id`,
      );
      await asSystem(
        sql`insert into progress_reports (tenant_id, period_id, status, late, submitted_at) values (${ids["demo-school"]}, ${period}, 'submitted', ${late}, now())`,
      );
    }
    for (const [status, record] of [
      ["approved", "JYB-FX-1"],
      ["submitted", null],
      ["returned", null],
    ] as const)
      await asSystem(sql`insert into filings (tenant_id, major_id, organization_id, certificate_id, level, certificate_name, expected_students_per_year, exam_site_plan, responsible_office, responsible_person, contact_email, status, record_number)
        values (${ids["demo-school"]}, ${major}, ${org}, ${cert}, 'junior', '样本证书', 10, '校内', '教务处', '周航', 'school-admin@demo.xcert.test', ${status}, ${record})`);

    const [evidence] = await asApp(committeeScope("member"), (tx) =>
      query(tx, sql`select * from organization_evaluation_evidence() where organization_id = ${org}`),
    );
    expect(evidence).toEqual({
      organization_id: org,
      organization_name: "评估样本组织",
      organization_name_en: null,
      fee_findings: 2,
      upheld_violations: 2,
      open_violations: 1,
      trainers: 4,
      industry_trainers: 2,
      bank_updated_at: expect.anything(),
      reports_submitted: 2,
      reports_late: 1,
      filings_approved: 1,
      filings_pending: 1,
      filings_refused: 1,
    });
    expect(new Date(evidence.bank_updated_at as string).toISOString()).toBe("2026-01-02T08:00:00.000Z");
    // The page shows the same numbers beside the scores (50% = 2 of 4).
    const page = await (await secretary.get(`/committee/evaluations/${current.id}`)).text();
    expect(page).toContain("评估样本组织");
    expect(page).toContain("50%（4 人中 2 人）");
    expect(page).toContain("已报送 2 份，逾期 1 份");
    expect(page).toContain("通过 1，待审 1，退回或不予备案 1");
    // Outside the committee the function answers nothing.
    for (const scope of [
      { tenantId: ids["demo-ai"], tenantKind: "organization", role: "owner" },
      { tenantId: ids["demo-school"], tenantKind: "school", role: "admin" },
      { tenantId: null, tenantKind: null, role: "none" },
    ])
      expect(await asApp(scope as never, (tx) => query(tx, sql`select * from organization_evaluation_evidence()`))).toEqual([]);
  });

  it("members score with comments; bad input is refused with field messages and writes nothing; only the admin decides and finalizes", async () => {
    const path = `/committee/evaluations/${current.id}`;
    const before = await db.count("evaluation_scores");
    const bad = await member.action(path, "routes/committee.evaluations.$periodId", {
      intent: "score",
      organizationId: ids["demo-ai"],
      criterion: "integrity",
      score: 150,
      comment: "",
    });
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad)).score).toBeTruthy();
    const notOrg = await member.action(path, "routes/committee.evaluations.$periodId", {
      intent: "score",
      organizationId: ids["demo-school"],
      criterion: "integrity",
      score: 50,
    });
    expect(notOrg.status, await notOrg.clone().text()).toBe(400);
    expect(await db.count("evaluation_scores")).toBe(before);

    for (const org of ["demo-ai", "demo-care"])
      expect(
        (
          await member.post(path, {
            intent: "score",
            organizationId: ids[org],
            criterion: "integrity",
            score: org === "demo-ai" ? 60 : 90,
            comment: `${org} comment`,
          })
        ).status,
      ).toBe(200);
    // Scoring again replaces the member's own score.
    expect(
      (await member.post(path, { intent: "score", organizationId: ids["demo-ai"], criterion: "integrity", score: 62, comment: "收费公示需整改" })).status,
    ).toBe(200);
    expect(await db.count("evaluation_scores", sql`period_id = ${current.id} and member_user_id = ${users["committee-member@demo.xcert.test"]}`)).toBe(2);
    expect(await db.count("audit_log", sql`action = 'evaluation_score.save' and actor_user_id = ${users["committee-member@demo.xcert.test"]}`)).toBe(3);

    expect((await member.post(path, { intent: "decide", organizationId: ids["demo-ai"], decision: "warn" })).status).toBe(403);
    expect((await member.post(path, { intent: "finalize" })).status).toBe(403);
    // The weights are the committee's settings (decision 055): the admin's alone.
    expect([403, 404]).toContain(
      (
        await member.post("/committee/settings", {
          intent: "weights",
          certificate_quality: 100,
          industry_recognition: 0,
          integrity: 0,
          non_profit: 0,
          regional_service: 0,
          no_violation: 0,
          reason: "member",
        })
      ).status,
    );
    // At the database too: a member cannot decide, nor score in another's name.
    expect(
      await databaseError(
        asApp(committeeScope("member"), (tx) =>
          query(
            tx,
            sql`insert into evaluation_results (tenant_id, period_id, organization_id, decision, evidence) values (${ids.committee}, ${current.id}, ${ids["demo-ai"]}, 'retain', '{}')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(
        asApp(committeeScope("member"), (tx) =>
          query(
            tx,
            sql`insert into evaluation_scores (tenant_id, period_id, organization_id, criterion, member_user_id, score) values (${ids.committee}, ${current.id}, ${ids["demo-care"]}, 'integrity', ${users["committee@demo.xcert.test"]}, 1)`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);

    const badWeights = await secretary.action("/committee/settings", "routes/committee.settings", {
      intent: "weights",
      reason: "x",
      certificate_quality: 50,
      industry_recognition: 10,
      integrity: 10,
      non_profit: 10,
      regional_service: 10,
      no_violation: 0,
    });
    expect(badWeights.status).toBe(400);
    expect((await errorsOf(badWeights)).certificate_quality?.[0]).toBe("权重合计须为 100。");
    expect(
      (
        await secretary.post("/committee/settings", {
          intent: "weights",
          reason: "加重证书质量",
          certificate_quality: 30,
          industry_recognition: 10,
          integrity: 20,
          non_profit: 15,
          regional_service: 10,
          no_violation: 15,
        })
      ).status,
    ).toBe(200);
    // An open period keeps no weights of its own: it reads those in force until it is finalized.
    expect(await db.count("evaluation_weights", sql`period_id = ${current.id}`)).toBe(0);

    const undecided = await secretary.post(path, { intent: "finalize" });
    expect(undecided.status).toBe(409);
    // Every admitted organization (a pending one is not evaluated: it appears nowhere public).
    const organizations = await db.rows<{ id: string }>(sql`select id from tenants where kind = 'organization' and admission in ('admitted', 'suspended')`);
    const [pending] = await db.rows<{ id: string }>(sql`select id from tenants where slug = 'demo-pending'`);
    expect((await secretary.post(path, { intent: "decide", organizationId: pending.id, decision: "retain", note: "" })).status).toBe(400);
    for (const { id } of organizations)
      expect((await secretary.post(path, { intent: "decide", organizationId: id, decision: id === ids["demo-ai"] ? "warn" : "retain", note: "" })).status).toBe(
        200,
      );
    const [result] = await db.rows<{ weighted_score: string; evidence: { organizationId: string } }>(
      sql`select weighted_score, evidence from evaluation_results where period_id = ${current.id} and organization_id = ${ids["demo-ai"]}`,
    );
    expect(result.weighted_score).toBe("62.00");
    expect(result.evidence.organizationId).toBe(ids["demo-ai"]);
    expect((await secretary.post(path, { intent: "finalize" })).status).toBe(200);
    expect((await db.rows<{ status: string }>(sql`select status from evaluation_periods where id = ${current.id}`))[0].status).toBe("finalized");
    // Finalizing froze the weights in force as the period's own; a later settings change leaves them be.
    const frozen = async () =>
      Object.fromEntries(
        (await db.rows<{ criterion: string; weight: number }>(sql`select criterion::text, weight from evaluation_weights where period_id = ${current.id}`)).map(
          (r) => [r.criterion, Number(r.weight)],
        ),
      );
    const weightsThen = { certificate_quality: 30, industry_recognition: 10, integrity: 20, non_profit: 15, regional_service: 10, no_violation: 15 };
    expect(await frozen()).toEqual(weightsThen);
    expect(
      (
        await secretary.post("/committee/settings", {
          intent: "weights",
          reason: "下一期",
          certificate_quality: 25,
          industry_recognition: 15,
          integrity: 20,
          non_profit: 15,
          regional_service: 10,
          no_violation: 15,
        })
      ).status,
    ).toBe(200);
    expect(await frozen()).toEqual(weightsThen);
    const page = (await (await secretary.data(path, "routes/committee.evaluations.$periodId")).json()) as { weights: { current: object; frozen: boolean } };
    expect(page.weights).toEqual({ current: weightsThen, frozen: true });
    // After finalizing the app refuses with a message.
    expect((await member.post(path, { intent: "score", organizationId: ids["demo-ai"], criterion: "integrity", score: 10 })).status).toBe(409);
  });

  it("refuses any change of a finalized period at the database, for every scope", async () => {
    const [past] = await db.rows<{ id: string }>(sql`select id from evaluation_periods where code = ${String(year - 1)}`);
    const admin = committeeScope("admin");
    const attempts = [
      sql`update evaluation_scores set score = 100 where period_id = ${past.id} and member_user_id = ${admin.userId}`,
      sql`insert into evaluation_scores (tenant_id, period_id, organization_id, criterion, member_user_id, score) values (${ids.committee}, ${past.id}, ${ids["demo-care"]}, 'integrity', ${admin.userId}, 1)
          on conflict (tenant_id, period_id, organization_id, criterion, member_user_id) do update set score = 1`,
      sql`update evaluation_results set decision = 'suspend' where period_id = ${past.id}`,
      sql`insert into evaluation_weights (tenant_id, period_id, criterion, weight) values (${ids.committee}, ${past.id}, 'integrity', 50)`,
      sql`update evaluation_periods set title = 'changed' where id = ${past.id}`,
      sql`update evaluation_periods set status = 'open', finalized_at = null where id = ${past.id}`,
    ];
    for (const attempt of attempts) expect(await databaseError(asApp(admin, (tx) => query(tx, attempt)))).toMatch(/finalized/);
    // The system scope writes what its policies allow (not another's score), and meets the same wall.
    for (const attempt of attempts.slice(1))
      expect(await databaseError(asApp({ tenantId: ids.committee, tenantKind: "committee", role: "system" }, (tx) => query(tx, attempt)))).toMatch(/finalized/);
    // Even the owner's deletes meet the triggers.
    expect(await databaseError(db.rows(sql`delete from evaluation_results where period_id = ${past.id}`))).toMatch(/finalized/);
    expect(await databaseError(db.rows(sql`delete from evaluation_periods where id = ${past.id}`))).toMatch(/finalized/);
    expect(await databaseError(db.rows(sql`truncate evaluation_scores cascade`))).toMatch(/truncated/);
  });

  it("organization and school users never read the committee's evaluation rows (raw SQL as each role)", async () => {
    const scopes = [
      ...["owner", "admin", "editor", "finance", "viewer"].map((role) => ({ tenantId: ids["demo-ai"], tenantKind: "organization", role })),
      ...["admin", "teacher"].map((role) => ({ tenantId: ids["demo-school"], tenantKind: "school", role })),
    ];
    for (const scope of scopes)
      for (const table of [
        "evaluation_periods",
        "evaluation_weights",
        "evaluation_scores",
        "evaluation_results",
        "violation_report_notes",
        "typical_case_scores",
      ]) {
        const [{ n }] = await asApp(scope, (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)}`));
        expect(n, `${scope.tenantKind} ${scope.role} ${table}`).toBe(0);
      }
    const orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    expect([403, 404]).toContain((await orgAdmin.get(`/committee/evaluations/${current.id}`)).status);
    expect([403, 404]).toContain((await orgAdmin.post(`/committee/evaluations/${current.id}`, { intent: "finalize" })).status);
    // The committee reads what it wrote.
    const [{ n }] = await asApp(committeeScope("member"), (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from evaluation_scores`));
    expect(n).toBeGreaterThan(0);
  });

  it("publishes the finalized result list at /evaluations/:period without login; an open or unknown period is 404", async () => {
    const visitor = app.client();
    const response = await visitor.get(`/evaluations/${year - 1}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("public");
    const page = await response.text();
    expect(page).toContain("上海智训人工智能科技有限公司");
    expect(page).toContain("警示");
    expect(page).toContain("保留");
    expect(page).not.toContain("收费公示不及时");
    expect((await visitor.get("/evaluations/1999")).status).toBe(404);
    expect((await visitor.get("/evaluations/bad%20code")).status).toBe(404);
    // Public scope reads the list only through published_evaluation(): no table row.
    expect(await asApp({ tenantId: null, tenantKind: null, role: "none" } as never, (tx) => query(tx, sql`select * from evaluation_results`))).toEqual([]);
  });

  it("exports a period's evidence, means and decisions as CSV and XLSX, to the committee only", async () => {
    const [past] = await db.rows<{ id: string }>(sql`select id from evaluation_periods where code = ${String(year - 1)}`);
    const csv = await (await member.get(`/w/committee/export/evaluation?period=${past.id}&format=csv`)).text();
    expect(csv).toContain("上海智训人工智能科技有限公司");
    expect(csv).toContain("Warn");
    const xlsx = await secretary.get(`/w/committee/export/evaluation?period=${past.id}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    const orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    expect((await orgAdmin.get(`/w/demo-ai/export/evaluation?period=${past.id}&format=csv`)).status).toBe(403);
    // The list of periods exports too, one line a period, linked from its page.
    const periods = (await (await member.get("/w/committee/export/evaluation-periods?format=csv")).text()).trim().split("\n");
    expect(periods.length - 1).toBe(await db.count("evaluation_periods"));
    expect(periods.join("\n")).toContain(String(year - 1));
    expect(await (await member.get("/committee/evaluations")).text()).toContain('href="/w/committee/export/evaluation-periods?format=csv"');
    expect((await orgAdmin.get("/w/demo-ai/export/evaluation-periods?format=csv")).status).toBe(403);
  });

  it("opens a period (admin only) with field messages for a bad or taken code", async () => {
    const before = await db.count("evaluation_periods");
    const bad = await secretary.action("/committee/evaluations?index", "routes/committee.evaluations._index", { code: "20 26!", title: "x" });
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad)).code).toBeTruthy();
    const taken = await secretary.post("/committee/evaluations?index", { code: String(year - 1), title: "重复" });
    expect(taken.status).toBe(400);
    expect((await member.post("/committee/evaluations?index", { code: "2030", title: "x" })).status).toBe(403);
    expect(await db.count("evaluation_periods")).toBe(before);
    const created = await secretary.post("/committee/evaluations?index", { code: "2030", title: "2030 年度" });
    expect(created.status).toBe(302);
    expect(await db.count("evaluation_weights", sql`period_id = (select id from evaluation_periods where code = '2030')`)).toBe(0);
  });
});
