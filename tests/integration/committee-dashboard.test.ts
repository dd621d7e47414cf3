import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMajorRatios } from "../../app/modules/credentials/ratio.server";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { enrolSecondFactor } from "../support/second-factor";

// The committee's dashboard (issue 17 items 1, 5, 7, 9, 10): every number equals the list it links
// to; exam-site gaps and duplicates on the demo data; settings with history, changed by the admin only
// (in the app and in the database); a fee published for a level with no cap is a finding; outsiders
// see none of it.
const dashboardRoute = "routes/committee._index";
const figureRoute = "routes/committee.figures.$figure";
const settingsRoute = "routes/committee.settings";

interface Breakdown {
  key: string;
  counts: Record<string, number>;
  total: number;
}
interface Dashboard {
  figures: { key: string; total: number; page: string | null }[];
  byOrganization: Breakdown[];
  byDistrict: Breakdown[];
  byIndustry: Breakdown[];
}

describe("committee dashboard and supervision settings", () => {
  let app: TestApp;
  let committee: HttpClient;
  let member: HttpClient;
  let orgAdmin: HttpClient;
  let schoolAdmin: HttpClient;
  let committeeId: string;
  let schoolId: string;
  let aiId: string;
  const db = () => owner(app.database);
  const asSystem = (statement: SQL) =>
    app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      return (await tx.execute(statement)) as unknown;
    });
  const dashboard = async (client = committee) => (await (await client.data("/committee", dashboardRoute)).json()) as Dashboard;
  const figure = async (key: string, query = "", client = committee) => {
    const response = await client.data(`/committee/figures/${key}${query}`, figureRoute);
    expect(response.status, key).toBe(200);
    return (await response.json()) as { total: number; rows: { organizationSlug: string; kind: string; subject: string; href: string | null }[] };
  };

  beforeAll(async () => {
    app = await startApp();
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
    orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    const tenants = await db().rows<{ id: string; slug: string }>(sql`select id, slug from tenants where slug in ('committee', 'demo-school', 'demo-ai')`);
    committeeId = tenants.find((t) => t.slug === "committee")!.id;
    schoolId = tenants.find((t) => t.slug === "demo-school")!.id;
    aiId = tenants.find((t) => t.slug === "demo-ai")!.id;
    // A committee member (role member), invited by the admin as anyone would be.
    expect((await committee.action("/w/committee/members", "routes/w.$slug.members", { email: "member2@committee.example.test", role: "member" })).status).toBe(
      200,
    );
    const [mail] = await db().rows<{ text: string }>(sql`select text from email_outbox where "to" = 'member2@committee.example.test'`);
    const path = /\/join\/[a-z0-9-]+\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    member = app.client({ locale: "en" });
    expect((await member.post(path, { intent: "create", name: "委员二", password: "committee-member-pw-2" })).status).toBe(302);
    await enrolSecondFactor(member);
  });
  afterAll(() => app.close());

  it("lands the committee on /committee, which answers itself and links every page", async () => {
    const fresh = app.client();
    const login = await fresh.post("/login", { email: "committee@demo.xcert.test", password: "demo-password-2026", redirectTo: "" });
    expect(login.headers.get("location")).toBe("/committee");
    const page = await committee.get("/committee");
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const href of [
      'href="/committee"',
      'href="/committee/fees"',
      'href="/committee/banks"',
      'href="/committee/sites"',
      'href="/committee/settings"',
      'href="/committee/figures/fee-findings"',
    ])
      expect(html).toContain(href);
    // Charts are SVG drawn on the server, each followed by a table of the same numbers.
    expect(html).toContain('data-testid="bar-chart"');
    expect(html).toContain('data-testid="breakdown-district"');
    expect(html).not.toMatch(/<svg[^>]*style=/);
    expect((await member.get("/committee")).status).toBe(200);
  });

  it("gives each figure the number of rows of the list it links to, whole and by organization, district and industry", async () => {
    const data = await dashboard();
    expect(data.figures.map((f) => f.key)).toEqual([
      "fee-findings",
      "industry-share",
      "unassessed-cohorts",
      "overdue-reports",
      "open-violations",
      "stale-banks",
      "pending-filings",
      "exam-sites",
      "major-ratios",
      "pending-admissions",
      "evaluation-progress",
    ]);
    for (const f of data.figures) expect((await figure(f.key)).total, f.key).toBe(f.total);
    for (const [dimension, rows] of [
      ["organization", data.byOrganization],
      ["district", data.byDistrict],
      ["industry", data.byIndustry],
    ] as const) {
      expect(rows.length, dimension).toBeGreaterThan(0);
      for (const row of rows.slice(0, 3))
        for (const [key, n] of Object.entries(row.counts))
          expect((await figure(key, `?${dimension}=${row.key}`)).total, `${key} ${dimension}=${row.key}`).toBe(n);
    }
    // The numbers are the data's, counted independently.
    const total = (key: string) => data.figures.find((f) => f.key === key)!.total;
    expect(total("fee-findings")).toBe(await db().count("fee_findings"));
    expect(total("open-violations")).toBe(await db().count("violation_reports", sql`status::text not in ('resolved', 'dismissed', 'upheld')`));
    expect(total("pending-filings")).toBe(await db().count("filings", sql`status in ('submitted', 'resubmitted')`));
    expect(total("pending-admissions")).toBe(await db().count("tenants", sql`admission = 'pending' and kind in ('organization', 'school')`));
    expect(total("pending-admissions")).toBeGreaterThan(0);
    // Majors above 1:80: the school's own computation (listMajorRatios, as the school) agrees.
    const [schoolUser] = await db().rows<{ id: string }>(sql`select id from users where email = 'school-admin@demo.xcert.test'`);
    const ratios = await asApp({ tenantId: schoolId, tenantKind: "school", userId: schoolUser.id, role: "admin" }, (tx) => listMajorRatios(tx, schoolId));
    const over = ratios.filter((r) => r.scope === "major" && r.over);
    expect(over.length).toBeGreaterThan(0);
    const majors = await figure("major-ratios", "?organization=demo-school");
    expect(majors.rows.map((r) => r.subject).sort()).toEqual(over.map((r) => `${r.majorCode} ${r.majorName}`).sort());
    expect(total("major-ratios")).toBe((await figure("major-ratios")).total);
    // The evaluation in progress: every admitted organization not yet decided in the open period (a pending one is not evaluated).
    const [open] = await db().rows<{ id: string }>(sql`select id from evaluation_periods where status = 'open' order by created_at desc limit 1`);
    expect(await db().count("tenants", sql`kind = 'organization' and admission = 'pending'`)).toBeGreaterThan(0);
    expect(total("evaluation-progress")).toBe(
      (await db().count("tenants", sql`kind = 'organization' and admission in ('admitted', 'suspended')`)) -
        (await db().count("evaluation_results", sql`period_id = ${open.id}`)),
    );
    expect(total("evaluation-progress")).toBeGreaterThan(0);
    // demo-ai: 7 industry trainers of 20 (35%); demo-school's elderly-care cohort graduates within six months, never assessed.
    expect((await figure("industry-share")).rows.map((r) => r.organizationSlug)).toContain("demo-ai");
    expect((await figure("unassessed-cohorts", "?organization=demo-school")).total).toBeGreaterThan(0);
    // The member reads the same numbers.
    expect((await dashboard(member)).figures).toEqual(data.figures);
  });

  it("lists every organization's banks, empty ones included, and flags those not updated within the threshold", async () => {
    // A new organization without any certificate, and demo-care's questions last changed 400 days ago.
    await asSystem(
      sql`insert into tenants (kind, slug, name, credit_code, district, admission) values ('organization', 'empty-org', '空库组织', '91310000MA1FL7XK9Z', 'jingan', 'admitted')`,
    );
    const [trigger] = await db().rows<{ tgname: string }>(
      sql`select tgname from pg_trigger where tgrelid = 'questions'::regclass and tgfoid = 'touch_updated_at'::regproc`,
    );
    await app.database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table questions disable trigger ${sql.identifier(trigger.tgname)}`);
      await tx.execute(sql`update questions set updated_at = now() - interval '400 days' where tenant_id = (select id from tenants where slug = 'demo-care')`);
      await tx.execute(sql`alter table cases disable trigger cases_touch`);
      await tx.execute(sql`update cases set updated_at = now() - interval '400 days' where tenant_id = (select id from tenants where slug = 'demo-care')`);
      await tx.execute(sql`alter table cases enable trigger cases_touch`);
      await tx.execute(sql`alter table questions enable trigger ${sql.identifier(trigger.tgname)}`);
    });
    const banks = (await (await committee.data("/committee/banks", "routes/committee.banks")).json()) as {
      rows: { organizationSlug: string; certificateCode: string | null; flag: string | null; practice: number }[];
    };
    const empty = banks.rows.find((r) => r.organizationSlug === "empty-org");
    expect(empty).toMatchObject({ certificateCode: null, flag: "empty" });
    const care = banks.rows.filter((r) => r.organizationSlug === "demo-care" && r.practice > 0);
    expect(care.length).toBeGreaterThan(0);
    expect(care.every((r) => r.flag === "stale")).toBe(true);
    // The dashboard's figure counts exactly the flagged rows.
    const flagged = banks.rows.filter((r) => r.flag !== null).length;
    expect((await dashboard()).figures.find((f) => f.key === "stale-banks")!.total).toBe(flagged);
    const stale = (await (await committee.data("/committee/banks?flag=stale", "routes/committee.banks")).json()) as { rows: { flag: string }[] };
    expect(stale.rows.length).toBeGreaterThan(0);
    expect(stale.rows.every((r) => r.flag === "stale")).toBe(true);
  });

  it("lays exam sites against demand: the seeded duplicate in Xuhui and the gap where elderly-care students have no site", async () => {
    const layout = (await (await committee.data("/committee/sites", "routes/committee.sites")).json()) as {
      threshold: number;
      rows: { certificateCode: string; district: string; students: number; sites: number; justified: number; flag: string | null }[];
    };
    expect(layout.threshold).toBe(200);
    expect(layout.rows.find((r) => r.certificateCode === "AI-TRAINER" && r.district === "xuhui")).toMatchObject({ sites: 2, justified: 1, flag: "duplicate" });
    const [demand] = await db().rows<{ n: number }>(sql`
      select sum(c.student_count)::int as n from cohorts c join pilot_major_certificates p on p.tenant_id = c.tenant_id and p.major_id = c.major_id
      join certificates x on x.tenant_id = p.organization_id and x.id = p.certificate_id
      where x.code = 'ELDERLY-CARE' and c.expected_graduation >= ${shanghaiDate()}::date`);
    expect(layout.rows.find((r) => r.certificateCode === "ELDERLY-CARE" && r.district === "xuhui")).toMatchObject({
      sites: 0,
      students: Number(demand.n),
      flag: "gap",
    });
    const gaps = (await (await committee.data("/committee/sites?flag=gap", "routes/committee.sites")).json()) as { rows: { flag: string }[] };
    expect(gaps.rows.every((r) => r.flag === "gap")).toBe(true);
    expect((await figure("exam-sites")).total).toBe(layout.rows.filter((r) => r.flag).length);
    const csv = await committee.get("/committee/export/sites?format=csv");
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain("AI-TRAINER");
    // Raising the threshold does not clear a duplicate (one site is always justified); it is the committee's to set.
    expect(
      (await committee.action("/committee/settings", settingsRoute, { intent: "threshold", key: "site_students_per_site", value: 20, reason: "测试" })).status,
    ).toBe(200);
    const after = (await (await committee.data("/committee/sites", "routes/committee.sites")).json()) as typeof layout;
    expect(after.threshold).toBe(20);
    expect(after.rows.find((r) => r.certificateCode === "ELDERLY-CARE" && r.district === "xuhui")!.justified).toBe(Math.ceil(Number(demand.n) / 20));
  });

  it("makes an assessment fee published for a level with no cap in force a finding, until the committee sets a cap", async () => {
    const [elderly] = await db().rows<{ id: string; tenant_id: string }>(sql`select id, tenant_id from certificates where code = 'ELDERLY-CARE'`);
    expect(await db().count("cost_caps", sql`certificate_id = ${elderly.id} and level = 'junior'`)).toBe(0);
    await asSystem(sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact, status, published_at)
      values (${elderly.tenant_id}, ${elderly.id}, 'junior', 'assessment', 40000, 'per_person', ${shanghaiDate()}, '021-0000 0000', 'published', now() - interval '40 days')`);
    const findings = () =>
      db().rows<{ type: string; actual_fen: number }>(
        sql`select type, actual_fen::int as actual_fen from fee_findings where certificate_id = ${elderly.id} and level = 'junior'`,
      );
    expect(await findings()).toEqual([{ type: "no_cap", actual_fen: 40000 }]);
    const list = await figure("fee-findings", "?organization=demo-care");
    expect(list.rows.some((r) => r.kind === "no_cap")).toBe(true);
    const page = await (await committee.get("/committee/figures/fee-findings?organization=demo-care")).text();
    expect(page).toContain("考核费所在等级无成本上限");
    expect(
      (
        await committee.action("/committee/settings", settingsRoute, {
          intent: "cap",
          certificateId: elderly.id,
          level: "junior",
          amount: "500.00",
          reason: "补设上限",
        })
      ).status,
    ).toBe(200);
    expect(await findings()).toEqual([]);
  });

  it("keeps every settings change as a history row, audited; members read but cannot change, in the app or the database", async () => {
    const before = await db().count("committee_settings");
    const ok = await committee.action("/committee/settings", settingsRoute, { intent: "threshold", key: "bank_staleness_days", value: 90, reason: "季度更新" });
    expect(ok.status).toBe(200);
    expect(await db().count("committee_settings")).toBe(before + 1);
    expect(await db().count("audit_log", sql`action = 'committee.setting' and tenant_id = ${committeeId}`)).toBeGreaterThanOrEqual(1);
    const settings = (await (await committee.data("/committee/settings", settingsRoute)).json()) as {
      thresholds: { current: Record<string, number>; history: { key: string; value: number }[] };
    };
    expect(settings.thresholds.current.bank_staleness_days).toBe(90);
    expect(settings.thresholds.history.filter((h) => h.key === "bank_staleness_days").map((h) => h.value)).toEqual([90, 120, 180]);

    // The industry-field list: a new field, applied to the list certificates choose from.
    expect(
      (
        await committee.action("/committee/settings", settingsRoute, {
          intent: "industry",
          code: "aerospace",
          nameZh: "航空航天",
          nameEn: "Aerospace",
          reason: "新增",
        })
      ).status,
    ).toBe(200);
    expect(await db().count("industries", sql`code = 'aerospace' and name_en = 'Aerospace'`)).toBe(1);
    // A report period added, then its due day moved.
    expect(
      (
        await committee.action("/committee/settings", settingsRoute, {
          intent: "period",
          code: "2030-2031-1",
          startsOn: "2030-09-01",
          endsOn: "2031-01-31",
          dueOn: "2031-01-15",
        })
      ).status,
    ).toBe(200);
    const [period] = await db().rows<{ id: string }>(sql`select id from report_periods where code = '2030-2031-1'`);
    expect(
      (await committee.action("/committee/settings", settingsRoute, { intent: "movePeriod", periodId: period.id, dueOn: "2031-01-20", reason: "春节" })).status,
    ).toBe(200);
    expect(await db().count("report_periods", sql`code = '2030-2031-1' and due_on = '2031-01-20'`)).toBe(1);
    expect(await db().count("audit_log", sql`action in ('committee.industry_field', 'committee.report_period', 'committee.report_period_move')`)).toBe(3);

    // Bad input: 400 with the field's message in the user's language, nothing written.
    const written = await db().count("committee_settings");
    const bad = await committee.action("/committee/settings", settingsRoute, { intent: "threshold", key: "bank_staleness_days", value: 0, reason: "" });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { result: { error: Record<string, string[]> } };
    expect(Object.keys(body.result.error).sort()).toEqual(["reason", "value"]);
    const badPeriod = await committee.action("/committee/settings", settingsRoute, {
      intent: "period",
      code: "2031",
      startsOn: "2031-09-01",
      endsOn: "2031-01-31",
      dueOn: "2031-01-15",
    });
    expect(badPeriod.status).toBe(400);
    const periodErrors = ((await badPeriod.json()) as { result: { error: Record<string, string[]> } }).result.error;
    expect(periodErrors.code).toEqual(["周期格式如 2027-2028-1（学年，然后第 1 或第 2 学期）。"]);
    expect(
      (await committee.action("/committee/settings", settingsRoute, { intent: "industry", code: "Bad Code", nameZh: "x", nameEn: "x", reason: "x" })).status,
    ).toBe(400);
    expect(await db().count("committee_settings")).toBe(written);
    expect(await db().count("industries", sql`code = 'Bad Code'`)).toBe(0);

    // A member reads the page (no forms) but cannot change a setting.
    const page = await (await member.get("/committee/settings")).text();
    expect(page).toContain("Thresholds");
    expect(page).not.toContain('value="threshold"');
    const refused = await member.action("/committee/settings", settingsRoute, { intent: "threshold", key: "bank_staleness_days", value: 5, reason: "member" });
    expect([403, 404]).toContain(refused.status);
    expect(await db().count("committee_settings")).toBe(written);
    // …nor at the database, as the member's own role in the committee's scope.
    const [memberUser] = await db().rows<{ id: string }>(sql`select id from users where email = 'member2@committee.example.test'`);
    const asMember = { tenantId: committeeId, tenantKind: "committee", userId: memberUser.id, role: "member" };
    expect(
      await databaseError(asApp(asMember, (tx) => query(tx, sql`insert into committee_settings (key, value, reason) values ('bank_staleness_days', 5, 'x')`))),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(asApp(asMember, (tx) => query(tx, sql`insert into industry_field_changes (code, name_zh, name_en) values ('xx', 'x', 'x')`))),
    ).toMatch(/row-level security/);
    expect((await asApp(asMember, (tx) => query(tx, sql`select id from committee_settings`))).length).toBe(written);
  });

  it("schedules threshold and weight changes from a later day, shows them as scheduled, and withdraws them before they take effect", async () => {
    type Settings = {
      thresholds: { current: Record<string, number>; history: { id: string; key: string; value: number; scheduled: boolean }[] };
      weights: { current: Record<string, number>; history: { id: string; scheduled: boolean; weights: Record<string, number> }[] };
    };
    const settings = async () => (await (await committee.data("/committee/settings", settingsRoute)).json()) as Settings;
    const errors = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
    const at = async (key: string, day: string) =>
      (await db().rows<{ v: number }>(sql`select committee_setting_at(${key}, ${`${day}T00:00:00+08:00`}::timestamptz) as v`))[0].v;
    const today = shanghaiDate();
    const later = addDays(today, 20);
    const written = await db().count("committee_settings");

    // A past or malformed day: 400 on the field, nothing written.
    for (const effectiveOn of [addDays(today, -1), "2026-02-30", "tomorrow"]) {
      const bad = await committee.action("/committee/settings", settingsRoute, {
        intent: "threshold",
        key: "site_students_per_site",
        value: 150,
        effectiveOn,
        reason: "x",
      });
      expect(bad.status, effectiveOn).toBe(400);
      expect(Object.keys(await errors(bad)), effectiveOn).toEqual(["effectiveOn"]);
    }
    expect(await db().count("committee_settings")).toBe(written);

    // Scheduled: in the history as such, not in force until its day; the value on that day is the new one.
    const before = (await settings()).thresholds.current.site_students_per_site;
    const ok = await committee.action("/committee/settings", settingsRoute, {
      intent: "threshold",
      key: "site_students_per_site",
      value: 150,
      effectiveOn: later,
      reason: "下学期起",
    });
    expect(ok.status).toBe(200);
    let data = await settings();
    expect(data.thresholds.current.site_students_per_site).toBe(before);
    const scheduled = data.thresholds.history.find((h) => h.key === "site_students_per_site" && h.scheduled)!;
    expect(scheduled.value).toBe(150);
    expect(await at("site_students_per_site", later)).toBe(150);
    expect(await at("site_students_per_site", addDays(later, -1))).toBe(before);
    // One change per key and day: the form says so, and the database's unique key would too.
    const twice = await committee.action("/committee/settings", settingsRoute, {
      intent: "threshold",
      key: "site_students_per_site",
      value: 160,
      effectiveOn: later,
      reason: "x",
    });
    expect(twice.status).toBe(400);
    expect(Object.keys(await errors(twice))).toEqual(["effectiveOn"]);
    expect(
      await databaseError(
        asSystem(
          sql`insert into committee_settings (key, value, effective_from) values ('site_students_per_site', 160, ${`${later}T00:00:00+08:00`}::timestamptz)`,
        ),
      ),
    ).toMatch(/committee_settings_key_effective_key|duplicate key/);
    // The admin never back-dates, not even in raw SQL as the app role.
    const [admin] = await db().rows<{ id: string }>(sql`select id from users where email = 'committee@demo.xcert.test'`);
    const asAdmin = { tenantId: committeeId, tenantKind: "committee", userId: admin.id, role: "admin" };
    expect(
      await databaseError(
        asApp(asAdmin, (tx) =>
          query(tx, sql`insert into committee_settings (key, value, effective_from) values ('site_students_per_site', 7, now() - interval '1 day')`),
        ),
      ),
    ).toMatch(/row-level security/);

    // Withdrawn before it takes effect: gone from the history, audited; a change in force cannot be withdrawn.
    expect((await committee.action("/committee/settings", settingsRoute, { intent: "withdraw", settingId: scheduled.id })).status).toBe(200);
    expect(await db().count("committee_settings", sql`id = ${scheduled.id}`)).toBe(0);
    expect(await db().count("audit_log", sql`action = 'committee.setting_withdraw' and entity_id = ${scheduled.id}`)).toBe(1);
    const inForce = (await settings()).thresholds.history.find((h) => !h.scheduled)!;
    const refused = await committee.action("/committee/settings", settingsRoute, { intent: "withdraw", settingId: inForce.id });
    expect(refused.status).toBe(409);
    expect(await db().count("committee_settings", sql`id = ${inForce.id}`)).toBe(1);
    const deleted = await asApp(asAdmin, (tx) => query(tx, sql`delete from committee_settings where id = ${inForce.id} returning id`));
    expect(deleted).toEqual([]);

    // The evaluation weights: the seed's scheduled change is listed; a change now must sum to 100.
    data = await settings();
    expect(data.weights.history[0].scheduled).toBe(true);
    const weights = { certificate_quality: 30, industry_recognition: 10, integrity: 20, non_profit: 15, regional_service: 10, no_violation: 15 };
    const badSum = await committee.action("/committee/settings", settingsRoute, { intent: "weights", ...weights, certificate_quality: 31, reason: "x" });
    expect(badSum.status).toBe(400);
    expect((await errors(badSum)).certificate_quality).toEqual(["权重合计须为 100。"]);
    expect((await committee.action("/committee/settings", settingsRoute, { intent: "weights", ...weights, reason: "加重证书质量" })).status).toBe(200);
    expect((await settings()).weights.current).toEqual(weights);
    expect(await db().count("audit_log", sql`action = 'committee.evaluation_weights' and tenant_id = ${committeeId}`)).toBeGreaterThanOrEqual(1);
    // The open period scores with them and says where they are set.
    const [open] = await db().rows<{ id: string }>(sql`select id from evaluation_periods where status = 'open' order by created_at desc limit 1`);
    const period = (await (await committee.data(`/committee/evaluations/${open.id}`, "routes/committee.evaluations.$periodId")).json()) as {
      weights: { current: Record<string, number>; frozen: boolean };
    };
    expect(period.weights).toEqual({ current: weights, frozen: false });
    expect(await (await committee.get(`/committee/evaluations/${open.id}`)).text()).toContain('href="/committee/settings#weights"');
    // The six change together, at the database too (checked at commit).
    expect(await databaseError(asSystem(sql`insert into committee_settings (key, value) values ('weight_integrity', 40), ('weight_no_violation', 0)`))).toMatch(
      /six together/,
    );
  });

  it("schedules the notice period like the thresholds: from a later day, one per instant, never back-dated, withdrawn until it takes effect", async () => {
    type Notice = { id: string; days: number; scheduled: boolean };
    const notices = async () => ((await (await committee.data("/committee/settings", settingsRoute)).json()) as { notice: Notice[] }).notice;
    const errors = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
    const daysAt = async (at: string) => (await db().rows<{ d: number }>(sql`select notice_days_at(${at}::timestamptz) as d`))[0].d;
    const today = shanghaiDate();
    const later = addDays(today, 30);
    const findings = () => db().count("fee_findings");
    const [before, findingsBefore, written] = [await daysAt(new Date().toISOString()), await findings(), await db().count("notice_period_settings")];

    const bad = await committee.action("/committee/settings", settingsRoute, { intent: "notice", days: 45, effectiveOn: addDays(today, -1), reason: "x" });
    expect(bad.status).toBe(400);
    expect(Object.keys(await errors(bad))).toEqual(["effectiveOn"]);
    expect(await db().count("notice_period_settings")).toBe(written);

    const ok = await committee.action("/committee/settings", settingsRoute, { intent: "notice", days: before + 15, effectiveOn: later, reason: "明年起延长" });
    expect(ok.status).toBe(200);
    const scheduled = (await notices()).find((n) => n.scheduled)!;
    expect(scheduled.days).toBe(before + 15);
    // In force from its day only: what is published until then is judged by the period in force now.
    expect(await daysAt(new Date().toISOString())).toBe(before);
    expect(await daysAt(`${later}T00:00:00+08:00`)).toBe(before + 15);
    expect(await findings()).toBe(findingsBefore);
    expect(await (await committee.get("/committee/settings")).text()).toContain('value="withdrawNotice"');
    // One change per instant: the form says so, and the unique index too.
    const twice = await committee.action("/committee/settings", settingsRoute, { intent: "notice", days: 50, effectiveOn: later, reason: "x" });
    expect(twice.status).toBe(400);
    expect(Object.keys(await errors(twice))).toEqual(["effectiveOn"]);
    expect(
      await databaseError(asSystem(sql`insert into notice_period_settings (days, effective_from) values (50, ${`${later}T00:00:00+08:00`}::timestamptz)`)),
    ).toMatch(/notice_period_settings_effective_key|duplicate key/);
    // Never back-dated by the admin, not even in raw SQL as the app role; a member neither sets nor withdraws.
    const [admin] = await db().rows<{ id: string }>(sql`select id from users where email = 'committee@demo.xcert.test'`);
    const asAdmin = { tenantId: committeeId, tenantKind: "committee", userId: admin.id, role: "admin" };
    expect(
      await databaseError(
        asApp(asAdmin, (tx) => query(tx, sql`insert into notice_period_settings (days, effective_from) values (1, now() - interval '1 day')`)),
      ),
    ).toMatch(/row-level security/);
    const asMember = { tenantId: committeeId, tenantKind: "committee", userId: admin.id, role: "member" };
    expect(await asApp(asMember, (tx) => query(tx, sql`delete from notice_period_settings where id = ${scheduled.id} returning id`))).toEqual([]);
    expect([403, 404]).toContain((await member.action("/committee/settings", settingsRoute, { intent: "withdrawNotice", settingId: scheduled.id })).status);

    // Withdrawn before its day: gone, audited. The period in force cannot be withdrawn, by the form or in SQL.
    expect((await committee.action("/committee/settings", settingsRoute, { intent: "withdrawNotice", settingId: scheduled.id })).status).toBe(200);
    expect(await db().count("notice_period_settings", sql`id = ${scheduled.id}`)).toBe(0);
    expect(await db().count("audit_log", sql`action = 'committee.notice_period_withdraw' and entity_id = ${scheduled.id}`)).toBe(1);
    const inForce = (await notices()).find((n) => !n.scheduled)!;
    expect((await committee.action("/committee/settings", settingsRoute, { intent: "withdrawNotice", settingId: inForce.id })).status).toBe(409);
    expect(await asApp(asAdmin, (tx) => query(tx, sql`delete from notice_period_settings where id = ${inForce.id} returning id`))).toEqual([]);
    expect(await db().count("notice_period_settings")).toBe(written);
    expect(await findings()).toBe(findingsBefore);
  });

  it("keeps organizations and schools out: 404 on every committee page and export, nothing in raw SQL as their roles", async () => {
    const paths = [
      "/committee",
      "/committee/figures/fee-findings",
      "/committee/figures/open-violations",
      "/committee/sites",
      "/committee/banks",
      "/committee/settings",
      "/committee/export/sites?format=csv",
      "/committee/export/fee-findings?format=xlsx",
      "/committee/export/violations?format=csv",
      "/committee/export/filings?format=xlsx&queue=all",
      "/committee/export/bank-materials?format=xlsx",
    ];
    for (const path of paths) {
      expect((await committee.get(path)).status, path).toBe(200);
      for (const outsider of [orgAdmin, schoolAdmin]) expect((await outsider.get(path)).status, path).toBe(404);
      const anonymous = await app.client().get(path);
      expect(anonymous.status, path).toBe(302);
    }
    // The triage queues export what their pages list: one line per report, per filing of the queue.
    const violations = (await (await committee.get("/committee/export/violations?format=csv")).text()).trim().split("\n");
    expect(violations.length - 1).toBe(await db().count("violation_reports"));
    expect(violations[0]).toContain("状态");
    const pendingFilings = (await (await committee.get("/committee/export/filings?format=csv")).text()).trim().split("\n");
    expect(pendingFilings.length - 1).toBe(await db().count("filings", sql`status in ('submitted', 'resubmitted')`));
    expect(await (await committee.get("/committee/filings")).text()).toContain('href="/committee/export/filings?queue=pending&amp;format=csv"');
    // The banks page's materials table: one line per certificate with materials, as the stored counts say.
    const materials = (await (await committee.get("/committee/export/bank-materials?format=csv")).text()).trim().split("\n");
    expect(materials.length - 1).toBe(await db().count("bank_counts", sql`bank = 'materials'`));
    expect(await (await committee.get("/committee/banks")).text()).toContain('href="/committee/export/bank-materials?format=csv"');
    expect((await committee.get("/committee/figures/nothing")).status).toBe(404);
    expect((await committee.get("/committee/export/constructor?format=csv")).status).toBe(404);
    expect((await committee.get("/committee/export/sites?format=pdf")).status).toBe(404);
    // Odd filters are ignored, not errors.
    expect((await committee.get("/committee/figures/fee-findings?organization=%00%27--&page=-4")).status).toBe(200);
    expect((await committee.get("/committee/sites?district=nowhere&flag=x")).status).toBe(200);
    expect(
      (await orgAdmin.action("/committee/settings", settingsRoute, { intent: "threshold", key: "bank_staleness_days", value: 5, reason: "x" })).status,
    ).toBe(404);

    const [orgUser] = await db().rows<{ id: string }>(sql`select id from users where email = 'org-admin@demo.xcert.test'`);
    const [schoolUser] = await db().rows<{ id: string }>(sql`select id from users where email = 'school-admin@demo.xcert.test'`);
    const asOrg = { tenantId: aiId, tenantKind: "organization", userId: orgUser.id, role: "admin" };
    const asSchool = { tenantId: schoolId, tenantKind: "school", userId: schoolUser.id, role: "admin" };
    for (const scope of [asOrg, asSchool]) {
      expect(await asApp(scope, (tx) => query(tx, sql`select * from committee_settings`))).toEqual([]);
      expect(await asApp(scope, (tx) => query(tx, sql`select * from industry_field_changes`))).toEqual([]);
      expect(await asApp(scope, (tx) => query(tx, sql`select * from industry_share_overview()`))).toEqual([]);
      expect(await databaseError(asApp(scope, (tx) => query(tx, sql`insert into committee_settings (key, value) values ('bank_staleness_days', 5)`)))).toMatch(
        /row-level security/,
      );
    }
    // The school still sees only the exam sites it hosts, never another's.
    const sites = await asApp(asSchool, (tx) => query<{ host_tenant_id: string | null }>(tx, sql`select host_tenant_id from exam_sites`));
    expect(sites.every((s) => s.host_tenant_id === schoolId)).toBe(true);
    expect(await db().count("exam_sites", sql`host_tenant_id is distinct from ${schoolId}`)).toBeGreaterThan(0);
  });
});
