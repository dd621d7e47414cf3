import { sql } from "drizzle-orm";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/i18n";
import { auditActionLabel, auditActions } from "../../app/modules/audit/actions";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { creditCode } from "../support/demo";
import { owner } from "../support/db";
import { enrolSecondFactor } from "../support/second-factor";
import { signUpAndVerify } from "../support/signup";

// The workspace overview (issue 13, items 4 and 9): each figure equals what the page it links to
// shows, each section only for roles that may open that page, and audit actions by their labels.

const route = "routes/w.$slug._index";

interface BankFigures {
  items: number;
  updated: string | null;
}
interface Overview {
  memberCount: number | null;
  recent: { action: string; entity: string }[] | null;
  banks: {
    totals: { questions: BankFigures & { practice: number; exam: number }; cases: BankFigures; materials: BankFigures };
    certificates: {
      id: string;
      code: string;
      questions: BankFigures & { practice: number; exam: number };
      cases: BankFigures;
      materials: BankFigures;
      requirements: number;
      withoutPractice: number;
      uncovered: number;
    }[];
  } | null;
  fees: {
    inForce: { id: string; amountFen: number }[];
    announced: { id: string; amountFen: number; currentFen: number | null; effectiveFrom: string }[];
  } | null;
  findings: { total: number; rows: { key: string; type: string; link: string | null }[] } | null;
  imports: { id: string; kind: string; status: string }[] | null;
  orders: { id: string; number: string }[] | null;
}

describe("workspace overview", () => {
  let app: TestApp;
  let admin: HttpClient; // admin of demo-ai, in Chinese
  let adminEn: HttpClient; // the same, in English
  let editor: HttpClient; // editor of demo-ai: banks and fees, no findings, no audit
  let finance: HttpClient; // finance of demo-ai: no imports
  let careAdmin: HttpClient; // admin of demo-care, which the demo gives two findings
  let committee: HttpClient;
  let school: HttpClient;
  let ai: string;
  const db = () => owner(app.database);
  const overview = async (client: HttpClient, slug = "demo-ai") => {
    const response = await client.data(`/w/${slug}`, route);
    expect(response.status).toBe(200);
    return (await response.json()) as Overview;
  };
  const html = async (client: HttpClient, path = "/w/demo-ai") => {
    const response = await client.get(path);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    app = await startApp();
    const login = async (email: string, locale?: "en") => {
      const client = app.client(locale ? { locale } : {});
      await client.login(email);
      return client;
    };
    [admin, adminEn, editor, finance, careAdmin, committee, school] = await Promise.all([
      login("org-admin@demo.xcert.test"),
      login("org-admin@demo.xcert.test", "en"),
      login("org-editor@demo.xcert.test"),
      login("org-finance@demo.xcert.test"),
      login("org2-admin@demo.xcert.test"),
      login("committee@demo.xcert.test"),
      login("school-admin@demo.xcert.test"),
    ]);
    [{ id: ai }] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
  });
  afterAll(() => app.close());

  it("shows each bank's size and last update as the bank pages and the committee's bank overview count them", async () => {
    const { banks } = await overview(admin);
    expect(banks!.certificates.length).toBeGreaterThan(0);
    // The committee's page counts the same banks with its own query (question_bank_counts()).
    const committeeBanks = (await (await committee.data("/committee/banks?organization=demo-ai", "routes/committee.banks")).json()) as {
      rows: { certificateCode: string; practice: number; exam: number; cases: number }[];
      materials: { certificateCode: string; materials: number }[];
    };
    const page = await html(admin);
    for (const certificate of banks!.certificates) {
      const rows = committeeBanks.rows.filter((r) => r.certificateCode === certificate.code);
      const sum = (field: "practice" | "exam" | "cases") => rows.reduce((total, r) => total + r[field], 0);
      expect(certificate.questions, certificate.code).toMatchObject({ practice: sum("practice"), exam: sum("exam"), items: sum("practice") + sum("exam") });
      expect(certificate.cases.items, certificate.code).toBe(sum("cases"));
      expect(certificate.materials.items, certificate.code).toBe(committeeBanks.materials.find((m) => m.certificateCode === certificate.code)?.materials ?? 0);
      // The last update each bank page shows for the certificate.
      const query = `?certificate=${certificate.id}`;
      const lastUpdated = async (bank: string) =>
        ((await (await admin.data(`/w/demo-ai/${bank}${query}`, `routes/w.$slug.${bank}._index`)).json()) as { lastUpdated: string | null }).lastUpdated;
      expect(certificate.questions.updated, certificate.code).toBe(await lastUpdated("questions"));
      expect(certificate.cases.updated, certificate.code).toBe(await lastUpdated("cases"));
      expect(certificate.materials.updated, certificate.code).toBe(await lastUpdated("materials"));
      // Each figure links to its page.
      expect(page).toContain(`href="/w/demo-ai/questions${query}&amp;pool=practice"`);
      expect(page).toContain(`href="/w/demo-ai/cases${query}"`);
      expect(page).toContain(`href="/w/demo-ai/materials${query}"`);
    }
    const totals = banks!.totals;
    expect(totals.questions.items).toBe(await db().count("questions", sql`tenant_id = ${ai}`));
    expect(totals.questions.items).toBeGreaterThan(0);
    expect(totals.cases.items).toBe(await db().count("cases", sql`tenant_id = ${ai}`));
    expect(totals.materials.items).toBe(await db().count("materials", sql`tenant_id = ${ai}`));
    for (const bank of ["questions", "cases", "materials"] as const) {
      const [{ at }] = await db().rows<{ at: string | null }>(sql`select max(updated_at) as at from ${sql.identifier(bank)} where tenant_id = ${ai}`);
      expect(totals[bank].updated, bank).toBe(at ? new Date(at).toISOString() : null);
      expect(page).toMatch(new RegExp(`data-testid="bank-${bank}"[^>]*>[\\s\\S]*?data-testid="count">${totals[bank].items}<`));
    }
  });

  it("counts the requirements without practice questions, and those uncovered, as the coverage page does", async () => {
    const { banks } = await overview(admin);
    let withStandard = 0;
    for (const certificate of banks!.certificates) {
      const coverage = (await (await admin.data(`/w/demo-ai/coverage?certificate=${certificate.id}`, "routes/w.$slug.coverage")).json()) as {
        report: { requirements: { practice: number }[]; uncovered: unknown[] } | null;
      };
      const requirements = coverage.report?.requirements ?? [];
      expect(certificate.requirements, certificate.code).toBe(requirements.length);
      expect(certificate.withoutPractice, certificate.code).toBe(requirements.filter((r) => r.practice === 0).length);
      expect(certificate.uncovered, certificate.code).toBe(coverage.report?.uncovered.length ?? 0);
      if (requirements.length) withStandard++;
    }
    expect(withStandard).toBeGreaterThan(0);
    // Some requirement lacks practice questions in the demo, so the figure is not trivially zero.
    expect(banks!.certificates.some((c) => c.withoutPractice > 0)).toBe(true);
    expect(await html(admin)).toContain(`href="/w/demo-ai/coverage?certificate=${banks!.certificates.find((c) => c.requirements > 0)!.id}"`);
  });

  it("shows the fees in force and the announced change as the public fee list has them", async () => {
    const { fees } = await overview(admin);
    const publicList = (await (await app.client().data("/fees?organization=demo-ai", "routes/fees._index")).json()) as {
      rows: { id: string }[];
      upcoming: { id: string }[];
    };
    expect(fees!.inForce.map((f) => f.id).sort()).toEqual(publicList.rows.map((f) => f.id).sort());
    expect(fees!.announced.map((f) => f.id)).toEqual(publicList.upcoming.map((f) => f.id));
    expect(fees!.inForce.length).toBe(3);
    // The demo announces ¥380 from in 45 days for the intermediate assessment, now ¥350.
    expect(fees!.announced).toEqual([expect.objectContaining({ amountFen: 38_000, currentFen: 35_000 })]);
    const page = await html(admin);
    expect(page).toContain(`href="/w/demo-ai/fees/${fees!.announced[0].id}"`);
    expect(page).toMatch(/data-testid="fee-announced"[^>]*>[\s\S]*?¥350\.00[\s\S]*?¥380\.00/);
    for (const fee of fees!.inForce) expect(page).toContain(`href="/w/demo-ai/fees/${fee.id}"`);
  });

  it("shows the committee's findings about the organization, with their evidence, and none of another's", async () => {
    const { findings } = await overview(careAdmin, "demo-care");
    const committeeView = (await (await committee.data("/committee/fees?organization=demo-care", "routes/committee.fees")).json()) as {
      findings: { key: string; type: string }[];
    };
    expect(findings!.total).toBe(2);
    expect(findings!.rows.map((f) => f.key).sort()).toEqual(committeeView.findings.map((f) => f.key).sort());
    expect(findings!.rows.map((f) => f.type).sort()).toEqual(["late_notice", "over_cap"]);
    const page = await html(careAdmin, "/w/demo-care");
    expect(page).toContain("考核费超过成本上限");
    for (const finding of findings!.rows) {
      expect(finding.link).toMatch(/^\/w\/demo-care\/fees\//);
      expect(page).toContain(`href="${finding.link}"`);
      expect((await careAdmin.get(finding.link!)).status).toBe(200);
    }
    // demo-ai has none yet: the section says so.
    const own = await overview(admin);
    expect(own.findings).toEqual({ total: 0, rows: [] });
    expect(await html(admin)).toContain("专委会的收费审核没有发现本机构的问题。");
  });

  it("shows a finding to those who publish fees, and not to an editor", async () => {
    // The committee lowers demo-ai's intermediate cap to ¥340: the fee in force (¥350) is above it.
    const [{ id: trainer }] = await db().rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ai} and code = 'AI-TRAINER'`);
    const saved = await committee.post("/committee/settings", {
      intent: "cap",
      certificateId: trainer,
      level: "intermediate",
      amount: "340",
      reason: "成本复核后下调",
    });
    expect(saved.status).toBeLessThan(400);
    const { findings } = await overview(admin);
    expect(findings!.total).toBeGreaterThan(0);
    expect(findings!.rows.every((f) => f.type === "over_cap")).toBe(true);
    expect((await overview(finance)).findings!.total).toBe(findings!.total);
    const adminPage = await html(admin);
    expect(adminPage).toContain('data-testid="overview-findings"');
    expect(adminPage).toContain("¥340.00");

    const editorView = await overview(editor);
    expect(editorView.findings).toBeNull();
    expect(editorView.recent).toBeNull();
    expect(editorView.fees).not.toBeNull(); // fees:read: the public fees of its own organization
    expect(editorView.banks).not.toBeNull();
    const editorPage = await html(editor);
    expect(editorPage).not.toContain('data-testid="overview-findings"');
    expect(editorPage).not.toContain('data-testid="overview-recent"');
    expect(editorPage).not.toContain("¥340.00");
    expect(editorPage).not.toContain("专委会审核发现");
    // Finance answers for fees and orders, but cannot import.
    expect((await overview(finance)).imports).toBeNull();
  });

  it("lists a failed import until the bank imports again, linking to the job", async () => {
    expect((await overview(admin)).imports).toEqual([]);
    expect(await html(admin)).toContain("没有进行中或失败的导入。");
    const [{ id: trainer }] = await db().rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ai} and code = 'AI-TRAINER'`);
    const cells: Record<string, string> = {
      type: "单选题",
      stem: "这一行的答案不是选项字母。",
      optionA: "甲",
      optionB: "乙",
      answer: "Z",
      difficulty: "3",
      level: "中级",
      pool: "练习",
      visibility: "仅本机构",
    };
    const csv = `\uFEFF${[questionColumns.map((c) => c.zh), questionColumns.map((c) => cells[c.key] ?? "")].map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`;
    const form = new FormData();
    form.append("certificateId", trainer);
    form.append("file", new Blob([csv]), "坏题库.csv");
    const uploaded = await editor.post("/w/demo-ai/questions/import", form);
    expect(uploaded.status, await uploaded.clone().text()).toBe(302);
    const jobId = uploaded.headers.get("location")!.split("/").at(-1)!;
    // The job runs in the background: wait for its end (the job page's state), not for a time.
    let status = "";
    for (let i = 0; i < 600 && status !== "failed" && status !== "done"; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 100));
      status = (
        (await (await editor.data(`/w/demo-ai/questions/import/${jobId}`, "routes/w.$slug.questions.import.$jobId")).json()) as { job: { status: string } }
      ).job.status;
    }
    expect(status).toBe("failed");
    expect((await overview(admin)).imports).toEqual([expect.objectContaining({ id: jobId, kind: "questions", status: "failed" })]);
    expect((await overview(editor)).imports).toEqual([expect.objectContaining({ id: jobId, status: "failed" })]);
    const page = await html(admin);
    expect(page).toContain(`href="/w/demo-ai/questions/import/${jobId}"`);
    expect(page).toContain("坏题库.csv");
    expect(page).toContain("未导入");
  });

  it("labels every audit action in both languages, on the overview and the audit log, with no raw key in the page", async () => {
    // Every action demo-ai's log holds by now: seeded, the committee's cap, the failed import.
    const actions = (await db().rows<{ action: string }>(sql`select distinct action from audit_log where tenant_id = ${ai}`)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["question_import.create", "question_import.failed", "fee_disclosure.publish", "membership.create"]));
    const latest = (await db().rows<{ action: string }>(sql`select action from audit_log where tenant_id = ${ai} order by id desc limit 5`)).map(
      (r) => r.action,
    );
    for (const [client, locale] of [
      [admin, "zh-CN"],
      [adminEn, "en"],
    ] as const) {
      const t = translator(locale);
      const { recent } = await overview(client);
      expect(recent!.map((r) => r.action)).toEqual(latest.map((action) => auditActionLabel(t, action)));
      for (const path of ["/w/demo-ai", "/w/demo-ai/audit"]) {
        const page = await html(client, path);
        for (const action of actions) expect(page, `${locale} ${path}`).not.toContain(action);
        // Nor any other registered key (logout excepted: it is also the sign-out form's address).
        for (const action of auditActions.filter((a) => a !== "logout")) expect(page, `${locale} ${path}`).not.toContain(action);
        for (const action of latest) expect(page, `${locale} ${path}`).toContain(auditActionLabel(t, action));
      }
    }
    expect(await html(adminEn)).toContain("Question import failed");
    expect(await html(admin)).toContain("习题导入失败");
    // The committee's own workspace log: its cap change, labelled.
    const committeePage = await html(committee, "/w/committee/audit");
    expect(committeePage).toContain("调整考核成本上限");
    expect(committeePage).not.toContain("committee.cost_cap");
  });

  it("exports the audit log with each action's label beside its key", async () => {
    for (const [client, locale, label, keyHeader] of [
      [admin, "zh-CN", "习题导入失败", "操作代码"],
      [adminEn, "en", "Question import failed", "Action key"],
    ] as const) {
      const response = await client.get("/w/demo-ai/export/audit?format=csv");
      expect(response.status, locale).toBe(200);
      const [header, ...rows] = Papa.parse<string[]>((await response.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
      const actionColumn = header.indexOf(translator(locale)("audit.action"));
      expect(header[actionColumn + 1]).toBe(keyHeader);
      const row = rows.find((cells) => cells.includes("question_import.failed"))!;
      expect(row[actionColumn]).toBe(label);
      expect(row[actionColumn + 1]).toBe("question_import.failed");
    }
  });

  it("gives a school its orders and the committee its pages", async () => {
    const schoolView = await overview(school, "demo-school");
    expect(schoolView.banks).toBeNull();
    expect(schoolView.fees).toBeNull();
    expect(schoolView.orders!.length).toBe(1);
    const page = await html(school, "/w/demo-school");
    expect(page).toContain(`href="/w/demo-school/orders/${schoolView.orders![0].id}"`);
    expect(page).toContain(schoolView.orders![0].number);
    expect(page).toContain('href="/w/demo-school/orders/new"');
    const committeePage = await html(committee, "/w/committee");
    expect(committeePage).toContain('href="/committee/fees"');
    expect(committeePage).toContain('data-testid="overview-recent"');
  });

  it("tells a new organization what to do first, in each section", async () => {
    const founder = app.client();
    const signedUp = await signUpAndVerify(founder, {
      kind: "organization",
      tenantName: "上海新起点职业技能评价有限公司",
      slug: "fresh-start",
      creditCode: creditCode("91310000MA1XC0077"),
      name: "林立",
      email: "lin.li@fresh-start.example",
      password: "fresh-start-password-1",
    });
    expect(signedUp.headers.get("location")).toBe("/w/fresh-start");
    await enrolSecondFactor(founder);
    const view = await overview(founder, "fresh-start");
    expect(view.banks!.certificates).toEqual([]);
    expect(view.fees).toMatchObject({ inForce: [], announced: [] });
    expect(view.findings).toEqual({ total: 0, rows: [] });
    expect(view.imports).toEqual([]);
    expect(view.recent!.map((r) => r.action)).toEqual(["提交准入申请", "加入成员", "注册工作区"]);
    const page = await html(founder, "/w/fresh-start");
    expect(page).toContain("请先新建证书并发布职业技能等级标准");
    expect(page).toContain('href="/w/fresh-start/certificates/new"');
    expect(page).toContain("今天没有生效的收费标准。");
    expect(page).toContain('href="/w/fresh-start/fees/new"');
    expect(page).toContain("没有待生效的收费变更。");
    expect(page).toContain('href="/w/fresh-start/questions/import"');
    expect(page).not.toContain("tenant.create");
  });
});
