import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";

// Skill-requirement suggestions (issue 19 item 5, decision 052): for a question or case without
// requirements, the top three of the certificate's published standard by Chinese-bigram TF-IDF in SQL;
// one click links one (a published question gets its next version), the import review links many at
// once; bad input writes nothing; no organization is ever suggested another's requirements.

const questionRoute = "routes/w.$slug.questions.$questionId";
const caseRoute = "routes/w.$slug.cases.$caseId";
const acceptRoute = "routes/w.$slug.questions.$questionId_.suggestions";
const jobRoute = "routes/w.$slug.questions.import.$jobId";
const reviewRoute = "routes/w.$slug.questions.import.$jobId_.review";

type Suggestion = { lineageId: string; code: string; titleZh: string; score: number };

describe("skill-requirement suggestions", () => {
  let app: TestApp;
  let editor: HttpClient; // editor of demo-ai
  let finance: HttpClient; // finance of demo-ai: reads, does not write
  let careAdmin: HttpClient; // admin of demo-care
  let trainer: string;
  let ai: string;
  let care: string;
  const db = () => owner(app.database);
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const writes = async () => ({
    audit: await db().count("audit_log"),
    versions: await db().count("question_versions"),
    linked: await db().count("questions", sql`cardinality(requirement_ids) > 0`),
  });
  const suggestionsOf = async (client: HttpClient, slug: string, id: string) =>
    ((await (await client.data(`/w/${slug}/questions/${id}`, questionRoute)).json()) as { suggestions: Suggestion[] | null }).suggestions;
  const questionId = async (stem: string) => (await db().rows<{ id: string }>(sql`select id from questions where stem = ${stem}`))[0].id;

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
    ai = ids.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    care = ids.find((c) => c.code === "ELDERLY-CARE")!.tenant_id;
  });
  afterAll(async () => {
    await app.close();
  });

  it("suggests the matching requirements for the seeded questions without any", async () => {
    const privacy = await suggestionsOf(editor, "demo-ai", await questionId("对采集到的个人信息数据进行脱敏处理，是为了满足哪项要求？"));
    expect(privacy!.length).toBeGreaterThan(0);
    expect(privacy!.length).toBeLessThanOrEqual(3);
    expect(privacy![0].titleZh).toContain("脱敏");
    const charts = await suggestionsOf(editor, "demo-ai", await questionId("用图表呈现业务指标的变化，有助于发现业务数据中的趋势。"));
    expect(charts![0].titleZh).toContain("图表");
    const page = await (await editor.get(`/w/demo-ai/questions/${await questionId("用图表呈现业务指标的变化，有助于发现业务数据中的趋势。")}`)).text();
    expect(page).toContain("推荐的技能要求");
    // A question with requirements gets none; a member who cannot write sees none.
    const linked = (await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and cardinality(requirement_ids) > 0 limit 1`))[0].id;
    expect(await suggestionsOf(editor, "demo-ai", linked)).toBeNull();
    expect(await suggestionsOf(finance, "demo-ai", await questionId("对采集到的个人信息数据进行脱敏处理，是为了满足哪项要求？"))).toBeNull();
  });

  it("links one suggestion with one click: a published question gets its next version", async () => {
    const id = await questionId("对采集到的个人信息数据进行脱敏处理，是为了满足哪项要求？");
    const [top] = (await suggestionsOf(editor, "demo-ai", id))!;
    const [before] = await db().rows<{ version: number; status: string }>(sql`select version, status from questions where id = ${id}`);
    const response = await editor.post(`/w/demo-ai/questions/${id}/suggestions`, { requirementId: top.lineageId });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/w/demo-ai/questions/${id}`);
    const [after] = await db().rows<{ version: number; status: string; requirement_ids: string[] }>(
      sql`select version, status, requirement_ids from questions where id = ${id}`,
    );
    expect(after).toMatchObject({ status: before.status, version: before.version + 1, requirement_ids: [top.lineageId] });
    expect(
      await db().rows(sql`select snapshot->'requirementIds' as r from question_versions where question_id = ${id} and version = ${after.version}`),
    ).toEqual([{ r: [top.lineageId] }]);
    expect(await db().count("audit_log", sql`entity_id = ${id} and action = 'question.requirement_accept'`)).toBe(1);
    expect(await suggestionsOf(editor, "demo-ai", id)).toBeNull();
  });

  it("refuses bad input with field messages and writes nothing", async () => {
    const id = await questionId("用图表呈现业务指标的变化，有助于发现业务数据中的趋势。");
    const [linked] = await db().rows<{ id: string; requirement: string }>(
      sql`select id, requirement_ids[1] as requirement from questions where tenant_id = ${ai} and cardinality(requirement_ids) > 0 limit 1`,
    );
    const [otherLevel] = await db().rows<{ lineage_id: string }>(sql`
      select n.lineage_id from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id
      where v.certificate_id = ${trainer} and v.status = 'published' and n.kind = 'skill_requirement' and n.level = 'senior' limit 1`);
    const before = await writes();
    const cases: [string, string, Record<string, string>, number, string][] = [
      [id, "not a uuid", {}, 400, "请从列表中选择。"],
      [id, otherLevel.lineage_id, {}, 400, "请选择证书已发布标准中与该条目同一等级的技能要求。"],
      [id, "00000000-0000-4000-8000-000000000000", {}, 400, "请选择证书已发布标准中与该条目同一等级的技能要求。"],
      [linked.id, linked.requirement, {}, 409, "该技能要求已关联。"],
    ];
    for (const [target, requirementId, , status, message] of cases) {
      const response = await editor.action(`/w/demo-ai/questions/${target}/suggestions`, acceptRoute, { requirementId });
      expect(response.status, requirementId).toBe(status);
      expect((await errorsOf(response)).requirementId, requirementId).toEqual([message]);
    }
    const missing = await editor.action(`/w/demo-ai/questions/${id}/suggestions`, acceptRoute, {});
    expect(missing.status).toBe(400);
    expect((await errorsOf(missing)).requirementId).toEqual(["此项为必填项。"]);
    expect((await editor.post(`/w/demo-ai/questions/00000000-0000-4000-8000-000000000000/suggestions`, { requirementId: otherLevel.lineage_id })).status).toBe(
      404,
    );
    expect(await writes()).toEqual(before);
  });

  it("suggests and links requirements on a case's page", async () => {
    const [created] = await db().rows<{ id: string }>(sql`
      insert into cases (tenant_id, certificate_id, level, title, industry_context, body)
      values (${ai}, ${trainer}, 'junior', '客服热线语音数据切分与转写', '某市政务服务热线', '使用标注工具对 200 段通话录音进行切分，并完成语音转写与校对。')
      returning id`);
    const data = (await (await editor.data(`/w/demo-ai/cases/${created.id}`, caseRoute)).json()) as { suggestions: Suggestion[] | null };
    expect(data.suggestions!.length).toBeGreaterThan(0);
    expect(data.suggestions!.some((s) => s.titleZh.includes("语音"))).toBe(true);
    const response = await editor.post(`/w/demo-ai/cases/${created.id}/suggestions`, { requirementId: data.suggestions![0].lineageId });
    expect(response.status).toBe(302);
    expect(await db().rows(sql`select requirement_ids from cases where id = ${created.id}`)).toEqual([{ requirement_ids: [data.suggestions![0].lineageId] }]);
    expect(await db().count("audit_log", sql`entity_id = ${created.id} and action = 'case.requirement_accept'`)).toBe(1);
  });

  it("links the suggestions of an import's questions in bulk, all or nothing", async () => {
    const row = (stem: string, level: string) => {
      const cells: Record<string, string> = { type: "判断题", stem, answer: "正确", difficulty: "2", level, pool: "练习", visibility: "仅本机构" };
      return questionColumns.map((c) => cells[c.key] ?? "");
    };
    const lines = [
      questionColumns.map((c) => c.zh),
      row("智能系统日常巡检应当按巡检清单逐项记录运行状态。", "初级"),
      row("按测试用例对智能系统进行功能测试时，应记录每条用例的测试结果。", "中级"),
    ];
    const form = new FormData();
    form.append("certificateId", trainer);
    form.append("file", new Blob([`\uFEFF${lines.map((l) => l.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`]), "bulk.csv");
    const upload = await editor.post("/w/demo-ai/questions/import", form);
    expect(upload.status).toBe(302);
    const jobId = upload.headers.get("location")!.split("/").at(-1)!;
    type Data = { job: { status: string }; review: { suggestions: { id: string; suggestions: Suggestion[] }[] } };
    let data: Data | null = null;
    for (let i = 0; i < 600 && data?.job.status !== "done"; i++) {
      data = (await (await editor.data(`/w/demo-ai/questions/import/${jobId}`, jobRoute)).json()) as Data;
      if (data.job.status !== "done") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(data!.job.status).toBe("done");
    const imported = data!.review.suggestions;
    expect(imported).toHaveLength(2);
    // Listed in no particular order: each question found by its stem.
    const stems = new Map(
      (
        await db().rows<{ id: string; stem: string }>(
          sql`select id, stem from questions where id in ${sql.raw(`('${imported.map((q) => q.id).join("','")}')`)}`,
        )
      ).map((r) => [r.id, r.stem]),
    );
    const byStem = (part: string) => imported.find((q) => stems.get(q.id)?.includes(part))!;
    expect(byStem("巡检").suggestions[0].titleZh).toContain("巡检");
    expect(byStem("测试用例").suggestions[0].titleZh).toContain("测试用例");
    const pairs = imported.map((q) => `${q.id}:${q.suggestions[0].lineageId}`);

    // One bad pair refuses the whole form: the good one before it is not written either.
    const before = await writes();
    const foreign = await questionId("对采集到的个人信息数据进行脱敏处理，是为了满足哪项要求？");
    const bad = await editor.action(
      `/w/demo-ai/questions/import/${jobId}/review`,
      reviewRoute,
      new URLSearchParams([
        ["intent", "accept"],
        ["accept", pairs[0]],
        ["accept", `${foreign}:${imported[0].suggestions[0].lineageId}`],
      ]),
    );
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad))["accept[1]"]).toEqual(["该习题不是本次导入中未关联技能要求的习题。"]);
    const malformed = await editor.action(
      `/w/demo-ai/questions/import/${jobId}/review`,
      reviewRoute,
      new URLSearchParams([
        ["intent", "accept"],
        ["accept", "nonsense"],
      ]),
    );
    expect(malformed.status).toBe(400);
    const empty = await editor.action(`/w/demo-ai/questions/import/${jobId}/review`, reviewRoute, { intent: "accept" });
    expect(empty.status).toBe(400);
    expect(await writes()).toEqual(before);

    const accepted = await editor.action(
      `/w/demo-ai/questions/import/${jobId}/review`,
      reviewRoute,
      new URLSearchParams([["intent", "accept"], ...pairs.map((p) => ["accept", p])]),
    );
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { accepted: number }).accepted).toBe(2);
    for (const q of imported)
      expect(await db().rows(sql`select requirement_ids from questions where id = ${q.id}`)).toEqual([{ requirement_ids: [q.suggestions[0].lineageId] }]);
    expect(((await (await editor.data(`/w/demo-ai/questions/import/${jobId}`, jobRoute)).json()) as Data).review.suggestions).toEqual([]);
  });

  it("never suggests or links across organizations, and refuses members who cannot write", async () => {
    const id = await questionId("用图表呈现业务指标的变化，有助于发现业务数据中的趋势。");
    const [top] = (await suggestionsOf(editor, "demo-ai", id))!;
    const before = await writes();
    expect((await careAdmin.post(`/w/demo-ai/questions/${id}/suggestions`, { requirementId: top.lineageId })).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-care/questions/${id}/suggestions`, { requirementId: top.lineageId })).status).toBe(404);
    expect((await finance.post(`/w/demo-ai/questions/${id}/suggestions`, { requirementId: top.lineageId })).status).toBe(403);
    expect(await writes()).toEqual(before);
    // demo-care's own question: only demo-care's requirements are suggested.
    const [elderly] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
    const [mine] = await db().rows<{ id: string }>(sql`
      insert into questions (tenant_id, certificate_id, level, type, stem, answer)
      values (${care}, ${elderly.id}, 'junior', 'true_false', '用图表呈现业务指标的变化，有助于发现业务数据中的趋势。老年人照护计划应定期评估。', 'true') returning id`);
    const theirs = (await suggestionsOf(careAdmin, "demo-care", mine.id)) ?? [];
    const careRequirements = new Set(
      (await db().rows<{ lineage_id: string }>(sql`select lineage_id from standard_nodes where tenant_id = ${care}`)).map((r) => r.lineage_id),
    );
    expect(theirs.every((s) => careRequirements.has(s.lineageId))).toBe(true);
    expect(theirs.some((s) => s.lineageId === top.lineageId)).toBe(false);
    // Raw SQL as demo-care: demo-ai's published standard is public (a skill standard is published to be
    // read), its drafts are not; the suggestions above came from demo-care's own standard only.
    const drafts = sql`select 1 from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id where n.tenant_id = ${ai} and v.status = 'draft'`;
    // A draft of demo-ai's (its certificate's one draft, if the seed left none).
    await db().rows(
      sql`insert into standard_versions (tenant_id, certificate_id, version, status) values (${ai}, ${trainer}, 99, 'draft') on conflict do nothing returning 1`,
    );
    await db().rows(sql`insert into standard_nodes (tenant_id, version_id, level, kind, position, code, title_zh)
      select tenant_id, id, 'intermediate', 'work_area', 9, '9', '草稿中的工作领域' from standard_versions where tenant_id = ${ai} and certificate_id = ${trainer} and status = 'draft' returning 1`);
    expect((await db().rows(drafts)).length).toBeGreaterThan(0);
    await asApp({ tenantId: care, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, drafts)).toEqual([]);
    });
  });
});
