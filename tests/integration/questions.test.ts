import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { resumeStaleImports, runImportJob } from "../../app/modules/imports/jobs.server";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { likePattern } from "../../app/ui/like";
import { asApp, databaseError, owner, query } from "../support/db";
import { finishQuestionImport } from "../support/question-import";
import { testIdAttribute, testIdText } from "../support/html";

// The question bank (DOMAIN §二.5, §二.6): drafts and published versions with a diff, exam-pool
// confidentiality in the database, the import pipeline (all or nothing, errors by row and column,
// progress, resume), export → import round trips in XLSX, CSV and Moodle XML, search and coverage.

const questionRoute = "routes/w.$slug.questions.$questionId";
const newRoute = "routes/w.$slug.questions.new";

describe("question bank", () => {
  let app: TestApp;
  let editor: HttpClient; // editor of demo-ai
  let finance: HttpClient; // finance of demo-ai: reads, does not write
  let careAdmin: HttpClient;
  let ai: string;
  let trainer: string;
  let bigdata: string;
  let requirements: { lineage_id: string; level: string; code: string }[];
  const db = () => owner(app.database);
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(["questions", "question_versions", "import_jobs", "import_rows", "audit_log"].map(async (t) => [t, await db().count(t)] as const)),
    );
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const question = (values: FormInput = {}): FormInput => ({
    certificateId: trainer,
    level: "intermediate",
    type: "single_choice",
    stem: "下列哪项属于监督学习？",
    options: "聚类\n分类\n降维\n关联规则",
    answer: "B",
    explanation: "分类需要带标签的数据。",
    difficulty: "3",
    tags: "机器学习, 基础",
    pool: "practice",
    visibility: "private",
    intent: "save",
    ...values,
  });
  const post = (client: HttpClient, pathname: string, values: FormInput & { requirementIds?: string | string[] }) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) if (v !== undefined) body.append(key, String(v));
    return client.post(pathname, body);
  };

  /** Uploads a file to the import form and waits until its job ends. */
  const importFile = async (client: HttpClient, name: string, bytes: Uint8Array, certificateId = trainer) => {
    const form = new FormData();
    form.append("certificateId", certificateId);
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    const response = await client.post("/w/demo-ai/questions/import", form);
    expect(response.status, await response.clone().text()).toBe(302);
    const jobId = response.headers.get("location")!.split("/").at(-1)!;
    return finishQuestionImport<{ status: string; importedRows: number; errorCount: number; totalRows: number; progress: number }>(client, jobId);
  };

  const csv = (rows: string[][]) => Buffer.from(`\uFEFF${rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n")}\r\n`);
  const header = questionColumns.map((c) => c.zh);
  // The two tests that import 10,000 rows (twice) or the whole bank through PGlite: minutes, not seconds,
  // on a loaded 2-core machine (CI's first merge run met 60 s), so they get their own limit.
  const heavyImportMs = 240_000;
  const sampleRow = (i: number, overrides: Record<string, string> = {}) => {
    const cells: Record<string, string> = {
      type: "单选题",
      stem: `样题 ${String(i).padStart(5, "0")}：数据标注质检时，抽检比例一般由什么决定？`,
      optionA: "标注员的喜好",
      optionB: "项目质量要求与数据量",
      optionC: "服务器性能",
      optionD: "标注工具的版本",
      answer: "B",
      explanation: "抽检比例依据质量要求与数据规模确定。",
      difficulty: String((i % 5) + 1),
      level: "中级",
      requirements: "",
      tags: "质检",
      pool: i % 10 === 0 ? "考试" : "练习",
      visibility: "仅本机构",
      ...overrides,
    };
    return questionColumns.map((c) => cells[c.key] ?? "");
  };

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
    requirements = await db().rows(sql`
      select n.lineage_id, n.level::text, n.code from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id
      where v.certificate_id = ${trainer} and n.kind = 'skill_requirement'
        and v.version = (select max(version) from standard_versions where certificate_id = ${trainer} and status = 'published')
      order by n.level, n.code`);
  });
  afterAll(async () => {
    await app.close();
  });

  it("lists the demo bank with filters, search and the bank's last update", async () => {
    const data = async (query: string) =>
      (await (await editor.data(`/w/demo-ai/questions?${query}`, "routes/w.$slug.questions._index")).json()) as {
        rows: { stem: string; pool: string; type: string; level: string }[];
        lastUpdated: string | null;
      };
    const all = await data(`certificate=${trainer}`);
    expect(all.rows.length).toBe(await db().count("questions", sql`certificate_id = ${trainer}`));
    expect(all.lastUpdated).not.toBeNull();
    expect((await data(`certificate=${trainer}&pool=exam`)).rows.every((q) => q.pool === "exam")).toBe(true);
    // A date that is not a day of the calendar is ignored like any other unknown filter, in the list and the search.
    expect((await data(`certificate=${trainer}&updatedSince=2024-13-45`)).rows).toHaveLength(all.rows.length);
    expect((await editor.get("/w/demo-ai/search?q=%E6%A0%87%E6%B3%A8&updatedSince=2024-02-30")).status).toBe(200);
    expect((await data(`certificate=${trainer}&updatedSince=2000-01-01`)).rows).toHaveLength(all.rows.length);
    expect((await data(`certificate=${trainer}&type=practical`)).rows.every((q) => q.type === "practical")).toBe(true);
    const search = await data(`certificate=${trainer}&q=${encodeURIComponent("意图")}`);
    expect(search.rows.length).toBeGreaterThan(0);
    expect(search.rows.every((q) => q.stem.includes("意图"))).toBe(true);
    // A % in the search is a character, not a wildcard.
    expect((await data(`certificate=${trainer}&q=%25`)).rows).toEqual([]);
    const page = await (await editor.get(`/w/demo-ai/questions?certificate=${trainer}`)).text();
    expect(page).toContain("题库最后更新");
  });

  it("saves a draft without a version, publishes versions, and shows the difference between two", async () => {
    const before = await counts();
    const created = await post(editor, "/w/demo-ai/questions/new", question());
    expect(created.status).toBe(302);
    const id = created.headers.get("location")!.split("/").at(-1)!;
    const read = async () =>
      (
        await db().rows<{ status: string; version: number; answer: string; tags: string[] }>(
          sql`select status, version, answer, tags from questions where id = ${id}`,
        )
      )[0];
    expect(await read()).toMatchObject({ status: "draft", version: 0, tags: ["机器学习", "基础"] });
    expect(await db().count("question_versions", sql`question_id = ${id}`)).toBe(0);

    const publish = await editor.action(`/w/demo-ai/questions/${id}`, questionRoute, question({ intent: "publish" }));
    expect(publish.status).toBe(200);
    expect(await read()).toMatchObject({ status: "published", version: 1 });
    // A saved change is a draft on top of version 1: no new version.
    await editor.action(`/w/demo-ai/questions/${id}`, questionRoute, question({ stem: "下列哪项属于监督学习算法？", answer: "b" }));
    expect(await read()).toMatchObject({ status: "draft", version: 1, answer: "B" });
    expect(await db().count("question_versions", sql`question_id = ${id}`)).toBe(1);
    await editor.action(`/w/demo-ai/questions/${id}`, questionRoute, question({ stem: "下列哪项属于监督学习算法？", difficulty: "4", intent: "publish" }));
    expect(await read()).toMatchObject({ status: "published", version: 2 });
    const diff = await (await editor.data(`/w/demo-ai/questions/${id}?from=1&to=2`, questionRoute)).json();
    expect(diff.diff.changes.map((c: { field: string }) => c.field)).toEqual(["stem", "difficulty"]);
    expect(diff.diff.changes[0]).toMatchObject({ from: "下列哪项属于监督学习？", to: "下列哪项属于监督学习算法？" });
    expect(diff.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    // Old versions stay readable, and a published version is never changed.
    expect(await db().rows(sql`select snapshot->>'stem' as stem from question_versions where question_id = ${id} and version = 1`)).toEqual([
      { stem: "下列哪项属于监督学习？" },
    ]);
    const refusedUpdate = await databaseError(
      asApp({ tenantId: ai, tenantKind: "organization", role: "editor" }, (tx) =>
        query(tx, sql`update question_versions set snapshot = '{}' where question_id = ${id} returning 1`),
      ),
    );
    expect(refusedUpdate).toMatch(/permission denied/);
    // A published question cannot be deleted; a never-published one can.
    const refused = await editor.action(`/w/demo-ai/questions/${id}`, questionRoute, { intent: "delete" });
    expect(refused.status).toBe(409);
    const draft = await post(editor, "/w/demo-ai/questions/new", question({ stem: "临时草稿" }));
    const draftId = draft.headers.get("location")!.split("/").at(-1)!;
    expect((await editor.post(`/w/demo-ai/questions/${draftId}`, { intent: "delete" })).status).toBe(302);
    expect(await db().count("questions", sql`id = ${draftId}`)).toBe(0);
    const after = await counts();
    expect(after.questions).toBe(before.questions + 1);
    expect(after.question_versions).toBe(before.question_versions + 2);
    expect(await db().count("audit_log", sql`entity_id in (${id}, ${draftId})`)).toBe(6);
  });

  it("checks each type's rules and refuses bad input in the user's language, writing nothing", async () => {
    const before = await counts();
    const cases: [FormInput, string, string][] = [
      [{ answer: "E" }, "answer", "单选题的答案须为一个选项字母（如 B）。"],
      [{ type: "multiple_choice", answer: "A" }, "answer", "多选题的答案须为至少两个选项字母（如 AC）。"],
      [{ options: "只有一个" }, "options", "选择题至少需要 2 个选项。"],
      [{ type: "true_false", options: "", answer: "也许" }, "answer", "判断题的答案须为“正确”或“错误”。"],
      [{ type: "fill_blank", options: "A\nB" }, "options", "此题型不需要选项。"],
      [{ type: "practical", options: "", answer: "提交报告" }, "rubric", "实操题须填写评分标准。"],
      [{ pool: "exam", visibility: "shared" }, "visibility", "考试题库的试题不能共享。"],
      [{ difficulty: "6" }, "difficulty", "不能大于 5。"],
      [{ level: "expert" }, "level", "请从列表中选择。"],
      [{ stem: "" }, "stem", "此项为必填项。"],
      [{ stem: "题\u202E干" }, "stem", "不能包含控制字符。"],
      [{ certificateId: "not-a-uuid" }, "certificateId", "请从列表中选择。"],
    ];
    for (const [values, field, message] of cases) {
      const response = await editor.action("/w/demo-ai/questions/new", newRoute, question(values));
      expect(response.status, JSON.stringify(values)).toBe(400);
      expect((await errorsOf(response))[field], JSON.stringify(values)).toEqual([message]);
    }
    // A requirement of another certificate, or a certificate of another organization.
    const [elderly] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
    expect((await errorsOf(await editor.action("/w/demo-ai/questions/new", newRoute, question({ certificateId: elderly.id })))).certificateId).toEqual([
      "请从列表中选择。",
    ]);
    const foreign = await post(editor, `/w/demo-ai/questions/new?_data=${encodeURIComponent(newRoute)}`, {
      ...question({ certificateId: bigdata }),
      requirementIds: requirements[0]?.lineage_id ?? "00000000-0000-4000-8000-000000000000",
    });
    expect((await errorsOf(foreign)).requirementIds).toEqual(["请从列表中选择。"]);
    const english = await careAdmin.action("/w/demo-care/questions/new", newRoute, { intent: "save" });
    expect((await errorsOf(english)).stem).toEqual(["This field is required."]);
    expect(await counts()).toEqual(before);
  });

  it("covers a requirement named twice once", async () => {
    // A form posting the same box twice, or a file listing a code twice: stored once, counted once.
    const twice = requirements.find((r) => r.level === "intermediate")!.lineage_id;
    const body = new URLSearchParams(Object.entries(question({ stem: "同一技能要求选了两次的题目" })).map(([key, value]) => [key, String(value)]));
    body.append("requirementIds", twice);
    body.append("requirementIds", twice);
    const saved = await editor.post("/w/demo-ai/questions/new", body);
    expect(saved.status).toBe(302);
    const [stored] = await db().rows<{ requirement_ids: string[] }>(sql`select requirement_ids from questions where stem = '同一技能要求选了两次的题目'`);
    expect(stored.requirement_ids).toEqual([twice]);
  });

  it("lets only editors write; other organizations and schools reach nothing", async () => {
    const before = await counts();
    const [any] = await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} limit 1`);
    expect((await finance.get("/w/demo-ai/questions")).status).toBe(200);
    expect((await finance.get("/w/demo-ai/questions/new")).status).toBe(403);
    expect((await post(finance, "/w/demo-ai/questions/new", question())).status).toBe(403);
    expect((await finance.post(`/w/demo-ai/questions/${any.id}`, question({ intent: "publish" }))).status).toBe(403);
    expect((await careAdmin.get(`/w/demo-ai/questions/${any.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/questions/${any.id}`)).status).toBe(404);
    expect((await post(careAdmin, `/w/demo-care/questions/${any.id}`, question({ intent: "publish" }))).status).toBe(404);
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/questions")).status).toBe(403);
    expect((await school.get("/w/demo-ai/questions")).status).toBe(404);
    for (const id of ["x", "00000000-0000-0000-0000-000000000000", "'--"])
      expect((await editor.get(`/w/demo-ai/questions/${encodeURIComponent(id)}`)).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("never lets the exam pool leave the organization: schools, the committee and others see none of it in SQL", async () => {
    const exam = await db().count("questions", sql`tenant_id = ${ai} and pool = 'exam'`);
    expect(exam).toBeGreaterThan(0);
    const [school] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`);
    const [committee] = await db().rows<{ id: string }>(sql`select id from tenants where kind = 'committee'`);
    const [care] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
    // A school reads the shared, published practice questions: the shared course library.
    // (Owner queries stay outside asApp: PGlite is one connection, a nested query would wait forever.)
    const shared = await db().count("questions", sql`pool = 'practice' and visibility = 'shared' and status = 'published'`);
    expect(shared).toBeGreaterThan(0);
    await asApp({ tenantId: school.id, tenantKind: "school", role: "admin" }, async (tx) => {
      const rows = await query<{ pool: string; visibility: string; status: string }>(tx, sql`select pool, visibility, status from questions`);
      expect(rows.length).toBe(shared);
      expect(rows.every((r) => r.pool === "practice" && r.visibility === "shared" && r.status === "published")).toBe(true);
      expect(await query(tx, sql`select 1 from question_versions where pool = 'exam'`)).toEqual([]);
      expect(await query(tx, sql`select 1 from questions where pool = 'exam'`)).toEqual([]);
    });
    // The committee: no rows at all, counts only (the exam pool included).
    await asApp({ tenantId: committee.id, tenantKind: "committee", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select 1 from questions`)).toEqual([]);
      expect(await query(tx, sql`select 1 from question_versions`)).toEqual([]);
      const rows = await query<{ pool: string; questions: number }>(
        tx,
        sql`select pool::text, questions::int from question_bank_counts() where tenant_id = ${ai}`,
      );
      expect(rows.filter((r) => r.pool === "exam").reduce((sum, r) => sum + r.questions, 0)).toBe(exam);
    });
    // The stem search's candidates (question_ids_matching runs as the owner) come from the caller's own
    // organization only: none for the school and the committee, only demo-care's own for demo-care.
    for (const scope of [
      { tenantId: school.id, tenantKind: "school" },
      { tenantId: committee.id, tenantKind: "committee" },
      { tenantId: null, tenantKind: null },
    ]) {
      await asApp({ ...scope, role: scope.tenantId ? "admin" : "public" }, async (tx) => {
        expect(await query(tx, sql`select id from question_ids_matching('%') as m(id)`)).toEqual([]);
      });
    }
    for (const tenantId of [ai, care.id]) {
      const candidates = await asApp({ tenantId, tenantKind: "organization", role: "admin" }, (tx) =>
        query<{ id: string }>(tx, sql`select id from question_ids_matching('%') as m(id)`),
      );
      expect(candidates.length).toBe(await db().count("questions", sql`tenant_id = ${tenantId}`));
      expect(await db().count("questions", sql`tenant_id <> ${tenantId} and id = any(${`{${candidates.map((r) => r.id).join(",")}}`}::uuid[])`)).toBe(0);
    }
    // Another organization: nothing of demo-ai's, not even counts.
    await asApp({ tenantId: care.id, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select 1 from questions where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`select 1 from question_bank_counts() where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`update questions set visibility = 'shared' where tenant_id = ${ai} returning 1`)).toEqual([]);
    });
    // The database itself refuses a shared exam question.
    const [one] = await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and pool = 'exam' limit 1`);
    await expect(db().rows(sql`update questions set visibility = 'shared' where id = ${one.id}`)).rejects.toThrow();
    // Search as another organization finds nothing of it.
    const [stem] = await db().rows<{ stem: string }>(sql`select stem from questions where id = ${one.id}`);
    const hits = await (await careAdmin.data(`/w/demo-care/search?q=${encodeURIComponent(stem.stem.slice(0, 8))}`, "routes/w.$slug.search")).json();
    expect(hits.hits).toEqual([]);
  });

  it(
    "imports 10,000 rows all or nothing: 12 bad rows are reported by row and column and nothing is written; fixed, all 10,000 land",
    async () => {
      const before = await counts();
      const bad = new Map<number, Record<string, string>>([
        [3, { answer: "E" }],
        [17, { type: "论述题" }],
        [250, { stem: "" }],
        [999, { level: "特级" }],
        [1200, { difficulty: "9" }],
        [2500, { pool: "考试", visibility: "共享" }],
        [4000, { requirements: "9.9.9" }],
        [5000, { optionB: "", optionC: "", optionD: "" }],
        [6000, { type: "判断题", optionA: "", optionB: "", optionC: "", optionD: "", answer: "可能" }],
        [7000, { type: "实操题", optionA: "", optionB: "", optionC: "", optionD: "", answer: "完成", rubric: "" }],
        [8000, { optionB: "" }],
        [9999, { stem: "题\u202E干" }],
      ]);
      const rows = Array.from({ length: 10_000 }, (_, i) => sampleRow(i, bad.get(i) ?? {}));
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet("试题");
      sheet.addRow(header);
      for (const row of rows) sheet.addRow(row);
      const failed = await importFile(editor, "题库.xlsx", new Uint8Array(await workbook.xlsx.writeBuffer()));
      // Every row was checked, 12 of them failed (13 errors: one row has two) and nothing was written.
      expect(failed.job).toMatchObject({
        status: "failed",
        totalRows: 10_000,
        processedRows: 10_000,
        failedRows: 12,
        errorCount: 13,
        importedRows: 0,
        progress: 100,
      });
      const failedPage = await (await editor.get(`/w/demo-ai/questions/import/${failed.jobId}`)).text();
      expect(testIdText(failedPage, "import-phase")).toBe("100% · 已校验 10000 行，其中 12 行有错误，未写入任何行。");
      expect(testIdAttribute(failedPage, "import-progress", "value")).toBe("100");
      expect(testIdText(failedPage, "import-summary")).toBe("发现 13 处错误，未导入任何试题。请修改后重新上传。");
      const reader = app.client({ locale: "en" });
      await reader.login("org-editor@demo.xcert.test");
      expect(testIdText(await (await reader.get(`/w/demo-ai/questions/import/${failed.jobId}`)).text(), "import-phase")).toBe(
        "100% · Rows checked: 10000, rows with errors: 12, rows written: 0.",
      );
      // The live stream of the ended job says the same.
      expect(await (await editor.get(`/w/demo-ai/questions/import/${failed.jobId}/events`)).text()).toContain(
        'data: {"status":"failed","totalRows":10000,"processedRows":10000,"failedRows":12,"importedRows":0,"progress":100}',
      );
      // Spreadsheet row numbers: the header is row 1.
      expect([...new Set(failed.errors.map((e) => e.row))].sort((a, b) => a - b)).toEqual([...bad.keys()].map((i) => i + 2));
      expect(failed.errors.find((e) => e.row === 5)).toMatchObject({ column: "答案", message: "单选题的答案须为一个选项字母（如 B）。" });
      expect(failed.errors.find((e) => e.row === 19)).toMatchObject({ column: "题型" });
      expect(failed.errors.find((e) => e.row === 4002)).toMatchObject({
        column: "技能要求",
        message: "未知的技能要求编号：9.9.9（该等级最新发布的标准中没有）。",
      });
      expect(failed.errors.find((e) => e.row === 2502)).toMatchObject({ column: "可见范围", message: "考试题库的试题不能共享。" });
      expect(await db().count("questions")).toBe(before.questions);
      expect(await db().count("question_versions")).toBe(before.question_versions);
      expect(await db().count("import_rows")).toBe(0);
      expect(await db().count("import_files")).toBe(0); // the upload is gone with the failed job
      // The error report downloads as XLSX with the same rows.
      const report = await editor.get(`/w/demo-ai/questions/import/${failed.jobId}/errors.xlsx`);
      expect(report.headers.get("content-type")).toMatch(/spreadsheetml/);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await report.arrayBuffer());
      expect(book.worksheets[0].getRow(1).values).toEqual([undefined, "行号", "列", "问题"]);
      expect(book.worksheets[0].rowCount - 1).toBe(failed.job.errorCount);

      const fixed = await importFile(editor, "题库-修正.csv", csv([header, ...Array.from({ length: 10_000 }, (_, i) => sampleRow(i))]));
      expect(fixed.job).toMatchObject({ status: "done", importedRows: 10_000, progress: 100 });
      expect(await db().count("questions", sql`import_job_id = ${fixed.jobId}`)).toBe(10_000);
      expect(await db().count("questions", sql`import_job_id = ${fixed.jobId} and pool = 'exam'`)).toBe(1000);
      expect(await db().count("question_versions", sql`question_id in (select id from questions where import_job_id = ${fixed.jobId}) and version = 1`)).toBe(
        10_000,
      );
      expect(await db().count("audit_log", sql`action = 'question_import.done' and entity_id = ${fixed.jobId}`)).toBe(1);
      expect(await db().count("import_rows")).toBe(0);
      const page = await (await editor.get(`/w/demo-ai/questions/import/${fixed.jobId}`)).text();
      expect(page).toContain("已导入 10000 道试题。");
    },
    heavyImportMs,
  );

  it("pages through search results with a keyset cursor and no repeats", async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/w/demo-ai/search?q=${encodeURIComponent("样题 000")}&kind=question${cursor ? `&cursor=${cursor}` : ""}`;
      const data = await (await editor.data(url, "routes/w.$slug.search")).json();
      for (const hit of data.hits) {
        expect(seen.has(hit.id)).toBe(false);
        seen.add(hit.id);
      }
      cursor = data.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.size).toBe(100); // 样题 00000 … 样题 00099
    expect(pages).toBe(4);
  });

  it("finds in stems exactly what a plain ILIKE finds, with trigram candidates (three letters or digits) or without", async () => {
    const searched = async (q: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/w/demo-ai/search?q=${encodeURIComponent(q)}&kind=question${cursor ? `&cursor=${cursor}` : ""}`;
        const data = await (await editor.data(url, "routes/w.$slug.search")).json();
        ids.push(...data.hits.map((hit: { id: string }) => hit.id));
        cursor = data.nextCursor;
      } while (cursor);
      return ids.sort();
    };
    // 矩形框 and 样题 000 have trigrams; 意图 and "A B" do not; 100% has a literal percent sign.
    for (const q of ["矩形框", "样题 000", "意图", "A B", "100%", "SELECT"]) {
      const expected = (await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and stem ilike ${likePattern(q)}`))
        .map((r) => r.id)
        .sort();
      expect(await searched(q), q).toEqual(expected);
      if (["矩形框", "样题 000", "意图"].includes(q)) expect(expected.length, q).toBeGreaterThan(0);
      // The question list of one certificate reads the same way.
      const inList: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/w/demo-ai/questions?certificate=${trainer}&q=${encodeURIComponent(q)}${cursor ? `&cursor=${cursor}` : ""}`;
        const data = await (await editor.data(url, "routes/w.$slug.questions._index")).json();
        inList.push(...data.rows.map((row: { id: string }) => row.id));
        cursor = data.nextCursor;
      } while (cursor);
      const expectedInList = (
        await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and certificate_id = ${trainer} and stem ilike ${likePattern(q)}`)
      ).map((r) => r.id);
      expect(inList.sort(), q).toEqual(expectedInList.sort());
    }
  });

  it("searches certificates, standards and questions in Chinese and English, with filters", async () => {
    const kinds = async (q: string, extra = "") => {
      const data = await (await editor.data(`/w/demo-ai/search?q=${encodeURIComponent(q)}${extra}`, "routes/w.$slug.search")).json();
      return data.hits as { kind: string; title: string }[];
    };
    expect((await kinds("训练师")).some((h) => h.kind === "certificate")).toBe(true);
    expect((await kinds("Trainer")).some((h) => h.kind === "certificate")).toBe(true);
    const annotation = await kinds("矩形框");
    expect(annotation.some((h) => h.kind === "question")).toBe(true);
    expect((await kinds("意图", "&pool=exam")).every((h) => h.kind === "question")).toBe(true);
    expect(await kinds("意图", "&type=true_false")).toEqual([]);
    const [node] = await db().rows<{ title_zh: string }>(
      sql`select n.title_zh from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id where v.certificate_id = ${trainer} limit 1`,
    );
    expect(node).toBeDefined();
    expect((await kinds(node.title_zh)).some((h) => h.kind === "standard")).toBe(true);
    const page = await (await editor.get(`/w/demo-ai/search?q=${encodeURIComponent("绝不会出现的词")}`)).text();
    expect(page).toContain("没有找到与“绝不会出现的词”相关的内容。");
  });

  it(
    "round-trips the bank: export as XLSX, CSV and Moodle XML, import back, the same questions",
    async () => {
      const snapshot = (where: ReturnType<typeof sql>) =>
        db().rows<{ q: string }>(sql`select jsonb_build_object('level', level, 'type', type, 'stem', stem, 'options', options, 'answer', answer,
        'explanation', explanation, 'rubric', rubric, 'difficulty', difficulty, 'requirementIds', to_jsonb(requirement_ids), 'tags', to_jsonb(tags),
        'pool', pool, 'visibility', visibility)::text as q from questions where ${where} order by 1`);
      for (const format of ["xlsx", "csv", "moodle"] as const) {
        // The bank as it is before this export (the 样题 sample rows of the import test left out).
        const original = await snapshot(sql`certificate_id = ${trainer} and stem not like '样题%'`);
        const exported = await editor.get(`/w/demo-ai/questions/export?certificate=${trainer}&format=${format}`);
        expect(exported.status).toBe(200);
        const bytes = new Uint8Array(await exported.arrayBuffer());
        // Leave out the sample import's rows so the round trip compares the demo bank.
        const filtered = await onlyDemoRows(bytes, format);
        const result = await importFile(editor, `bank.${format === "moodle" ? "xml" : format}`, filtered);
        expect(result.job.status, JSON.stringify(result.errors.slice(0, 3))).toBe("done");
        expect(await snapshot(sql`import_job_id = ${result.jobId}`)).toEqual(original);
      }
    },
    heavyImportMs,
  );

  it("ends an import's progress stream once its session is logged out", async () => {
    const [job] = await db().rows<{ id: string }>(sql`
      insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status, total_rows, locked_until)
      values (${ai}, 'questions', 'csv', ${trainer}, 'watch.csv', 'validating', 100, now() + interval '10 minutes') returning id`);
    const watcher = app.client();
    await watcher.login("org-editor@demo.xcert.test");
    const response = await watcher.get(`/w/demo-ai/questions/import/${job.id}/events`);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: progress");
    expect((await watcher.post("/logout", {})).status).toBe(302);
    // Each read goes through the session again: the stream ends instead of reporting for 15 minutes.
    const started = Date.now();
    while (!(await reader.read()).done) {
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    await db().rows(sql`delete from import_jobs where id = ${job.id}`);
  });

  it("resumes an import whose runner died, and lets only one runner through at a time", async () => {
    const rows = Array.from({ length: 4500 }, (_, i) => sampleRow(20_000 + i));
    const [job] = await db().rows<{ id: string }>(sql`
      insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status, total_rows, processed_rows, imported_rows, locked_until, updated_at, duplicates)
      values (${ai}, 'questions', 'csv', ${trainer}, 'resume.csv', 'importing', 4500, 4500, 2000, now() - interval '1 minute', now() - interval '1 minute', 'keep')
      returning id`);
    // Its file waits in the database, where a runner in any app instance finds it.
    await db().rows(
      sql`insert into import_files (tenant_id, job_id, bytes) values (${ai}, ${job.id}, decode(${Buffer.from(csv([header, ...rows])).toString("base64")}, 'base64'))`,
    );
    // The dead runner had staged the first 2,000 rows. Its rows resemble the 10,000 imported above (one
    // template, a running number): the job is one whose near-duplicate review was answered "keep".
    await db().rows(sql`insert into import_rows (tenant_id, job_id, row_number, data)
      select ${ai}, ${job.id}, g, jsonb_build_object('level', 'intermediate', 'type', 'single_choice', 'stem', '样题 ' || (20000 + g - 1)::text || '：数据标注质检时，抽检比例一般由什么决定？',
        'options', '["标注员的喜好","项目质量要求与数据量","服务器性能","标注工具的版本"]'::jsonb, 'answer', 'B', 'explanation', '抽检比例依据质量要求与数据规模确定。', 'rubric', '',
        'difficulty', ((g - 1) % 5) + 1, 'requirementIds', '[]'::jsonb, 'tags', '["质检"]'::jsonb, 'pool', case when (g - 1) % 10 = 0 then 'exam' else 'practice' end, 'visibility', 'private')
      from generate_series(1, 2000) g`);
    const [first, second] = await Promise.all([runImportJob(ai, job.id), runImportJob(ai, job.id)]);
    expect([first?.status ?? null, second?.status ?? null].filter(Boolean)).toEqual(["done"]);
    expect(await db().count("questions", sql`import_job_id = ${job.id}`)).toBe(4500);
    const stems = await db().rows<{ n: number }>(sql`select count(distinct stem)::int as n from questions where import_job_id = ${job.id}`);
    expect(stems[0].n).toBe(4500);
    expect(await db().count("import_files", sql`job_id = ${job.id}`)).toBe(0);
  });

  it("fails a job whose runner failed 3 times instead of resuming it forever (F1, decision 020)", async () => {
    const [job] = await db().rows<{ id: string }>(sql`
      insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status, updated_at)
      values (${ai}, 'questions', 'csv', ${trainer}, 'poison.csv', 'queued', now() - interval '1 minute') returning id`);
    await db().rows(
      sql`insert into import_files (tenant_id, job_id, bytes) values (${ai}, ${job.id}, decode(${Buffer.from(csv([header, sampleRow(30_000), sampleRow(30_001)])).toString("base64")}, 'base64'))`,
    );
    // The database refuses this job's staged rows, every time: each run ends in an error that is not
    // the file's fault (as when a runner dies), and the job is left to be tried again.
    await db().rows(sql`create function poison_import_rows() returns trigger language plpgsql as $$ begin raise exception 'staging refused'; end $$`);
    await db().rows(
      sql.raw(
        `create trigger poison_import_rows before insert on import_rows for each row when (new.job_id = '${job.id}') execute function poison_import_rows()`,
      ),
    );
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await expect(runImportJob(ai, job.id)).rejects.toThrow();
        const [state] = await db().rows<{ status: string; attempts: number; locked_until: Date | null }>(
          sql`select status, attempts, locked_until from import_jobs where id = ${job.id}`,
        );
        expect(state).toMatchObject({ status: "importing", attempts: attempt, locked_until: null });
      }
      // A fourth claim does not run it: the job fails, with a message, and its file is gone.
      expect(await runImportJob(ai, job.id)).toBeNull();
      const [failed] = await db().rows<{ status: string; attempts: number; errors: { message: string }[] }>(
        sql`select status, attempts, errors from import_jobs where id = ${job.id}`,
      );
      expect(failed).toMatchObject({ status: "failed", attempts: 4 });
      expect(failed.errors.map((e) => e.message)).toEqual(["导入在完成前中断了 3 次，已停止，不再重试。请检查文件，或拆分后重新上传。"]);
      expect(await db().count("import_files", sql`job_id = ${job.id}`)).toBe(0);
      // The background loop leaves it alone, however long ago it was touched.
      await db().rows(sql`update import_jobs set updated_at = now() - interval '1 hour' where id = ${job.id}`);
      await resumeStaleImports();
      const [after] = await db().rows<{ status: string; attempts: number }>(sql`select status, attempts from import_jobs where id = ${job.id}`);
      expect(after).toEqual({ status: "failed", attempts: 4 });
    } finally {
      await db().rows(sql`drop trigger poison_import_rows on import_rows`);
      await db().rows(sql`drop function poison_import_rows()`);
    }
  });

  it("refuses files that are not what they claim, and reports a missing column", async () => {
    const before = await db().count("import_jobs");
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]);
    for (const [name, bytes] of [
      ["题库.xlsx", exe],
      ["题库.csv", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00])],
      ["题库.pdf", new TextEncoder().encode("%PDF-1.4")],
    ] as const) {
      const form = new FormData();
      form.append("certificateId", trainer);
      form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
      const response = await editor.action("/w/demo-ai/questions/import", "routes/w.$slug.questions.import._index", form);
      expect(response.status, name).toBe(400);
      expect((await errorsOf(response)).file).toEqual(["请上传 XLSX、CSV、Moodle XML 或 GIFT（.gift、.txt）文件（以文件内容判断，不以扩展名判断）。"]);
    }
    const empty = new FormData();
    empty.append("certificateId", trainer);
    expect((await errorsOf(await editor.action("/w/demo-ai/questions/import", "routes/w.$slug.questions.import._index", empty))).file).toEqual([
      "此项为必填项。",
    ]);
    expect(await db().count("import_jobs")).toBe(before);
    const missing = await importFile(
      editor,
      "缺列.csv",
      csv([
        ["题干", "答案"],
        ["某题", "A"],
      ]),
    );
    expect(missing.job.status).toBe("failed");
    expect(missing.errors[0].message).toBe("缺少必需的列：题型、等级。");
    // Refused as a whole: no row was checked, and the page does not pretend otherwise.
    expect(missing.job).toMatchObject({ processedRows: 0, failedRows: 0, importedRows: 0, progress: 100 });
    expect(testIdText(await (await editor.get(`/w/demo-ai/questions/import/${missing.jobId}`)).text(), "import-phase")).toBe("100% · 未写入任何行。");
    const xxe = await importFile(
      editor,
      "evil.xml",
      new TextEncoder().encode(
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY e SYSTEM "file:///etc/passwd">]><quiz><question type="essay"><questiontext><text>&e;</text></questiontext></question></quiz>',
      ),
    );
    expect(xxe.job.status).toBe("failed");
    expect(xxe.errors[0].message).toBe("无法读取该文件，请确认格式正确。");
  });

  it("shows coverage of the skill requirements and which have nothing", async () => {
    const data = await (await editor.data(`/w/demo-ai/coverage?certificate=${trainer}`, "routes/w.$slug.coverage")).json();
    // The demo standard's requirements, every one listed, some covered and some not.
    expect(requirements.length).toBeGreaterThan(0);
    expect((data.report.requirements as { lineageId: string }[]).map((r) => r.lineageId).sort()).toEqual(requirements.map((r) => r.lineage_id).sort());
    expect(data.report.uncovered.length).toBeGreaterThan(0);
    expect(data.report.uncovered.length).toBeLessThan(requirements.length);
    const expected = await db().rows<{ lineage_id: string; practice: number; exam: number }>(sql`
      select r.lineage_id, count(*) filter (where q.pool = 'practice')::int as practice, count(*) filter (where q.pool = 'exam')::int as exam
      from questions q, unnest(q.requirement_ids) r(lineage_id) where q.certificate_id = ${trainer} group by 1`);
    for (const row of data.report.requirements as { lineageId: string; practice: number; exam: number }[]) {
      const count = expected.find((e) => e.lineage_id === row.lineageId);
      expect([row.practice, row.exam]).toEqual([count?.practice ?? 0, count?.exam ?? 0]);
    }
    expect(data.report.uncovered.length).toBe(
      data.report.requirements.filter((r: { practice: number; exam: number; cases: number }) => r.practice + r.exam + r.cases === 0).length,
    );
    expect(data.report.lastUpdated.questions).not.toBeNull();
  });
});

/** An exported bank without the 样题 sample rows (so a round trip compares the demo bank only). */
async function onlyDemoRows(bytes: Uint8Array, format: "xlsx" | "csv" | "moodle"): Promise<Uint8Array> {
  if (format === "moodle") {
    const xml = new TextDecoder().decode(bytes);
    return new TextEncoder().encode(xml.replace(/<question type="[^"]+">(?:(?!<\/question>)[\s\S])*?样题[\s\S]*?<\/question>\s*/g, ""));
  }
  if (format === "csv") {
    const text = new TextDecoder().decode(bytes);
    // Records may span lines inside quotes; sample rows are single-line.
    return new TextEncoder().encode(
      text
        .split("\r\n")
        .filter((line) => !line.includes("样题"))
        .join("\r\n"),
    );
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const keep = workbook.addWorksheet("kept");
  sheet.eachRow((row) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v)));
    if (!values.some((v) => v.includes("样题"))) keep.addRow(values);
  });
  workbook.removeWorksheet(sheet.id);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
