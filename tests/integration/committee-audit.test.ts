import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendFindingDigest } from "../../app/modules/committee/digest.server";
import { nextMondayMorning, runDueJobs } from "../../app/modules/jobs/scheduler.server";
import { withSystem } from "../../app/modules/tenancy/context.server";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { enrolSecondFactor } from "../support/second-factor";

// The committee's fee audit (DOMAIN §二.10, §二.14) across every tenant: each kind of finding made
// from data, with its evidence; filters, sort, counts per organization; the CSV; who may see it; and
// the weekly digest to committee members through the outbox. What the app rightly refuses to create
// (late or over-cap publications, a forged price, an order with no fee) is written as the owner in the
// system scope, which the triggers let record history as it was.

const auditRoute = "routes/committee.fees";

interface FindingRow {
  key: string;
  type: string;
  organizationSlug: string;
  entityId: string;
  entityType: string;
  actualFen: number | null;
  expectedFen: number | null;
  noticeGiven: number | null;
  noticeRequired: number | null;
  at: string;
  summary: string;
  evidence: string;
}

describe("committee fee audit", () => {
  let app: TestApp;
  let committee: HttpClient; // admin of the committee
  let member: HttpClient; // member of the committee, joined by invitation
  let orgAdmin: HttpClient; // admin of demo-ai
  let finance: HttpClient; // finance of demo-ai
  let school: HttpClient; // admin of demo-school
  let anonymous: HttpClient;
  let ai: string;
  let care: string;
  let schoolId: string;
  let trainer: string;
  let elderly: string;
  const today = shanghaiDate();
  const ids: Record<string, string> = {};
  const db = () => owner(app.database);

  /** As the owner, in the system scope: history the app itself refuses to write. */
  const asSystem = (statement: SQL) =>
    app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      return (await tx.execute(statement)) as unknown;
    });
  const insertDisclosure = async (values: {
    tenant: string;
    certificate: string;
    level: string;
    kind: string;
    fen: number;
    from: string;
    publishedDaysAgo: number;
    supersedes?: string;
  }) => {
    await asSystem(sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact, status, published_at, supersedes_id)
      values (${values.tenant}, ${values.certificate}, ${values.level}, ${values.kind}, ${values.fen}, 'per_person', ${values.from}, '021-0000 0000', 'published',
        now() - make_interval(days => ${values.publishedDaysAgo}), ${values.supersedes ?? null})`);
    return (
      await db().rows<{ id: string }>(
        sql`select id from fee_disclosures where certificate_id = ${values.certificate} and level = ${values.level} and kind = ${values.kind} and effective_from = ${values.from}`,
      )
    )[0].id;
  };
  const insertOrder = async (values: { number: string; level: string; unitFen: number; headcount: number; disclosure: string | null; status?: string }) => {
    await asSystem(sql`insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date, headcount, unit_price_fen, total_fen, contact_email, status)
      values (${ai}, ${values.number}, ${schoolId}, ${trainer}, ${values.level}, ${values.disclosure}, '徐汇校区', ${addDays(today, 20)}, ${today}, ${values.headcount},
        ${values.unitFen}, ${values.unitFen * values.headcount}, 'school-admin@demo.xcert.test', ${values.status ?? "pending"})`);
    return (await db().rows<{ id: string }>(sql`select id from assessment_orders where number = ${values.number}`))[0].id;
  };
  const setCap = async (certificateId: string, level: string, amount: string) => {
    const response = await committee.action("/committee/settings", "routes/committee.settings", {
      intent: "cap",
      certificateId,
      level,
      amount,
      reason: "成本核算复核",
    });
    expect(response.status).toBe(200);
  };
  const audit = async (query = "", client = committee) => {
    const response = await client.data(`/committee/fees${query}`, auditRoute);
    expect(response.status, query).toBe(200);
    return (await response.json()) as { findings: FindingRow[]; counts: { slug: string; total: number; byType: Record<string, number> }[]; total: number };
  };
  const findingOf = (findings: FindingRow[], type: string, entityId: string) => findings.filter((f) => f.type === type && f.entityId === entityId);

  beforeAll(async () => {
    app = await startApp();
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
    orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    school = app.client();
    await school.login("school-admin@demo.xcert.test");
    anonymous = app.client();
    const rows = await db().rows<{ code: string; id: string; tenant_id: string }>(sql`select code, id, tenant_id from certificates`);
    trainer = rows.find((c) => c.code === "AI-TRAINER")!.id;
    elderly = rows.find((c) => c.code === "ELDERLY-CARE")!.id;
    ai = rows.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    care = rows.find((c) => c.code === "ELDERLY-CARE")!.tenant_id;
    schoolId = (await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`))[0].id;

    // A committee member (not admin), invited by the committee's admin as anyone would be.
    const invited = await committee.action("/w/committee/members", "routes/w.$slug.members", { email: "member@committee.example.test", role: "member" });
    expect(invited.status).toBe(200);
    const [mail] = await db().rows<{ text: string }>(sql`select text from email_outbox where "to" = 'member@committee.example.test'`);
    const path = /\/join\/[a-z0-9-]+\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    member = app.client({ locale: "en" });
    expect((await member.post(path, { intent: "create", name: "委员", password: "committee-member-pw-1" })).status).toBe(302);
    // Committee members must enrol a second factor before anything else (decision 031).
    await enrolSecondFactor(member);

    // late_notice at demo-ai: a training fee taking effect in 5 days, published today.
    ids.late = await insertDisclosure({
      tenant: ai,
      certificate: trainer,
      level: "intermediate",
      kind: "training",
      fen: 300_000,
      from: addDays(today, 5),
      publishedDaysAgo: 0,
    });
    // over_cap at publication, at demo-care: a senior cap of ¥600 set by the committee, then ¥650 published.
    await setCap(elderly, "senior", "600.00");
    ids.overCapThen = await insertDisclosure({
      tenant: care,
      certificate: elderly,
      level: "senior",
      kind: "assessment",
      fen: 65_000,
      from: addDays(today, 40),
      publishedDaysAgo: 0,
    });
    // demo-ai junior: ¥290 (within the ¥300 cap), superseded by ¥260 since 100 days.
    ids.juniorOld = await insertDisclosure({
      tenant: ai,
      certificate: trainer,
      level: "junior",
      kind: "assessment",
      fen: 29_000,
      from: addDays(today, -150),
      publishedDaysAgo: 200,
    });
    ids.juniorNew = await insertDisclosure({
      tenant: ai,
      certificate: trainer,
      level: "junior",
      kind: "assessment",
      fen: 26_000,
      from: addDays(today, -100),
      publishedDaysAgo: 140,
      supersedes: ids.juniorOld,
    });
    // order_price_mismatch: charged ¥300 a head while ¥350 was disclosed in force that day.
    const [inForce] = await db().rows<{ id: string }>(
      sql`select id from fee_in_force(${ai}::uuid, ${trainer}::uuid, 'intermediate', 'assessment', ${today}::date)`,
    );
    ids.priceOrder = await insertOrder({ number: "XC-AUDIT-PRICE", level: "intermediate", unitFen: 30_000, headcount: 2, disclosure: inForce.id });
    // no_disclosure: a senior assessment charged while no senior fee was in force; a cancelled one is no finding.
    ids.undisclosedOrder = await insertOrder({ number: "XC-AUDIT-NOFEE", level: "senior", unitFen: 50_000, headcount: 1, disclosure: null });
    ids.cancelledOrder = await insertOrder({
      number: "XC-AUDIT-CANCELLED",
      level: "senior",
      unitFen: 50_000,
      headcount: 1,
      disclosure: null,
      status: "cancelled",
    });
  });
  afterAll(() => app.close());

  it("finds a fee published with less notice than required, with the disclosure as evidence", async () => {
    const { findings } = await audit();
    const [late] = findingOf(findings, "late_notice", ids.late);
    expect(late).toMatchObject({
      organizationSlug: "demo-ai",
      entityType: "fee_disclosure",
      noticeGiven: 5,
      noticeRequired: 30,
      evidence: `/fees/${ids.late}`,
    });
    expect(late.summary).toBe(`${addDays(today, 5)} 生效，仅提前 5 天公示（要求 30 天）。`);
    // The demo's legacy disclosure at demo-care: 10 days' notice.
    const seeded = findings.filter((f) => f.type === "late_notice" && f.organizationSlug === "demo-care");
    expect(seeded.map((f) => [f.noticeGiven, f.noticeRequired])).toEqual([[10, 30]]);
    // The evidence is the public history of the disclosure, open without login.
    const evidence = await anonymous.get(late.evidence);
    expect(evidence.status).toBe(200);
    expect(await evidence.text()).toContain("¥3,000.00");
  });

  it("finds an assessment fee above the cap in force when it was published", async () => {
    const { findings } = await audit();
    expect(findingOf(findings, "over_cap", ids.overCapThen)).toMatchObject([
      { organizationSlug: "demo-care", actualFen: 65_000, expectedFen: 60_000, evidence: `/fees/${ids.overCapThen}` },
    ]);
    expect((await anonymous.get(`/fees/${ids.overCapThen}`)).status).toBe(200);
  });

  it("finds a fee still in force or announced above a cap lowered after its publication, and not one superseded before", async () => {
    // Published within the ¥800 cap through the app, effective in 50 days: no finding.
    const published = await finance.post("/w/demo-ai/fees/new", {
      certificateId: trainer,
      level: "senior",
      kind: "assessment",
      amount: "700.00",
      unit: "per_person",
      includes: "理论与实操考核。",
      effectiveFrom: addDays(today, 50),
      contact: "021-6482 0000",
      changeReason: "",
      intent: "publish",
    });
    expect(published.status).toBe(302);
    ids.senior = published.headers.get("location")!.split("/").at(-1)!;
    expect(findingOf((await audit()).findings, "over_cap", ids.senior)).toEqual([]);

    // The committee lowers the senior cap to ¥600, and the junior cap from ¥300 to ¥270.
    await setCap(trainer, "senior", "600.00");
    await setCap(trainer, "junior", "270.00");
    const { findings } = await audit();
    expect(findingOf(findings, "over_cap", ids.senior)).toMatchObject([
      { organizationSlug: "demo-ai", actualFen: 70_000, expectedFen: 60_000, evidence: `/fees/${ids.senior}` },
    ]);
    // Junior: ¥260 in force is within ¥270; ¥290 was within its cap and ended 100 days ago.
    expect(findingOf(findings, "over_cap", ids.juniorNew)).toEqual([]);
    expect(findingOf(findings, "over_cap", ids.juniorOld)).toEqual([]);
    // The demo's ¥480 at demo-care, above the cap lowered to ¥450 five days ago.
    expect(
      findings
        .filter((f) => f.type === "over_cap" && f.organizationSlug === "demo-care")
        .map((f) => [f.actualFen, f.expectedFen])
        .sort(),
    ).toEqual([
      [48_000, 45_000],
      [65_000, 60_000],
    ]);
  });

  it("finds an order charged a unit price other than the disclosure in force on its date, with the order as evidence", async () => {
    const { findings } = await audit();
    const [finding] = findingOf(findings, "order_price_mismatch", ids.priceOrder);
    expect(finding).toMatchObject({
      organizationSlug: "demo-ai",
      entityType: "assessment_order",
      actualFen: 30_000,
      expectedFen: 35_000,
      evidence: `/committee/orders/${ids.priceOrder}`,
    });
    expect(finding.summary).toBe("订单 XC-AUDIT-PRICE 单价 ¥300.00，当日公示为 ¥350.00。");
    const evidence = await committee.get(finding.evidence);
    expect(evidence.status).toBe(200);
    const html = await evidence.text();
    expect(html).toContain('data-consistent="false"');
    expect(html).toContain("订单单价与公示不符");
    // The order's evidence page is the committee's: the selling organization's admin cannot open it there.
    expect((await orgAdmin.get(finding.evidence)).status).toBe(404);
  });

  it("finds a payment amount different from the order total (a transfer of the wrong amount, confirmed)", async () => {
    const placed = await school.post("/w/demo-school/orders/new", {
      certificateId: trainer,
      level: "intermediate",
      examSite: "徐汇校区",
      examDate: addDays(today, 21),
      headcount: "1",
    });
    const id = placed.headers.get("location")!.split("/").at(-1)!;
    ids.paymentOrder = id;
    expect(
      (await school.action(`/w/demo-school/orders/${id}`, "routes/w.$slug.orders.$orderId", { intent: "transfer", amount: "400.00", reference: "ICBC AUDIT" }))
        .status,
    ).toBe(200);
    const [payment] = await db().rows<{ id: string }>(sql`select id from payments where order_id = ${id}`);
    expect(findingOf((await audit()).findings, "payment_mismatch", id)).toEqual([]); // not confirmed, not paid
    expect((await finance.action(`/w/demo-ai/orders/${id}`, "routes/w.$slug.orders.$orderId", { intent: "confirm", paymentId: payment.id })).status).toBe(200);
    const [finding] = findingOf((await audit()).findings, "payment_mismatch", id);
    expect(finding).toMatchObject({ organizationSlug: "demo-ai", actualFen: 40_000, expectedFen: 35_000, evidence: `/committee/orders/${id}` });
    expect(await (await committee.get(finding.evidence)).text()).toContain("支付金额与订单总额不符");
    // The demo's paid order (paid in full, at the fee in force) is not a finding of any kind.
    const [demoOrder] = await db().rows<{ id: string }>(sql`select id from assessment_orders where number like '%-DEMO01'`);
    expect((await audit()).findings.filter((f) => f.entityId === demoOrder.id)).toEqual([]);
  });

  it("finds a fee charged with no disclosure at all, but not for a cancelled order", async () => {
    const { findings } = await audit();
    expect(findingOf(findings, "no_disclosure", ids.undisclosedOrder)).toMatchObject([
      { organizationSlug: "demo-ai", actualFen: 50_000, expectedFen: null, evidence: `/committee/orders/${ids.undisclosedOrder}` },
    ]);
    expect(findings.filter((f) => f.entityId === ids.cancelledOrder)).toEqual([]);
    expect((await committee.get(`/committee/orders/${ids.undisclosedOrder}`)).status).toBe(200);
  });

  it("filters by organization and type, sorts, and counts per organization across all tenants", async () => {
    const all = await audit();
    const expected = {
      "demo-ai": { late_notice: 1, over_cap: 1, order_price_mismatch: 1, payment_mismatch: 1, no_disclosure: 1 },
      "demo-care": { late_notice: 1, over_cap: 2 },
    };
    expect(all.counts).toEqual([
      { slug: "demo-ai", name: "上海智训人工智能科技有限公司", nameEn: "Shanghai Zhixun AI Technology Co., Ltd.", total: 5, byType: expected["demo-ai"] },
      { slug: "demo-care", name: expect.any(String), nameEn: expect.any(String), total: 3, byType: expected["demo-care"] },
    ]);
    expect(all.total).toBe(8);
    expect(all.findings).toHaveLength(8);
    // Newest first by default.
    const times = all.findings.map((f) => Date.parse(f.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const care = await audit("?organization=demo-care");
    expect(care.findings.map((f) => f.organizationSlug)).toEqual(["demo-care", "demo-care", "demo-care"]);
    expect(care.counts).toEqual(all.counts); // the counts stay those of every organization
    expect(care.total).toBe(8);
    expect((await audit("?type=over_cap")).findings.map((f) => f.type)).toEqual(["over_cap", "over_cap", "over_cap"]);
    expect((await audit("?organization=demo-ai&type=over_cap")).findings.map((f) => f.entityId)).toEqual([ids.senior]);
    expect((await audit("?organization=nobody")).findings).toEqual([]);

    const byOrganization = (await audit("?sort=organization")).findings.map((f) => f.organizationSlug);
    expect(byOrganization).toEqual([...byOrganization].sort());
    const byType = (await audit("?sort=type")).findings.map((f) => f.type);
    expect(byType).toEqual([...byType].sort());
    expect(new Set(byType).size).toBe(5);
    // Unknown values are ignored, not errors.
    expect((await audit("?type=bogus&sort=bogus&organization=")).findings).toHaveLength(8);
    // The page itself (not only its data) renders with the counts and the evidence links.
    const page = await (await committee.get("/committee/fees?organization=demo-ai")).text();
    expect(page).toContain('data-testid="finding-count-demo-ai"');
    expect(page).toContain(`href="/committee/orders/${ids.priceOrder}"`);
    expect(page).not.toContain(`href="/fees/${ids.overCapThen}"`);
  });

  it("exports the findings as CSV with a BOM, filtered like the page, with absolute evidence links", async () => {
    const response = await committee.get("/committee/fees.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain("fee-audit.csv");
    // fetch's text() drops a BOM: look at the bytes.
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split("\r\n");
    expect(lines[0]).toBe("问题类型,培训评价组织,详情,实际金额（分）,应为（分）,时间,证据,key");
    expect(lines).toHaveLength(9);
    const filtered = (await (await committee.get("/committee/fees.csv?type=order_price_mismatch")).text()).trim().split("\r\n");
    expect(filtered).toHaveLength(2);
    expect(filtered[1]).toMatch(/^订单单价与公示不符,上海智训人工智能科技有限公司,订单 XC-AUDIT-PRICE 单价 ¥300.00，当日公示为 ¥350.00。,30000,35000,/);
    expect(filtered[1]).toMatch(new RegExp(`,https?://[^,]+/committee/orders/${ids.priceOrder},order_price_mismatch:${ids.priceOrder}$`));
    // In English for a member who reads English.
    const english = (await (await member.get("/committee/fees.csv?organization=demo-care")).text()).trim().split("\r\n");
    expect(english).toHaveLength(4);
    expect(english[0]).toMatch(/^[A-Za-z]/);
  });

  it("opens to the committee's admin and members only: organizations and schools get 404, anonymous visitors the login", async () => {
    for (const path of ["/committee/fees", "/committee/fees.csv", `/committee/orders/${ids.priceOrder}`]) {
      expect((await committee.get(path)).status, path).toBe(200);
      expect((await member.get(path)).status, path).toBe(200);
      for (const outsider of [orgAdmin, finance, school]) expect((await outsider.get(path)).status, path).toBe(404);
      const login = await anonymous.get(path);
      expect(login.status, path).toBe(302);
      expect(login.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
    // A member reads the same audit as the admin.
    expect((await audit("", member)).total).toBe(8);
  });

  it("emails the new findings to every committee member once a week through the outbox, never twice", async () => {
    const digests = () =>
      db().rows<{ to: string; locale: string; subject: string; text: string }>(
        sql`select "to", locale, subject, text from email_outbox where template = 'finding-digest' order by "to", created_at`,
      );
    const start = new Date();
    // The first look only schedules the job for the next Monday morning (09:00 in Shanghai).
    expect(await runDueJobs(start, ["fee-audit-digest"])).toEqual([]);
    expect(await digests()).toEqual([]);
    const monday = nextMondayMorning(start);
    expect(monday.getUTCDay()).toBe(1);
    expect(monday.getUTCHours()).toBe(1);
    expect(await runDueJobs(new Date(monday.getTime() - 60_000), ["fee-audit-digest"])).toEqual([]);

    expect(await runDueJobs(monday, ["fee-audit-digest"])).toEqual(["fee-audit-digest"]);
    const first = await digests();
    expect(first.map((m) => [m.to, m.locale])).toEqual([
      ["committee-member@demo.xcert.test", "zh-CN"],
      ["committee@demo.xcert.test", "zh-CN"],
      ["member@committee.example.test", "en"],
    ]);
    expect(first[1].text).toContain("上海智训人工智能科技有限公司");
    expect(first[1].text).toContain("订单 XC-AUDIT-PRICE 单价 ¥300.00，当日公示为 ¥350.00。");
    expect(first[1].text).toMatch(/\/committee\/fees/);
    expect(first[1].subject).toContain("8");
    expect(first[2].subject).toContain("8");
    expect(await db().count("finding_notices", sql`digested_at is not null`)).toBe(8);

    // Again the same week: not due. Running the digest itself again: nothing new, nothing sent.
    expect(await runDueJobs(new Date(monday.getTime() + 3_600_000), ["fee-audit-digest"])).toEqual([]);
    expect(await withSystem((tx, rescope) => sendFindingDigest(tx, rescope))).toEqual({ sent: 0, findings: 0 });
    expect(await digests()).toHaveLength(3);
    // The next Monday with nothing new: the job runs and sends nothing.
    const nextWeek = new Date(monday.getTime() + 7 * 86_400_000);
    expect(await runDueJobs(nextWeek, ["fee-audit-digest"])).toEqual(["fee-audit-digest"]);
    expect(await digests()).toHaveLength(3);

    // A new finding: the following Monday's digest lists it alone.
    const fresh = await insertOrder({ number: "XC-AUDIT-NEW", level: "senior", unitFen: 10_000, headcount: 1, disclosure: null });
    expect(await runDueJobs(new Date(nextWeek.getTime() + 7 * 86_400_000), ["fee-audit-digest"])).toEqual(["fee-audit-digest"]);
    const latest = (await digests()).filter((m) => m.text.includes("XC-AUDIT-NEW"));
    expect(latest.map((m) => m.to)).toEqual(["committee-member@demo.xcert.test", "committee@demo.xcert.test", "member@committee.example.test"]);
    for (const mail of latest) {
      expect(mail.subject).toContain("1");
      expect(mail.text).not.toContain("XC-AUDIT-PRICE");
    }
    expect(await db().count("email_outbox", sql`template = 'finding-digest'`)).toBe(6);
    expect(await db().count("finding_notices", sql`key = ${`no_disclosure:${fresh}`} and digested_at is not null`)).toBe(1);
  });
  // The audit is stored (decision 011): the database refreshes a fee key's findings with every write
  // that can change them, and catches up with the calendar before the audit is read.
  it("stores exactly what the rules compute afresh, and nothing the app role can write", async () => {
    const drift = await db().rows(sql`
      (select * from fee_findings except select * from fee_findings_of(null))
      union all (select * from fee_findings_of(null) except select * from fee_findings)`);
    expect(drift).toEqual([]);
    expect(await db().count("fee_findings")).toBeGreaterThanOrEqual(9);
    const [committeeTenant] = await db().rows<{ id: string }>(sql`select id from tenants where kind = 'committee'`);
    for (const scope of [
      { tenantId: committeeTenant.id, tenantKind: "committee", role: "admin" },
      { tenantId: ai, tenantKind: "organization", role: "owner" },
      { role: "system" },
    ]) {
      for (const statement of [
        sql`delete from fee_findings`,
        sql`update fee_findings set actual_fen = 0`,
        sql`insert into fee_findings (tenant_id, type, entity_id, entity_type, certificate_id, level, at, reference)
            values (${ai}, 'late_notice', gen_random_uuid(), 'fee_disclosure', ${trainer}, 'junior', now(), 'x')`,
        sql`select refresh_fee_findings(null)`,
        sql`select * from fee_findings_of(null)`,
      ])
        expect(await databaseError(asApp(scope, (tx) => tx.execute(statement))), `${scope.role}`).toMatch(/permission denied/);
    }
    // An organization reads the committee's findings about itself (its overview), and no other's.
    const own = await asApp({ tenantId: ai, tenantKind: "organization", role: "owner" }, (tx) =>
      query<{ tenant_id: string }>(tx, sql`select tenant_id from fee_findings`),
    );
    expect(own.length).toBe(await db().count("fee_findings", sql`tenant_id = ${ai}`));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((row) => row.tenant_id === ai)).toBe(true);
  });

  it("applies a cap set to take effect later at that instant, without anyone writing again", async () => {
    // demo-ai junior: ¥260 in force, within the ¥270 cap. A ¥250 cap from two seconds from now.
    await asSystem(sql`insert into cost_caps (tenant_id, certificate_id, level, amount_fen, effective_from, reason)
      values (${ai}, ${trainer}, 'junior', 25000, now() + interval '2 seconds', '下月起下调')`);
    expect(findingOf((await audit()).findings, "over_cap", ids.juniorNew)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(findingOf((await audit()).findings, "over_cap", ids.juniorNew)).toMatchObject([{ actualFen: 26_000, expectedFen: 25_000 }]);
  });

  it("catches up with the calendar: a fee that took effect today replaces yesterday's findings of its key", async () => {
    // ¥255 from today supersedes ¥260 (announced 40 days ago). As if the audit was last brought up to
    // date yesterday, before the day turned: the key's stored findings are yesterday's.
    ids.juniorToday = await insertDisclosure({
      tenant: ai,
      certificate: trainer,
      level: "junior",
      kind: "assessment",
      fen: 25_500,
      from: today,
      publishedDaysAgo: 40,
      supersedes: ids.juniorNew,
    });
    await db().rows(sql`delete from fee_findings where tenant_id = ${ai} and certificate_id = ${trainer} and level = 'junior'`);
    await db().rows(sql`insert into fee_findings (tenant_id, type, entity_id, entity_type, certificate_id, level, at, actual_fen, expected_fen, reference)
      values (${ai}, 'over_cap', ${ids.juniorNew}, 'fee_disclosure', ${trainer}, 'junior', now() - interval '140 days', 26000, 25000, 'yesterday')`);
    await db().rows(sql`update fee_audit_state set refreshed_at = now() - interval '1 day', next_change_at = now() - interval '1 second'`);
    const { findings } = await audit();
    expect(findingOf(findings, "over_cap", ids.juniorNew)).toEqual([]);
    expect(findingOf(findings, "over_cap", ids.juniorToday)).toMatchObject([{ actualFen: 25_500, expectedFen: 25_000 }]);
    // Caught up until the next midnight in Shanghai: the next visit reads without refreshing.
    const [state] = await db().rows<{ due: boolean; nextDay: boolean }>(sql`
      select next_change_at > now() as due, next_change_at = ((now() at time zone 'Asia/Shanghai')::date + 1)::timestamp at time zone 'Asia/Shanghai' as "nextDay"
      from fee_audit_state`);
    expect(state).toEqual({ due: true, nextDay: true });
  });

  it("refreshes one fee key at a time: two payments of one order recorded at once leave the right verdict", async () => {
    const [fee] = await db().rows<{ id: string; amount_fen: number }>(
      sql`select id, amount_fen from fee_in_force(${ai}::uuid, ${trainer}::uuid, 'intermediate', 'assessment', ${today}::date)`,
    );
    const orderId = await insertOrder({ number: "XC-AUDIT-SPLIT", level: "intermediate", unitFen: Number(fee.amount_fen), headcount: 2, disclosure: fee.id });
    // Each transfer pays half. Alone, each would be a payment of the wrong amount; together they pay
    // the total. The first transaction holds its key while the second tries (on PostgreSQL they overlap).
    const transfer = (pause: number) =>
      app.database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.role', 'system', true)`);
        await tx.execute(sql`insert into payments (tenant_id, order_id, method, status, amount_fen, bank_reference)
          values (${ai}, ${orderId}, 'bank_transfer', 'succeeded', ${Number(fee.amount_fen)}, 'ICBC SPLIT')`);
        await tx.execute(sql`select pg_sleep(${pause})`); // its findings written, not yet committed
      });
    await Promise.all([transfer(0.3), new Promise((resolve) => setTimeout(resolve, 50)).then(() => transfer(0))]);
    expect(await db().count("fee_findings", sql`entity_id = ${orderId}`)).toBe(0);
    const drift = await db().rows(sql`
      (select * from fee_findings except select * from fee_findings_of(null))
      union all (select * from fee_findings_of(null) except select * from fee_findings)`);
    expect(drift).toEqual([]);
  });

  it("pages through many findings in each sort without losing or repeating one", async () => {
    await asSystem(sql`insert into assessment_orders (tenant_id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date,
        headcount, unit_price_fen, total_fen, contact_email, created_at)
      select ${ai}, 'XC-AUDIT-MANY-' || g, ${schoolId}, ${trainer}, 'senior', null, '徐汇校区', ${addDays(today, 20)}, ${today}, 1, 10000, 10000,
        'school-admin@demo.xcert.test', now() - make_interval(secs => g % 7)
      from generate_series(1, 130) g`);
    const { total } = await audit();
    expect(total).toBeGreaterThan(130);
    for (const sort of ["date", "organization", "type"]) {
      const seen: string[] = [];
      let query = `?sort=${sort}`;
      for (let page = 0; page < 10; page++) {
        const response = await committee.data(`/committee/fees${query}`, auditRoute);
        const data = (await response.json()) as { findings: FindingRow[]; nextCursor: string | null };
        seen.push(...data.findings.map((f) => f.key));
        if (!data.nextCursor) break;
        expect(data.findings).toHaveLength(50);
        query = `?sort=${sort}&cursor=${data.nextCursor}`;
      }
      expect(seen, sort).toHaveLength(total);
      expect(new Set(seen).size, sort).toBe(total);
    }
    // A forged cursor is ignored (the first page), not an error.
    expect((await audit("?cursor=bm90LWEtY3Vyc29y")).findings).toHaveLength(50);
  });
});
