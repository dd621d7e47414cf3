import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMoodleGrade } from "../../app/modules/questions/moodle.server";
import { toMoodleXml, type ExportQuestion } from "../../app/modules/imports/formats.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";
import { finishQuestionImport } from "../support/question-import";

// Moodle XML as Moodle writes it (issue 19, decision 049): each mapping on a fixture written from the
// format's documentation (tests/fixtures/moodle), the upload form's defaults, category paths as tags,
// HTML sanitized into formatted text, embedded media kept as attachments (as confidential as their
// question), unsupported and malformed questions listed with the choice to import the rest, and
// XCert's own export in the shape Moodle's importer expects.

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../fixtures/moodle", name));

type Job = {
  id: string;
  status: string;
  importedRows: number;
  errorCount: number;
  totalRows: number;
  settings: { skippable?: number[]; notes?: { row: number; key: string }[]; skip?: number[] };
};
type JobResult = { jobId: string; job: Job; errors: { row: number; column: string; message: string }[] };

const jobRoute = "routes/w.$slug.questions.import.$jobId";

describe("Moodle XML import", () => {
  let app: TestApp;
  let editor: HttpClient;
  let editorEn: HttpClient;
  let finance: HttpClient;
  let careAdmin: HttpClient;
  let ai: string;
  let trainer: string;
  const db = () => owner(app.database);
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ["questions", "question_versions", "question_attachments", "import_rows", "import_files"].map(async (t) => [t, await db().count(t)] as const),
      ),
    );

  /** The job page's action, answered as data (field errors as JSON). */
  const skip = (client: HttpClient, jobId: string, count: string) =>
    client.post(`/w/demo-ai/questions/import/${jobId}?_data=${encodeURIComponent(jobRoute)}`, { skip: count });
  const waitFor = (client: HttpClient, jobId: string): Promise<JobResult> => finishQuestionImport<Job>(client, jobId);

  /** Uploads a file with the form's defaults and waits until its job ends. */
  const importFile = async (name: string, bytes: Uint8Array, defaults: Record<string, string> = { defaultLevel: "intermediate" }, client = editor) => {
    const form = new FormData();
    form.append("certificateId", trainer);
    for (const [key, value] of Object.entries(defaults)) form.append(key, value);
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    const response = await client.post("/w/demo-ai/questions/import", form);
    expect(response.status, await response.clone().text()).toBe(302);
    return waitFor(client, response.headers.get("location")!.split("/").at(-1)!);
  };

  const imported = (jobId: string) =>
    db().rows<{
      id: string;
      level: string;
      type: string;
      stem: string;
      options: string[];
      answer: string;
      explanation: string;
      difficulty: number;
      tags: string[];
      pool: string;
      answer_weights: number[] | null;
    }>(
      sql`select id, level::text, type::text, stem, options, answer, explanation, difficulty, tags, pool::text, answer_weights from questions where import_job_id = ${jobId} order by created_at, stem`,
    );

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    editorEn = app.client({ locale: "en" });
    await editorEn.login("org-admin@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    const [row] = await db().rows<{ id: string; tenant_id: string }>(sql`select id, tenant_id from certificates where code = 'AI-TRAINER'`);
    trainer = row.id;
    ai = row.tenant_id;
  });
  afterAll(async () => {
    await app.close();
  });

  it("maps a single-answer multichoice: category path and tags as tags, HTML as formatted text, name, idnumber and feedback into the explanation, the form's defaults", async () => {
    const result = await importFile("single.xml", fixture("multichoice-single.xml"), { defaultLevel: "senior", defaultPool: "exam", defaultDifficulty: "4" });
    expect(result.job.status, JSON.stringify(result.errors)).toBe("done");
    const [q] = await imported(result.jobId);
    expect(q).toMatchObject({
      level: "senior",
      pool: "exam",
      difficulty: 4,
      type: "single_choice",
      stem: "数据标注中，用**矩形框**标出图像中目标位置的方法称为？",
      options: ["语义分割", "拉框标注", "关键点标注", "文本转写"],
      answer: "B",
      answer_weights: null,
    });
    expect(q.tags.sort()).toEqual(["工作领域1/数据采集", "数据标注"].sort());
    expect(q.explanation).toBe("拉框标注（bounding box）用矩形框标出目标。\n\n原题名称：采集-01 标注方法 · 原题 ID：DC-001");
    // Published as version 1 like every import.
    expect(await db().count("question_versions", sql`question_id = ${q.id}`)).toBe(1);
    // An exam-pool question: finance does not read it.
    expect((await finance.get(`/w/demo-ai/questions/${q.id}`)).status).toBe(404);
  });

  it("refuses, with the level's message, a Moodle file whose questions carry no level when the form gives none", async () => {
    const before = await counts();
    const result = await importFile("nolevel.xml", fixture("truefalse.xml"), {});
    expect(result.job.status).toBe("failed");
    expect(result.errors.map((e) => [e.row, e.column])).toEqual([[1, "等级"]]);
    expect(await counts()).toEqual(before);
  });

  it("keeps partial-credit and negative fractions of a multiple-answer question in the answer key", async () => {
    const result = await importFile("multiple.xml", fixture("multichoice-multiple.xml"));
    expect(result.job.status, JSON.stringify(result.errors)).toBe("done");
    const rows = await imported(result.jobId);
    const three = rows.find((q) => q.stem.startsWith("以下哪些属于"))!;
    expect(three).toMatchObject({ type: "multiple_choice", answer: "ABC", answer_weights: [33.33333, 33.33333, 33.33333, -100] });
    expect(three.tags).toEqual(["工作领域2/数据清洗"]);
    const two = rows.find((q) => q.stem.startsWith("以下哪些是"))!;
    // 50/50 says nothing the letters do not: no weights kept.
    expect(two).toMatchObject({ type: "multiple_choice", answer: "AB", answer_weights: null, options: ["关系数据库表", "CSV 表格", "一段语音"] });
    // The page shows the kept grades, and XCert's own export writes them back.
    const page = await (await editor.get(`/w/demo-ai/questions/${three.id}`)).text();
    expect(page.replace(/<!-- -->/g, "")).toContain("随意删除异常样本: -100%");
    const xml = await (await editor.get(`/w/demo-ai/questions/export?certificate=${trainer}&format=moodle`)).text();
    expect(xml).toMatch(/<answer fraction="-100" format="html">\s*<text>随意删除异常样本<\/text>/);
    // Grades an edit made stale (the key no longer matches them) are neither shown nor exported.
    await db().rows(sql`update questions set answer = 'AB' where id = ${three.id}`);
    expect((await (await editor.get(`/w/demo-ai/questions/${three.id}`)).text()).replace(/<!-- -->/g, "")).not.toContain("-100%");
    const after = await (await editor.get(`/w/demo-ai/questions/export?certificate=${trainer}&format=moodle`)).text();
    expect(after).toMatch(/<answer fraction="0" format="html">\s*<text>随意删除异常样本<\/text>/);
    expect(after).toMatch(/<answer fraction="50" format="html">\s*<text>去除重复记录<\/text>/);
  });

  it("maps truefalse, shortanswer (→ fill in the blank), essay (→ short answer) and numerical (→ fill in the blank, tolerance noted)", async () => {
    const expectations: [string, Record<string, unknown>][] = [
      ["truefalse.xml", { type: "true_false", answer: "true", stem: "采集个人信息前应取得本人同意。" }],
      ["shortanswer.xml", { type: "fill_blank", answer: "CSV | csv", stem: "逗号分隔值文件的英文缩写是 ____。" }],
      ["essay.xml", { type: "short_answer", answer: "抽检、比对、返工。", stem: "简述标注质检的三个步骤。" }],
      ["numerical.xml", { type: "fill_blank", answer: "95 ±0.5", stem: "抽检 200 条，错 10 条，准确率是多少（百分数）？" }],
    ];
    for (const [name, expected] of expectations) {
      const result = await importFile(name, fixture(name));
      expect(result.job.status, `${name}: ${JSON.stringify(result.errors)}`).toBe("done");
      const rows = await imported(result.jobId);
      expect(rows, name).toHaveLength(1);
      expect(rows[0], name).toMatchObject({ ...expected, level: "intermediate", pool: "practice", difficulty: 3, options: [] });
    }
  });

  it("leaves a description out with a note", async () => {
    const result = await importFile("description.xml", fixture("description.xml"));
    expect(result.job.status).toBe("done");
    expect(result.job.importedRows).toBe(1);
    expect(result.job.settings.notes).toEqual([{ row: 1, key: "description" }]);
    const page = await (await editor.get(`/w/demo-ai/questions/import/${result.jobId}`)).text();
    expect(page).toContain("第 1 项是说明文字（description），不是试题，已略过。");
    expect((await imported(result.jobId))[0]).toMatchObject({ type: "true_false", stem: "公开数据也需要核实其来源与许可。" });
  });

  it("sanitizes HTML and decodes entities: &lt; &amp; &gt; come out as characters, scripts and javascript: links do not", async () => {
    const result = await importFile("entities.xml", fixture("html-entities.xml"));
    expect(result.job.status, JSON.stringify(result.errors)).toBe("done");
    const [q] = await imported(result.jobId);
    expect(q.stem).toBe("若 a < b && b > c，则 下列**正确**的是？\n\n- 条件一\n- 条件二\n\n链接");
    expect(q.options).toEqual(["a < c 不一定成立", "a > c"]);
    expect(q.explanation).toContain("比较运算：< 与 >，逻辑与 &&。");
    expect(q.explanation).toContain("原题名称：符号 & 实体");
    // Rendered for a reader through the case bank's renderer: escaped, never markup of the file's.
    const page = await (await editor.get(`/w/demo-ai/questions/${q.id}`)).text();
    expect(page).not.toContain("alert(1)");
  });

  it("keeps embedded image and audio as the question's attachments, shown with it and as confidential as an exam-pool question", async () => {
    const result = await importFile("media.xml", fixture("media.xml"), { defaultLevel: "junior", defaultPool: "exam" });
    expect(result.job.status, JSON.stringify(result.errors)).toBe("done");
    const [q] = await imported(result.jobId);
    expect(q.stem).toBe("看图并听录音：[图片：图1.png]\n\n[音频：clip.mp3]\n\n录音中提到的标注类型是？");
    expect(q.tags).toEqual(["听力"]);
    const files = await db().rows<{ id: string; file_name: string; content_type: string; size_bytes: number; sha256: string }>(
      sql`select id, file_name, content_type, size_bytes::int, sha256 from question_attachments where question_id = ${q.id} order by file_name`,
    );
    expect(files.map((f) => [f.file_name, f.content_type])).toEqual([
      ["clip.mp3", "audio/mpeg"],
      ["图1.png", "image/png"],
    ]);
    const page = await (await editor.get(`/w/demo-ai/questions/${q.id}`)).text();
    expect(page).toContain(`<img src="${q.id}/attachments/${files[1].id}"`);
    expect(page).toContain(`<audio controls="" preload="none" src="${q.id}/attachments/${files[0].id}"`);
    const image = await editor.get(`/w/demo-ai/questions/${q.id}/attachments/${files[1].id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    // Finance does not read the exam pool: neither the question nor its media; another organization neither.
    expect((await finance.get(`/w/demo-ai/questions/${q.id}/attachments/${files[1].id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-ai/questions/${q.id}/attachments/${files[1].id}`)).status).toBe(404);
    const seen = (role: string, tenantId = ai) =>
      asApp(
        { tenantId, tenantKind: "organization", role },
        async (tx) => (await query<{ id: string }>(tx, sql`select id from question_attachments where question_id = ${q.id}`)).length,
      );
    expect(await seen("finance")).toBe(0);
    expect(await seen("viewer")).toBe(0);
    expect(await seen("editor")).toBe(2);
    const [{ id: care }] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
    expect(await seen("admin", care)).toBe(0);
    // Writes are role-gated: a viewer of the organization cannot add media.
    await expect(
      asApp({ tenantId: ai, tenantKind: "organization", role: "viewer" }, (tx) =>
        tx.execute(
          sql`insert into question_attachments (tenant_id, question_id, file_name, content_type, size_bytes, sha256, storage_key) values (${ai}, ${q.id}, 'x.png', 'image/png', 1, 'x', 'k')`,
        ),
      ),
    ).rejects.toThrow();
  });

  it("lists a question whose embedded file is not media instead of importing it without its file", async () => {
    const before = await counts();
    const result = await importFile("bad-media.xml", fixture("bad-media.xml"));
    expect(result.job.status).toBe("failed");
    expect(result.errors).toEqual([{ row: 1, column: "附件-文本", message: "内嵌文件 notes.txt 不是支持的图片、音频或视频格式，试题不能不带它导入。" }]);
    // Nothing else to import: no skipping offered, and the file is gone with the job.
    expect(result.job.settings.skippable ?? []).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it("lists unsupported types per question in the user's language; the user may import the rest, in one transaction", async () => {
    const before = await counts();
    const result = await importFile("unsupported.xml", fixture("unsupported.xml"), { defaultLevel: "intermediate" }, editorEn);
    expect(result.job.status).toBe("failed");
    expect(result.errors).toEqual([
      { row: 2, column: "完形-1", message: "XCert does not support this question type: cloze (multianswer)." },
      { row: 3, column: "配对-1", message: "XCert does not support this question type: matching." },
      { row: 4, column: "拖放-1", message: "XCert does not support this question type: drag and drop into text." },
      { row: 5, column: "计算-1", message: "XCert does not support this question type: calculated." },
    ]);
    expect(result.job.settings.skippable).toEqual([2, 3, 4, 5]);
    expect(await counts()).toEqual({ ...before, import_files: before.import_files + 1 });
    const page = await (await editorEn.get(`/w/demo-ai/questions/import/${result.jobId}`)).text();
    expect(page).toContain("Skip the 4 listed and import the rest");
    // A count that is not the listed one (an old page) changes nothing.
    const stale = await skip(editorEn, result.jobId, "3");
    expect(stale.status).toBe(409);
    expect((await stale.json()).result.error.skip).toEqual(["This import has ended or started again: reload the page."]);
    const bad = await skip(editorEn, result.jobId, "many");
    expect(bad.status).toBe(400);
    // Another organization and a member who does not write the bank: not found / forbidden.
    expect((await skip(careAdmin, result.jobId, "4")).status).toBe(404);
    expect((await skip(finance, result.jobId, "4")).status).toBe(403);
    expect(await counts()).toEqual({ ...before, import_files: before.import_files + 1 });
    const skipped = await editorEn.post(`/w/demo-ai/questions/import/${result.jobId}`, { skip: "4" });
    expect(skipped.status).toBe(302);
    const done = await waitFor(editorEn, result.jobId);
    expect(done.job.status, JSON.stringify(done.errors)).toBe("done");
    expect(done.job.importedRows).toBe(2);
    const rows = await imported(result.jobId);
    expect(rows.map((q) => q.type).sort()).toEqual(["fill_blank", "true_false"]);
    // "$course$/top/" is left out of the tag; a space becomes "_" (a tag is one word).
    expect(rows.every((q) => q.tags.includes("Default_for_数据标注/混合题型"))).toBe(true);
    expect(await counts()).toEqual({ ...before, questions: before.questions + 2, question_versions: before.question_versions + 2 });
    const [audit] = await db().rows<{ after: { skipped: number[] } }>(
      sql`select after from audit_log where action = 'question_import.skip' and entity_id = ${result.jobId}`,
    );
    expect(audit.after.skipped).toEqual([2, 3, 4, 5]);
    // Once done, nothing is left to skip.
    expect((await skip(editorEn, result.jobId, "4")).status).toBe(409);
  });

  it("lists invalid grades and a multichoice without a fully correct answer", async () => {
    const before = await counts();
    const result = await importFile("grades.xml", fixture("invalid-grades.xml"));
    expect(result.job.status).toBe("failed");
    expect(result.errors).toEqual([
      { row: 1, column: "等级-37", message: "得分比例 37 无效：Moodle 只接受其评分列表中的比例（如 100、50、33.33333、-50）。" },
      { row: 2, column: "无正确答案", message: "没有完全正确（100%）的答案。" },
      { row: 3, column: "总和不足", message: "多选题中正确选项的得分比例之和必须为 100%。" },
    ]);
    expect(result.job.settings.skippable).toEqual([1, 2, 3]);
    expect(await counts()).toEqual({ ...before, import_files: before.import_files + 1 });
  });

  it("refuses an unreadable file and a file with a DTD, writing nothing; and bad defaults on the form", async () => {
    const before = await counts();
    for (const text of [
      '<?xml version="1.0"?><quiz><question type="truefalse"></quiz>',
      '<?xml version="1.0"?><questions></questions>',
      '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz></quiz>',
    ]) {
      const result = await importFile("broken.xml", new TextEncoder().encode(text));
      expect(result.job.status).toBe("failed");
      expect(result.errors.map((e) => e.message)).toEqual(["无法读取该文件，请确认格式正确。"]);
    }
    const form = new FormData();
    form.append("certificateId", trainer);
    form.append("defaultLevel", "expert");
    form.append("defaultDifficulty", "9");
    form.append("file", new Blob([fixture("truefalse.xml")]), "tf.xml");
    const response = await editor.post(`/w/demo-ai/questions/import?_data=${encodeURIComponent("routes/w.$slug.questions.import._index")}`, form);
    expect(response.status).toBe(400);
    const errors = (await response.json()).result.error;
    expect(Object.keys(errors).sort()).toEqual(["defaultDifficulty", "defaultLevel"]);
    expect(await counts()).toEqual(before);
  });
});

describe("XCert's Moodle XML export", () => {
  const questions: ExportQuestion[] = [
    {
      type: "single_choice",
      stem: "下列哪项属于监督学习？",
      options: ["聚类", "分类"],
      answer: "B",
      explanation: "",
      rubric: "",
      difficulty: 2,
      level: "junior",
      requirementCodes: [],
      tags: [],
      pool: "practice",
      visibility: "private",
    },
    {
      type: "multiple_choice",
      stem: "a < b & c\n第二行",
      options: ["甲", "乙", "丙"],
      answer: "ABC",
      explanation: "解析",
      rubric: "",
      difficulty: 3,
      level: "intermediate",
      requirementCodes: ["1.1.1"],
      tags: ["基础"],
      pool: "practice",
      visibility: "shared",
    },
    {
      type: "true_false",
      stem: "对吗？",
      options: [],
      answer: "false",
      explanation: "",
      rubric: "",
      difficulty: 3,
      level: "intermediate",
      requirementCodes: [],
      tags: [],
      pool: "exam",
      visibility: "private",
    },
  ];

  it("writes the fixture made from Moodle's format documentation: a category per level, HTML question text, grades from Moodle's list", () => {
    expect(toMoodleXml(questions, "AI-TRAINER")).toBe(readFileSync(path.join(import.meta.dirname, "../fixtures/moodle/xcert-export.xml"), "utf8"));
  });

  it("has fractions as Moodle's importer requires them: one 100 in a single answer, the right ones of several total 100", () => {
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      parseTagValue: false,
      isArray: (name) => ["question", "answer"].includes(name),
    }).parse(toMoodleXml(questions, "AI-TRAINER"));
    const entries = parsed.quiz.question as Record<string, unknown>[];
    expect(entries.filter((q) => q["@type"] === "category").map((q) => (q.category as { text: string }).text)).toEqual([
      "$course$/top/AI-TRAINER/初级",
      "$course$/top/AI-TRAINER/中级",
    ]);
    for (const q of entries.filter((e) => e["@type"] !== "category")) {
      expect((q.questiontext as { "@format": string })["@format"]).toBe("html");
      const fractions = (q.answer as { "@fraction": string }[]).map((a) => Number(a["@fraction"]));
      expect(fractions.every(isMoodleGrade)).toBe(true);
      if (q["@type"] === "multichoice" && q.single === "false")
        expect(Math.abs(fractions.filter((f) => f > 0).reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.01);
      else expect(fractions.filter((f) => f === 100)).toHaveLength(1);
    }
  });
});
