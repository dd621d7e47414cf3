import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseColumns } from "../../app/modules/cases/import-rows";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";
import { testIdAttribute, testIdText } from "../support/html";

// The case bank (DOMAIN §二.6): Markdown bodies sanitized on render, requirements of the case's own
// certificate and level, isolation in the app and in SQL (schools read shared cases only), and the
// one import pipeline shared with questions (all or nothing, errors by row and column, round trips).

const indexRoute = "routes/w.$slug.cases._index";
const caseRoute = "routes/w.$slug.cases.$caseId";
const newRoute = "routes/w.$slug.cases.new";
const importRoute = "routes/w.$slug.cases.import._index";
const jobRoute = "routes/w.$slug.cases.import.$jobId";

type Requirement = { lineage_id: string; level: string; code: string };

describe("case bank", () => {
  let app: TestApp;
  let editor: HttpClient; // editor of demo-ai
  let finance: HttpClient; // finance of demo-ai: reads, does not write
  let careAdmin: HttpClient; // admin of demo-care, in English
  let ai: string;
  let trainer: string;
  let bigdata: string;
  let trainerRequirements: Requirement[];
  let bigdataRequirements: Requirement[];
  const db = () => owner(app.database);
  const counts = async () =>
    Object.fromEntries(await Promise.all(["cases", "import_jobs", "import_rows", "audit_log"].map(async (t) => [t, await db().count(t)] as const)));
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const form = (values: Record<string, string | string[] | undefined> = {}) => {
    const body = new URLSearchParams();
    const all: Record<string, string | string[] | number | boolean | undefined> = {
      certificateId: trainer,
      level: "intermediate",
      title: "某物流企业仓储视频行为识别标注",
      industryContext: "物流 · 智慧仓储",
      body: "## 背景\n\n仓库监控视频需要标注搬运、分拣等行为。\n\n- 标注规范\n- 抽检",
      visibility: "private",
      intent: "save",
      ...values,
    };
    for (const [key, value] of Object.entries(all)) for (const v of [value].flat()) if (v !== undefined) body.append(key, String(v));
    return body;
  };
  const idOf = (response: Response) => response.headers.get("location")!.split("/").at(-1)!;

  /** A published standard with two skill requirements per level, unless the certificate already has one. */
  const ensureStandard = async (certificateId: string): Promise<Requirement[]> => {
    const read = () =>
      db().rows<Requirement>(sql`
        select n.lineage_id, n.level::text, n.code from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id
        where v.certificate_id = ${certificateId} and n.kind = 'skill_requirement'
          and v.version = (select max(version) from standard_versions where certificate_id = ${certificateId} and status = 'published')
        order by n.level, n.code`);
    const existing = await read();
    if (existing.length) return existing;
    const [version] = await db().rows<{ id: string; tenant_id: string }>(sql`
      insert into standard_versions (tenant_id, certificate_id, version, status)
      select tenant_id, id, coalesce((select max(version) from standard_versions where certificate_id = ${certificateId}), 0) + 1, 'draft'
      from certificates where id = ${certificateId}
      returning id, tenant_id`);
    for (const level of ["junior", "intermediate", "senior"])
      for (const code of ["1.1.1", "1.1.2"])
        await db().rows(sql`insert into standard_nodes (tenant_id, version_id, level, kind, position, code, title_zh, title_en)
          values (${version.tenant_id}, ${version.id}, ${level}, 'skill_requirement', ${Number(code.at(-1))}, ${code}, ${`测试技能要求 ${code}`}, ${`Test requirement ${code}`})`);
    await db().rows(sql`update standard_versions set status = 'published', published_at = now() where id = ${version.id}`);
    return read();
  };

  /** Uploads a file to the case import form and waits until its job ends. */
  const importFile = async (name: string, bytes: Uint8Array, certificateId = trainer) => {
    const upload = new FormData();
    upload.append("certificateId", certificateId);
    upload.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    const response = await editor.post("/w/demo-ai/cases/import", upload);
    expect(response.status, await response.clone().text()).toBe(302);
    const jobId = idOf(response);
    let job: { status: string; importedRows: number; errorCount: number; totalRows: number; progress: number; createdAt: string } | null = null;
    for (let i = 0; i < 600; i++) {
      const data = await (await editor.data(`/w/demo-ai/cases/import/${jobId}`, jobRoute)).json();
      job = data.job;
      if (job && (job.status === "done" || job.status === "failed"))
        return { jobId, job, errors: data.errors as { row: number; column: string; message: string }[] };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`import ${jobId} did not finish: ${JSON.stringify(job)}`);
  };

  const csv = (rows: string[][]) => Buffer.from(`\uFEFF${rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n")}\r\n`);
  const header = caseColumns.map((c) => c.zh);
  const sampleRow = (i: number, overrides: Record<string, string> = {}) => {
    const cells: Record<string, string> = {
      title: `样例案例 ${String(i).padStart(4, "0")}：门店客流统计数据标注`,
      level: ["初级", "中级", "高级"][i % 3],
      industryContext: "零售 · 门店运营",
      body: `## 任务 ${i}\n\n- 统计进店人数\n- 标注顾客动线\n\n| 时段 | 人数 |\n| --- | ---: |\n| 上午 | ${i} |`,
      requirements: i % 7 === 0 ? "1.1.1" : "",
      visibility: i % 2 ? "共享" : "仅本机构",
      ...overrides,
    };
    return caseColumns.map((c) => cells[c.key] ?? "");
  };
  const snapshot = (where: ReturnType<typeof sql>) =>
    db().rows<{ c: string }>(sql`select jsonb_build_object('level', level, 'title', title, 'industryContext', industry_context, 'body', body,
      'requirementIds', to_jsonb(requirement_ids), 'visibility', visibility)::text as c from cases where ${where} order by 1`);

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    const ids = await db().rows<{ code: string; id: string; tenant_id: string }>(sql`select code, id, tenant_id from certificates`);
    trainer = ids.find((c) => c.code === "AI-TRAINER")!.id;
    bigdata = ids.find((c) => c.code === "BIGDATA-PY")!.id;
    ai = ids.find((c) => c.code === "AI-TRAINER")!.tenant_id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("seeds AI-TRAINER's case bank with shared and private cases at every level", async () => {
    const seeded = await db().rows<{ title: string; level: string; visibility: string; body: string }>(
      sql`select title, level::text, visibility::text, body from cases where certificate_id = ${trainer}`,
    );
    expect(seeded.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seeded.map((c) => c.level))).toEqual(new Set(["junior", "intermediate", "senior"]));
    expect(new Set(seeded.map((c) => c.visibility))).toEqual(new Set(["private", "shared"]));
    expect(seeded.map((c) => c.title)).toContain("某电商平台智能客服意图标注项目");
    expect(seeded.every((c) => c.body.includes("## "))).toBe(true);
    // Each seeded case of the certificate has its audit entry (the library seed adds other organizations' cases).
    expect(await db().count("audit_log", sql`action = 'case.create' and entity_id in (select id::text from cases where certificate_id = ${trainer})`)).toBe(
      seeded.length,
    );
  });

  it("lists the bank with filters, a literal search and the bank's last update", async () => {
    const data = async (q: string, client = editor) =>
      (await (await client.data(`/w/demo-ai/cases?${q}`, indexRoute)).json()) as {
        rows: { title: string; level: string; visibility: string }[];
        lastUpdated: string | null;
        nextCursor: string | null;
      };
    const all = await data(`certificate=${trainer}`);
    expect(all.rows.length).toBe(await db().count("cases", sql`certificate_id = ${trainer}`));
    expect(all.lastUpdated).not.toBeNull();
    const senior = await data(`certificate=${trainer}&level=senior`);
    expect(senior.rows.length).toBeGreaterThan(0);
    expect(senior.rows.every((c) => c.level === "senior")).toBe(true);
    const shared = await data(`certificate=${trainer}&visibility=shared`);
    expect(shared.rows.length).toBe(await db().count("cases", sql`certificate_id = ${trainer} and visibility = 'shared'`));
    const search = await data(`certificate=${trainer}&q=${encodeURIComponent("标注")}`);
    expect(search.rows.length).toBeGreaterThan(0);
    expect(search.rows.every((c) => c.title.includes("标注"))).toBe(true);
    // % and _ are characters, not wildcards.
    expect((await data(`certificate=${trainer}&q=%25`)).rows).toEqual([]);
    expect((await data(`certificate=${trainer}&q=_`)).rows).toEqual([]);
    // A viewer-like role reads the list too; garbage filters are ignored, not errors.
    expect((await data(`certificate=${trainer}&level=expert&cursor=garbage`, finance)).rows.length).toBe(all.rows.length);
    const page = await (await editor.get(`/w/demo-ai/cases?certificate=${trainer}`)).text();
    expect(page).toContain("案例库最后更新");
    expect(page).toContain("某电商平台智能客服意图标注项目");
    const english = await (await careAdmin.get("/w/demo-care/cases")).text();
    expect(english).toContain("Case bank");
  });

  it("creates, edits and deletes a case, auditing each step; Markdown is rendered and sanitized", async () => {
    const before = await counts();
    const body = [
      "## 背景",
      "",
      "<script>alert('xss')</script>",
      "",
      '<img src="x" onerror="alert(1)">',
      "",
      "[点我](javascript:alert(1)) 与 [规范](https://example.com/spec)",
      "",
      "| 指标 | 值 |",
      "| --- | ---: |",
      "| 准确率 | 95% |",
    ].join("\n");
    const created = await editor.post("/w/demo-ai/cases/new", form({ body, visibility: "shared" }));
    expect(created.status).toBe(302);
    const id = idOf(created);
    expect(await db().rows(sql`select title, visibility::text from cases where id = ${id}`)).toEqual([
      { title: "某物流企业仓储视频行为识别标注", visibility: "shared" },
    ]);

    const data = await (await editor.data(`/w/demo-ai/cases/${id}`, caseRoute)).json();
    const html: string = data.bodyHtml;
    expect(html).toContain("<h2>背景</h2>");
    expect(html).toContain("<table>");
    // Column alignment as a class: the CSP allows no inline style.
    expect(html).toContain('<td class="text-right">95%</td>');
    expect(html).not.toMatch(/style=/i);
    expect(html).toContain('<a href="https://example.com/spec" rel="noopener noreferrer nofollow">规范</a>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]+\sonerror\s*=/i);
    expect(html).not.toMatch(/href="javascript:/i);
    // The whole page: the raw body is only ever text (escaped in the form and in the serialized data).
    const page = await (await editor.get(`/w/demo-ai/cases/${id}`)).text();
    expect(page).not.toContain("<script>alert('xss')</script>");
    expect(page).not.toMatch(/<img[^>]*onerror/i);
    expect(page).not.toMatch(/href="javascript:/i);
    // Finance reads the rendered case without the editor.
    const read = await (await finance.get(`/w/demo-ai/cases/${id}`)).text();
    expect(read).toContain('data-testid="case-body"');
    expect(read).not.toContain('id="case"');

    const edited = await editor.action(
      `/w/demo-ai/cases/${id}`,
      caseRoute,
      form({ title: "仓储视频行为识别标注（修订）", body, visibility: "private", level: "senior" }),
    );
    expect(edited.status).toBe(200);
    expect(await db().rows(sql`select title, level::text, visibility::text from cases where id = ${id}`)).toEqual([
      { title: "仓储视频行为识别标注（修订）", level: "senior", visibility: "private" },
    ]);
    const [updated] = await db().rows<{ changed: boolean }>(sql`select updated_at > created_at as changed from cases where id = ${id}`);
    expect(updated.changed).toBe(true);

    const deleted = await editor.post(`/w/demo-ai/cases/${id}`, { intent: "delete" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe("/w/demo-ai/cases");
    expect(await db().count("cases", sql`id = ${id}`)).toBe(0);
    expect(await db().rows(sql`select action from audit_log where entity_id = ${id} order by at, id`)).toEqual([
      { action: "case.create" },
      { action: "case.update" },
      { action: "case.delete" },
    ]);
    const after = await counts();
    expect(after.cases).toBe(before.cases);
    expect(after.audit_log).toBe(before.audit_log + 3);
    // Gone means 404, for a page and for an edit.
    expect((await editor.get(`/w/demo-ai/cases/${id}`)).status).toBe(404);
    expect((await editor.post(`/w/demo-ai/cases/${id}`, form())).status).toBe(404);
  });

  it("links only the skill requirements of the case's own certificate and level", async () => {
    trainerRequirements = await ensureStandard(trainer);
    bigdataRequirements = await ensureStandard(bigdata);
    const intermediate = trainerRequirements.filter((r) => r.level === "intermediate");
    const junior = trainerRequirements.find((r) => r.level === "junior")!;
    const before = await counts();
    // Another certificate's requirement, one of another level, an id that is no requirement.
    for (const requirementIds of [
      bigdataRequirements.find((r) => r.level === "intermediate")!.lineage_id,
      junior.lineage_id,
      "00000000-0000-4000-8000-000000000000",
    ]) {
      const refused = await editor.action("/w/demo-ai/cases/new", newRoute, form({ requirementIds }));
      expect(refused.status).toBe(400);
      expect((await errorsOf(refused)).requirementIds).toEqual(["请从列表中选择。"]);
    }
    // A certificate of another organization.
    const [elderly] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
    expect((await errorsOf(await editor.action("/w/demo-ai/cases/new", newRoute, form({ certificateId: elderly.id })))).certificateId).toEqual([
      "请从列表中选择。",
    ]);
    expect(await counts()).toEqual(before);

    const created = await editor.post("/w/demo-ai/cases/new", form({ title: "意图识别模型的数据增强", requirementIds: intermediate.map((r) => r.lineage_id) }));
    expect(created.status).toBe(302);
    const id = idOf(created);
    const [row] = await db().rows<{ requirement_ids: string[] }>(sql`select requirement_ids from cases where id = ${id}`);
    expect([...row.requirement_ids].sort()).toEqual(intermediate.map((r) => r.lineage_id).sort());
    // The requirement filter and the case page show them.
    const filtered = await (await editor.data(`/w/demo-ai/cases?certificate=${trainer}&requirement=${intermediate[0].lineage_id}`, indexRoute)).json();
    expect(filtered.rows.map((c: { id: string }) => c.id)).toContain(id);
    expect(filtered.rows.every((c: { requirementIds: string[] }) => c.requirementIds.includes(intermediate[0].lineage_id))).toBe(true);
    const page = await (await editor.data(`/w/demo-ai/cases/${id}`, caseRoute)).json();
    expect(page.linked.map((r: { code: string }) => r.code).sort()).toEqual(intermediate.map((r) => r.code).sort());
    // Moving the case to another level keeps requirements of the old level out.
    const moved = await editor.action(`/w/demo-ai/cases/${id}`, caseRoute, form({ level: "senior", requirementIds: intermediate[0].lineage_id }));
    expect(moved.status).toBe(400);
    expect((await errorsOf(moved)).requirementIds).toEqual(["请从列表中选择。"]);
  });

  it("refuses bad input with field messages in zh-CN and in English, writing nothing", async () => {
    const before = await counts();
    const cases: [Record<string, string | undefined>, string, string][] = [
      [{ title: "" }, "title", "此项为必填项。"],
      [{ title: "标\u202E题" }, "title", "不能包含控制字符。"],
      [{ title: "长".repeat(201) }, "title", "最多 200 个字符。"],
      [{ body: "   " }, "body", "此项为必填项。"],
      [{ body: undefined }, "body", "此项为必填项。"],
      [{ level: "expert" }, "level", "请从列表中选择。"],
      [{ visibility: "public" }, "visibility", "请从列表中选择。"],
      [{ industryContext: "行".repeat(501) }, "industryContext", "最多 500 个字符。"],
      [{ certificateId: "not-a-uuid" }, "certificateId", "请从列表中选择。"],
    ];
    for (const [values, field, message] of cases) {
      const response = await editor.action("/w/demo-ai/cases/new", newRoute, form(values));
      expect(response.status, JSON.stringify(values)).toBe(400);
      expect((await errorsOf(response))[field], JSON.stringify(values)).toEqual([message]);
    }
    const [any] = await db().rows<{ id: string }>(sql`select id from cases where tenant_id = ${ai} limit 1`);
    const edit = await editor.action(`/w/demo-ai/cases/${any.id}`, caseRoute, form({ title: "" }));
    expect(edit.status).toBe(400);
    expect((await errorsOf(edit)).title).toEqual(["此项为必填项。"]);
    const english = await careAdmin.action("/w/demo-care/cases/new", newRoute, { intent: "save", level: "expert" });
    expect(english.status).toBe(400);
    const errors = await errorsOf(english);
    expect(errors.title).toEqual(["This field is required."]);
    expect(errors.body).toEqual(["This field is required."]);
    expect(errors.level).toEqual(["Choose one of the options."]);
    expect(await counts()).toEqual(before);
  });

  it("lets only editors write; another organization gets 404; schools read shared cases only, in SQL", async () => {
    const before = await counts();
    const [any] = await db().rows<{ id: string }>(sql`select id from cases where tenant_id = ${ai} limit 1`);
    expect((await finance.get("/w/demo-ai/cases")).status).toBe(200);
    expect((await finance.get(`/w/demo-ai/cases/${any.id}`)).status).toBe(200);
    expect((await finance.get("/w/demo-ai/cases/new")).status).toBe(403);
    expect((await finance.post("/w/demo-ai/cases/new", form())).status).toBe(403);
    expect((await finance.post(`/w/demo-ai/cases/${any.id}`, form())).status).toBe(403);
    expect((await finance.post(`/w/demo-ai/cases/${any.id}`, { intent: "delete" })).status).toBe(403);
    expect((await finance.get("/w/demo-ai/cases/import")).status).toBe(403);
    expect((await finance.post("/w/demo-ai/cases/import", new FormData())).status).toBe(403);
    expect((await careAdmin.get(`/w/demo-ai/cases/${any.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/cases/${any.id}`)).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-care/cases/${any.id}`, form())).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-care/cases/${any.id}`, { intent: "delete" })).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/cases/export?certificate=${trainer}&format=csv`)).status).toBe(404);
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/cases")).status).toBe(403);
    expect((await school.get("/w/demo-ai/cases")).status).toBe(404);
    for (const id of ["x", "00000000-0000-0000-0000-000000000000", "'--"])
      expect((await editor.get(`/w/demo-ai/cases/${encodeURIComponent(id)}`)).status).toBe(404);
    expect(await counts()).toEqual(before);

    // In SQL, as the app role. (Owner queries stay outside asApp: PGlite is one connection.)
    const [schoolTenant] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`);
    const [committee] = await db().rows<{ id: string }>(sql`select id from tenants where kind = 'committee'`);
    const [care] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
    const shared = await db().count("cases", sql`visibility = 'shared'`);
    const total = await db().count("cases");
    const aiTotal = await db().count("cases", sql`tenant_id = ${ai}`);
    expect(shared).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(shared);
    await asApp({ tenantId: schoolTenant.id, tenantKind: "school", role: "admin" }, async (tx) => {
      const rows = await query<{ visibility: string }>(tx, sql`select visibility::text from cases`);
      expect(rows.length).toBe(shared);
      expect(rows.every((r) => r.visibility === "shared")).toBe(true);
      expect(await query(tx, sql`update cases set title = 'x' returning 1`)).toEqual([]);
    });
    await asApp({ tenantId: committee.id, tenantKind: "committee", role: "admin" }, async (tx) => {
      expect((await query(tx, sql`select 1 from cases`)).length).toBe(total);
      expect(await query(tx, sql`delete from cases returning 1`)).toEqual([]);
    });
    await asApp({ tenantId: care.id, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select 1 from cases where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`update cases set visibility = 'shared' where tenant_id = ${ai} returning 1`)).toEqual([]);
    });
    expect(await db().count("cases", sql`tenant_id = ${ai}`)).toBe(aiTotal);
  });

  it("downloads the template with Chinese headers and an example row", async () => {
    const xlsx = await finance.get("/w/demo-ai/cases/template?format=xlsx");
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toMatch(/spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    expect((book.worksheets[0].getRow(1).values as unknown[]).slice(1)).toEqual(["标题", "等级", "行业背景", "正文", "技能要求", "可见范围"]);
    expect(book.worksheets[0].rowCount).toBe(2);
    expect(book.worksheets[0].getRow(2).getCell(2).value).toBe("中级");
    const bytes = Buffer.from(await (await finance.get("/w/demo-ai/cases/template?format=csv")).arrayBuffer());
    expect(bytes.toString("utf8").startsWith("\uFEFF标题,等级,行业背景,正文,技能要求,可见范围\r\n")).toBe(true);
  });

  it("imports 1,000 rows all or nothing: bad rows are reported by row and column and nothing is written; fixed, all land", async () => {
    trainerRequirements ??= await ensureStandard(trainer);
    const before = await counts();
    const bad = new Map<number, Record<string, string>>([
      [4, { title: "" }],
      [99, { level: "特级" }],
      [250, { body: "" }],
      [500, { visibility: "公开" }],
      [777, { requirements: "9.9.9" }],
      [998, { title: "标\u202E题" }],
    ]);
    const rows = Array.from({ length: 1000 }, (_, i) => sampleRow(i, bad.get(i) ?? {}));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("案例");
    sheet.addRow(header);
    for (const row of rows) sheet.addRow(row);
    const failed = await importFile("案例库.xlsx", new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(failed.job).toMatchObject({ status: "failed", totalRows: 1000, processedRows: 1000, failedRows: 6, errorCount: 6, importedRows: 0, progress: 100 });
    // Spreadsheet row numbers: the header is row 1.
    expect(failed.errors.map((e) => e.row)).toEqual([...bad.keys()].map((i) => i + 2));
    expect(failed.errors.find((e) => e.row === 6)).toEqual({ row: 6, column: "标题", message: "此项为必填项。" });
    expect(failed.errors.find((e) => e.row === 101)).toEqual({ row: 101, column: "等级", message: "请从列表中选择。" });
    expect(failed.errors.find((e) => e.row === 252)).toMatchObject({ column: "正文" });
    expect(failed.errors.find((e) => e.row === 502)).toEqual({ row: 502, column: "可见范围", message: "请从列表中选择。" });
    expect(failed.errors.find((e) => e.row === 779)).toEqual({
      row: 779,
      column: "技能要求",
      message: "未知的技能要求编号：9.9.9（该等级最新发布的标准中没有）。",
    });
    expect(failed.errors.find((e) => e.row === 1000)).toEqual({ row: 1000, column: "标题", message: "不能包含控制字符。" });
    expect(await db().count("cases")).toBe(before.cases);
    expect(await db().count("import_rows")).toBe(0);
    expect(await db().count("import_files")).toBe(0); // the upload is gone with the failed job
    expect(await db().count("audit_log", sql`action = 'case_import.create' and entity_id = ${failed.jobId}`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'case_import.failed' and entity_id = ${failed.jobId}`)).toBe(1);
    const page = await (await editor.get(`/w/demo-ai/cases/import/${failed.jobId}`)).text();
    expect(page).toContain("发现 6 处错误，未导入任何案例。");
    expect(testIdText(page, "import-phase")).toBe("100% · 已校验 1000 行，其中 6 行有错误，未写入任何行。");
    expect(testIdAttribute(page, "import-progress", "value")).toBe("100");
    // The error report downloads as XLSX with the same rows; a case job is not a question job.
    const report = await editor.get(`/w/demo-ai/cases/import/${failed.jobId}/errors.xlsx`);
    expect(report.headers.get("content-type")).toMatch(/spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await report.arrayBuffer());
    expect(book.worksheets[0].getRow(1).values).toEqual([undefined, "行号", "列", "问题"]);
    expect(book.worksheets[0].rowCount - 1).toBe(6);
    expect((await editor.get(`/w/demo-ai/questions/import/${failed.jobId}`)).status).toBe(404);
    expect((await finance.get(`/w/demo-ai/cases/import/${failed.jobId}`)).status).toBe(403);

    const fixed = await importFile("案例库-修正.csv", csv([header, ...Array.from({ length: 1000 }, (_, i) => sampleRow(i))]));
    expect(fixed.job).toMatchObject({ status: "done", totalRows: 1000, importedRows: 1000, progress: 100 });
    expect(await db().count("cases")).toBe(before.cases + 1000);
    expect(await db().count("cases", sql`title like '样例案例%' and visibility = 'shared'`)).toBe(500);
    const linked = await db().count("cases", sql`title like '样例案例%' and cardinality(requirement_ids) = 1`);
    expect(linked).toBe(Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 7 === 0).length);
    expect(await db().count("audit_log", sql`action = 'case_import.done' and entity_id = ${fixed.jobId}`)).toBe(1);
    expect(await db().count("import_rows")).toBe(0);
    expect(await (await editor.get(`/w/demo-ai/cases/import/${fixed.jobId}`)).text()).toContain("已导入 1000 个案例。");
    // The live progress stream of a finished job says so and ends.
    const events = await editor.get(`/w/demo-ai/cases/import/${fixed.jobId}/events`);
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(await events.text()).toMatch(/event: progress\ndata: \{"status":"done".*"progress":100\}/);
    // The job list shows case jobs only.
    const list = await (await editor.data("/w/demo-ai/cases/import", importRoute)).json();
    expect(list.jobs.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining([failed.jobId, fixed.jobId]));
    expect(list.jobs.every((j: { kind: string }) => j.kind === "cases")).toBe(true);
  });

  it("pages through the bank with a keyset cursor and no repeats", async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/w/demo-ai/cases?certificate=${trainer}${cursor ? `&cursor=${cursor}` : ""}`;
      const data = await (await editor.data(url, indexRoute)).json();
      for (const row of data.rows) {
        expect(seen.has(row.id)).toBe(false);
        seen.add(row.id);
      }
      cursor = data.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.size).toBe(await db().count("cases", sql`certificate_id = ${trainer}`));
    expect(pages).toBe(Math.ceil(seen.size / 50));
  });

  it("refuses files that are not XLSX or CSV (Moodle XML is for questions) and reports a missing column", async () => {
    const before = await db().count("import_jobs");
    for (const [name, bytes] of [
      ["cases.xml", new TextEncoder().encode('<?xml version="1.0"?><quiz></quiz>')],
      ["案例.xlsx", new Uint8Array([0x4d, 0x5a, 0x90, 0x00])],
      ["案例.pdf", new TextEncoder().encode("%PDF-1.4")],
    ] as const) {
      const upload = new FormData();
      upload.append("certificateId", trainer);
      upload.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
      const response = await editor.action("/w/demo-ai/cases/import", importRoute, upload);
      expect(response.status, name).toBe(400);
      expect((await errorsOf(response)).file).toEqual(["请上传 XLSX 或 CSV 文件（以文件内容判断，不以扩展名判断）。"]);
    }
    const foreign = new FormData();
    const [elderly] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
    foreign.append("certificateId", elderly.id);
    foreign.append("file", new Blob([csv([header, sampleRow(1)])]), "x.csv");
    expect((await errorsOf(await editor.action("/w/demo-ai/cases/import", importRoute, foreign))).certificateId).toEqual(["请从列表中选择。"]);
    expect(await db().count("import_jobs")).toBe(before);
    const missing = await importFile(
      "缺列.csv",
      csv([
        ["标题", "行业背景"],
        ["某案例", "零售"],
      ]),
    );
    expect(missing.job.status).toBe("failed");
    expect(missing.errors[0].message).toBe("缺少必需的列：等级、正文。");
  });

  it("round-trips the bank: export as XLSX and as CSV, import back, the same cases", async () => {
    // A case whose cells the exporter neutralises (a leading = or -) must come back unchanged.
    const tricky = await editor.post(
      "/w/demo-ai/cases/new",
      form({
        title: "=SUM(A1) 公式注入测试",
        industryContext: "-金融",
        body: "- 第一项\n- 第二项\r\n\r\n+ 第三项",
        requirementIds: trainerRequirements.find((r) => r.level === "intermediate")!.lineage_id,
      }),
    );
    expect(tricky.status).toBe(302);
    for (const format of ["xlsx", "csv"] as const) {
      const original = await snapshot(sql`certificate_id = ${trainer}`);
      const exported = await editor.get(`/w/demo-ai/cases/export?certificate=${trainer}&format=${format}`);
      expect(exported.status).toBe(200);
      const result = await importFile(`bank.${format}`, new Uint8Array(await exported.arrayBuffer()));
      expect(result.job.status, JSON.stringify(result.errors.slice(0, 3))).toBe("done");
      expect(result.job.importedRows).toBe(original.length);
      // What the import created is the bank as it was exported.
      const [job] = await db().rows<{ created_at: string }>(sql`select created_at::text from import_jobs where id = ${result.jobId}`);
      expect(await snapshot(sql`certificate_id = ${trainer} and created_at > ${job.created_at}::timestamptz`)).toEqual(original);
    }
    expect(await db().count("cases", sql`title = '=SUM(A1) 公式注入测试' and body = ${"- 第一项\n- 第二项\n\n+ 第三项"} and industry_context = '-金融'`)).toBe(
      4,
    );
  });
});
