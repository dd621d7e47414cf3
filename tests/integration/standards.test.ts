import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Skill standards (职业技能等级标准): versions per certificate, trees per level with codes kept
// consecutive, draft → published → superseded with immutability in the app (409) and in the
// database (trigger), the diff by lineage, print and XLSX, bad input, isolation and audit.

const versionsRoute = "routes/w.$slug.certificates.$certificateId_.standards";
const versionRoute = "routes/w.$slug.standards.$versionId";
const diffRoute = "routes/w.$slug.standards.diff";

type Node = {
  id: string;
  parent_id: string | null;
  level: string;
  kind: string;
  position: number;
  code: string;
  lineage_id: string;
  title_zh: string;
  title_en: string;
};

describe("skill standards", () => {
  let app: TestApp;
  let editor: HttpClient;
  let finance: HttpClient;
  let english: HttpClient;
  let ai: string;
  let trainer: string;
  let bigdata: string;
  let v1: string;
  let v2: string;
  let draft: string;
  const db = () => owner(app.database);
  const nodesOf = (versionId: string) =>
    db().rows<Node>(
      sql`select id, parent_id, level::text, kind::text, position, code, lineage_id, title_zh, title_en from standard_nodes where version_id = ${versionId}`,
    );
  const counts = async () =>
    Object.fromEntries(await Promise.all(["standard_versions", "standard_nodes", "audit_log"].map(async (t) => [t, await db().count(t)] as const)));
  const audits = (action: string) => db().count("audit_log", sql`action = ${action}`);
  const act = (client: HttpClient, versionId: string, form: FormInput) => client.action(`/w/demo-ai/standards/${versionId}`, versionRoute, form);
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const byCode = (nodes: Node[], level: string, code: string) => nodes.find((n) => n.level === level && n.code === code)!;

  /** Every level's codes are `1`, `1.1`, `1.1.1` … consecutive from the positions, which are 1…n among siblings. */
  const expectConsistent = (nodes: Node[]) => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const groups = new Map<string, Node[]>();
    for (const n of nodes) groups.set(`${n.level}:${n.parent_id}`, [...(groups.get(`${n.level}:${n.parent_id}`) ?? []), n]);
    for (const siblings of groups.values()) {
      siblings.sort((a, b) => a.position - b.position);
      siblings.forEach((n, i) => {
        const parent = n.parent_id ? byId.get(n.parent_id)! : null;
        expect(n.position, n.code).toBe(i + 1);
        expect(n.code).toBe(parent ? `${parent.code}.${i + 1}` : String(i + 1));
        expect(n.kind).toBe(parent ? (parent.kind === "work_area" ? "work_task" : "skill_requirement") : "work_area");
      });
    }
  };

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    english = app.client({ locale: "en" });
    await english.login("org-admin@demo.xcert.test");
    const certificates = await db().rows<{ code: string; id: string; tenant_id: string }>(sql`select code, id, tenant_id from certificates`);
    trainer = certificates.find((c) => c.code === "AI-TRAINER")!.id;
    bigdata = certificates.find((c) => c.code === "BIGDATA-PY")!.id;
    ai = certificates.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    const versions = await db().rows<{ id: string; version: number }>(
      sql`select id, version from standard_versions where certificate_id = ${trainer} order by version`,
    );
    [v1, v2] = versions.map((v) => v.id);
  });
  afterAll(() => app.close());

  it("lists the demo standard's versions and shows each tree with consistent codes", async () => {
    const data = await (await editor.data(`/w/demo-ai/certificates/${trainer}/standards`, versionsRoute)).json();
    expect(data.certificate.code).toBe("AI-TRAINER");
    expect(data.canWrite).toBe(true);
    expect(data.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, "published"],
      [1, "superseded"],
    ]);
    expect(data.versions[1].supersededAt).not.toBeNull();
    // Each version's item count is its own nodes' (the count read 0 when bound to the wrong table).
    for (const v of data.versions as { id: string; nodes: number }[]) {
      expect(v.nodes).toBeGreaterThan(20);
      expect(v.nodes).toBe(await db().count("standard_nodes", sql`version_id = ${v.id}`));
    }
    const page = await (await editor.get(`/w/demo-ai/certificates/${trainer}/standards`)).text();
    expect(page).toContain("基于第 2 版开始新草稿");
    // The certificate page links here.
    expect(await (await editor.get(`/w/demo-ai/certificates/${trainer}`)).text()).toContain(`href="/w/demo-ai/certificates/${trainer}/standards"`);

    const version = await (await editor.data(`/w/demo-ai/standards/${v2}`, versionRoute)).json();
    expect(version.version.status).toBe("published");
    expect(version.previousId).toBe(v1);
    expect(version.nodes.length).toBe(await db().count("standard_nodes", sql`version_id = ${v2}`));
    for (const id of [v1, v2]) {
      const nodes = await nodesOf(id);
      expectConsistent(nodes);
      for (const level of ["junior", "intermediate", "senior"]) {
        expect(nodes.filter((n) => n.level === level && n.kind === "work_area").length).toBeGreaterThanOrEqual(2);
      }
    }
    const html = await (await editor.get(`/w/demo-ai/standards/${v2}`)).text();
    expect(html).toContain("数据采集和处理");
    expect(html).toContain("此版本已发布，不能更改。");
    // The questions of the demo name skill requirements of the published version; some have none.
    const requirements = await db().rows<{ lineage_id: string }>(
      sql`select lineage_id from standard_nodes where version_id = ${v2} and kind = 'skill_requirement'`,
    );
    const covered = await db().rows<{ id: string }>(sql`select distinct unnest(requirement_ids)::text as id from questions where certificate_id = ${trainer}`);
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.every((c) => requirements.some((r) => r.lineage_id === c.id))).toBe(true);
    const coverage = await (await editor.data(`/w/demo-ai/coverage?certificate=${trainer}`, "routes/w.$slug.coverage")).json();
    for (const level of ["junior", "intermediate", "senior"])
      expect(coverage.report.uncovered.filter((r: { level: string }) => r.level === level).length, level).toBeGreaterThan(0);
    // Workspace search finds the nodes of the latest version and opens the versions page.
    const search = await (await editor.data(`/w/demo-ai/search?q=${encodeURIComponent("巡检日志")}`, "routes/w.$slug.search")).json();
    expect(search.hits.some((h: { kind: string }) => h.kind === "standard")).toBe(true);
    // In English the items are named by their English titles, with the Chinese beside them.
    type Hit = { kind: string; title: string; detail: string | null };
    const hitsIn = async (client: HttpClient) =>
      ((await (await client.data(`/w/demo-ai/search?q=${encodeURIComponent("标注")}&kind=standard`, "routes/w.$slug.search")).json()) as { hits: Hit[] }).hits;
    const [zhHits, enHits] = [await hitsIn(editor), await hitsIn(english)];
    expect(enHits.length).toBeGreaterThan(0);
    expect(enHits.length).toBe(zhHits.length);
    for (const hit of enHits) {
      expect(hit.title, hit.title).not.toMatch(/[\u4e00-\u9fff]/);
      expect(hit.detail).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("starts a new draft from the latest published version: new ids, the same lineage ids; only one draft", async () => {
    const response = await editor.post(`/w/demo-ai/certificates/${trainer}/standards`, { intent: "start" });
    expect(response.status).toBe(302);
    draft = response.headers.get("location")!.split("/").at(-1)!;
    const [row] = await db().rows<{ version: number; status: string }>(sql`select version, status from standard_versions where id = ${draft}`);
    expect(row).toEqual({ version: 3, status: "draft" });
    const [source, copy] = [await nodesOf(v2), await nodesOf(draft)];
    expect(copy.length).toBe(source.length);
    const key = (n: Node) => `${n.level}|${n.code}|${n.kind}|${n.lineage_id}|${n.title_zh}|${n.title_en}`;
    expect(copy.map(key).sort()).toEqual(source.map(key).sort());
    const sourceIds = new Set(source.map((n) => n.id));
    expect(copy.some((n) => sourceIds.has(n.id))).toBe(false);
    // Parents are mapped to the copies, not left pointing into version 2.
    const copyIds = new Set(copy.map((n) => n.id));
    expect(copy.every((n) => n.parent_id === null || copyIds.has(n.parent_id))).toBe(true);
    expect(await db().count("audit_log", sql`action = 'standard.draft.create' and entity_id = ${draft}`)).toBe(1);

    const before = await counts();
    const again = await editor.action(`/w/demo-ai/certificates/${trainer}/standards`, versionsRoute, { intent: "start" });
    expect(again.status).toBe(409);
    expect((await errorsOf(again))[""]).toEqual(["已有草稿（第 3 版），请先发布或放弃它。"]);
    expect(await counts()).toEqual(before);
    const list = await (await editor.get(`/w/demo-ai/certificates/${trainer}/standards`)).text();
    expect(list).toContain("继续编辑草稿（第 3 版）");
  });

  it("adds, edits, moves and deletes nodes, keeping codes consecutive", async () => {
    const nodeCount = await db().count("standard_nodes", sql`version_id = ${draft}`);
    const areas = (await nodesOf(draft)).filter((n) => n.level === "junior" && n.kind === "work_area").length;
    const add = async (values: FormInput) => {
      const response = await act(editor, draft, { intent: "add", level: "junior", ...values });
      expect(response.status, await response.clone().text()).toBe(200);
      expect((await response.json()).done).toBe("added");
      return (
        await db().rows<Node>(sql`select id, code, kind::text from standard_nodes where version_id = ${draft} and title_zh = ${String(values.titleZh)}`)
      )[0];
    };
    const area = await add({ titleZh: "智能训练数据管理", titleEn: "Training data management" });
    expect(area).toMatchObject({ code: String(areas + 1), kind: "work_area" });
    const task = await add({ parentId: area.id, titleZh: "数据集版本管理" });
    expect(task).toMatchObject({ code: `${areas + 1}.1`, kind: "work_task" });
    const a = await add({ parentId: task.id, titleZh: "要求甲", description: "第一条" });
    const b = await add({ parentId: task.id, titleZh: "要求乙" });
    const c = await add({ parentId: task.id, titleZh: "要求丙" });
    expect([a.code, b.code, c.code]).toEqual([1, 2, 3].map((i) => `${areas + 1}.1.${i}`));
    expect(c.kind).toBe("skill_requirement");

    // Edit.
    const edit = await act(editor, draft, { intent: "update", nodeId: b.id, titleZh: "要求乙（修订）", titleEn: "Requirement B", description: "说明" });
    expect(edit.status).toBe(200);
    expect((await db().rows<Node>(sql`select title_zh, title_en from standard_nodes where id = ${b.id}`))[0]).toEqual({
      title_zh: "要求乙（修订）",
      title_en: "Requirement B",
    });

    // Move the last requirement up: 丙 takes 乙's code, and the swap does not trip the unique index.
    expect((await act(editor, draft, { intent: "move", nodeId: c.id, direction: "up" })).status).toBe(200);
    let nodes = await nodesOf(draft);
    expect(nodes.find((n) => n.id === c.id)!.code).toBe(`${areas + 1}.1.2`);
    expect(nodes.find((n) => n.id === b.id)!.code).toBe(`${areas + 1}.1.3`);
    expectConsistent(nodes);
    // At the top, "up" changes nothing.
    expect((await act(editor, draft, { intent: "move", nodeId: a.id, direction: "up" })).status).toBe(200);
    expect((await nodesOf(draft)).find((n) => n.id === a.id)!.code).toBe(`${areas + 1}.1.1`);

    // Move the new area up: its whole subtree is renumbered, and the area it passed moves down.
    const passed = byCode(nodes, "junior", String(areas));
    const passedChildren = nodes
      .filter((n) => n.level === "junior" && n.code.startsWith(`${areas}.`))
      .map((n) => [n.id, n.code.replace(`${areas}.`, `${areas + 1}.`)]);
    expect((await act(editor, draft, { intent: "move", nodeId: area.id, direction: "up" })).status).toBe(200);
    nodes = await nodesOf(draft);
    expectConsistent(nodes);
    expect(nodes.find((n) => n.id === area.id)!.code).toBe(String(areas));
    expect(nodes.find((n) => n.id === c.id)!.code).toBe(`${areas}.1.2`);
    expect(nodes.find((n) => n.id === passed.id)!.code).toBe(String(areas + 1));
    for (const [id, code] of passedChildren) expect(nodes.find((n) => n.id === id)!.code).toBe(code);

    // Delete the middle requirement: the last one closes the gap.
    expect((await act(editor, draft, { intent: "delete", nodeId: c.id })).status).toBe(200);
    nodes = await nodesOf(draft);
    expectConsistent(nodes);
    expect(nodes.find((n) => n.id === b.id)!.code).toBe(`${areas}.1.2`);
    // Delete the first work area of the level with its subtree: every other area moves up by one.
    const first = byCode(nodes, "junior", "1");
    const subtree = nodes.filter((n) => n.level === "junior" && (n.code === "1" || n.code.startsWith("1."))).length;
    expect((await act(editor, draft, { intent: "delete", nodeId: first.id })).status).toBe(200);
    nodes = await nodesOf(draft);
    expectConsistent(nodes);
    expect(nodes.length).toBe(nodeCount + 4 - subtree);
    expect(nodes.find((n) => n.id === area.id)!.code).toBe(String(areas - 1));
    // Other levels are untouched.
    expect(nodes.filter((n) => n.level !== "junior").length).toBe((await nodesOf(v2)).filter((n) => n.level !== "junior").length);

    expect(await audits("standard.node.create")).toBe(5);
    expect(await audits("standard.node.update")).toBe(1);
    expect(await audits("standard.node.move")).toBe(2); // the no-op at the top is not a change
    expect(await audits("standard.node.delete")).toBe(2);
    const [entry] = await db().rows<{ before: { code: string; subtree: string[] } }>(
      sql`select before from audit_log where action = 'standard.node.delete' and entity_id = ${first.id}`,
    );
    expect(entry.before.subtree.length).toBe(subtree);
    // The page shows the editor to an editor.
    const html = await (await editor.get(`/w/demo-ai/standards/${draft}`)).text();
    expect(html).toContain("添加工作领域");
    expect(html).toContain("发布此版本");
  });

  it("refuses bad input with field messages in the user's language and writes nothing", async () => {
    const before = await counts();
    const nodes = await nodesOf(draft);
    const requirement = nodes.find((n) => n.kind === "skill_requirement")!;
    const task = nodes.find((n) => n.kind === "work_task" && n.level === "junior")!;
    const zh = async (values: FormInput) => {
      const response = await act(editor, draft, values);
      expect(response.status, JSON.stringify(values).slice(0, 80)).toBe(400);
      return errorsOf(response);
    };
    expect((await zh({ intent: "add", level: "junior", titleZh: "" })).titleZh).toEqual(["此项为必填项。"]);
    expect((await zh({ intent: "add", level: "junior", titleZh: "长".repeat(201) })).titleZh).toEqual(["最多 200 个字符。"]);
    expect((await zh({ intent: "add", level: "junior", titleZh: "名\u202E称" })).titleZh?.length).toBe(1);
    expect((await zh({ intent: "add", level: "expert", titleZh: "等级错误" })).level).toEqual(["请从列表中选择。"]);
    expect((await zh({ intent: "add", level: "junior", parentId: "not-a-uuid", titleZh: "上级错误" })).parentId).toEqual(["请从列表中选择。"]);
    // Under a skill requirement, or under a node of another level: not a place for a node.
    expect((await zh({ intent: "add", level: requirement.level, parentId: requirement.id, titleZh: "第四层" })).parentId).toEqual(["请从列表中选择。"]);
    expect((await zh({ intent: "add", level: "senior", parentId: task.id, titleZh: "跨等级" })).parentId).toEqual(["请从列表中选择。"]);
    expect((await zh({ intent: "update", nodeId: requirement.id, titleZh: " " })).titleZh).toEqual(["此项为必填项。"]);
    expect((await zh({ intent: "move", nodeId: requirement.id, direction: "left" })).direction).toEqual(["请从列表中选择。"]);
    expect(Object.keys(await zh({ intent: "rename" })).length).toBeGreaterThan(0);
    expect(Object.keys(await zh({})).length).toBeGreaterThan(0);
    // A node of another version is not found in this one.
    const foreign = (await nodesOf(v2))[0];
    expect((await zh({ intent: "delete", nodeId: foreign.id })).nodeId).toEqual(["请从列表中选择。"]);

    const en = await act(english, draft, { intent: "add", level: "junior", titleZh: "", titleEn: "x".repeat(301) });
    expect(en.status).toBe(400);
    const enErrors = await errorsOf(en);
    expect(enErrors.titleZh).toEqual(["This field is required."]);
    expect(enErrors.titleEn).toEqual(["Enter at most 300 characters."]);
    expect(await counts()).toEqual(before);
    expect(await nodesOf(draft)).toEqual(nodes);
  });

  it("publishes a draft and supersedes the published version; an empty or incomplete tree is refused", async () => {
    const publish = await act(editor, draft, { intent: "publish" });
    expect(publish.status).toBe(200);
    expect((await publish.json()).done).toBe("published");
    const statuses = await db().rows<{ version: number; status: string; superseded: boolean }>(
      sql`select version, status::text, superseded_at is not null as superseded from standard_versions where certificate_id = ${trainer} order by version`,
    );
    expect(statuses).toEqual([
      { version: 1, status: "superseded", superseded: true },
      { version: 2, status: "superseded", superseded: true },
      { version: 3, status: "published", superseded: false },
    ]);
    expect(await db().count("audit_log", sql`action = 'standard.publish' and entity_id = ${draft}`)).toBe(1);
    // The question bank now reads version 3: the requirements it names kept their lineage ids.
    const data = await (await editor.data(`/w/demo-ai/coverage?certificate=${trainer}`, "routes/w.$slug.coverage")).json();
    expect(data.report.requirements.length).toBe(await db().count("standard_nodes", sql`version_id = ${draft} and kind = 'skill_requirement'`));

    // BIGDATA-PY has no standard: its first draft is empty.
    const started = await editor.post(`/w/demo-ai/certificates/${bigdata}/standards`, { intent: "start" });
    expect(started.status).toBe(302);
    const empty = started.headers.get("location")!.split("/").at(-1)!;
    expect(await db().count("standard_nodes", sql`version_id = ${empty}`)).toBe(0);
    const before = await counts();
    const refused = await act(editor, empty, { intent: "publish" });
    expect(refused.status).toBe(400);
    expect((await errorsOf(refused))[""]).toEqual(["不能发布空的标准：请至少添加一个工作领域、工作任务和职业技能要求。"]);
    const refusedEn = await act(english, empty, { intent: "publish" });
    expect((await errorsOf(refusedEn))[""]).toEqual(["An empty standard cannot be published: add at least one work area, work task and skill requirement."]);
    expect(await counts()).toEqual(before);
    // A work area without tasks is not a standard either.
    expect((await act(editor, empty, { intent: "add", level: "intermediate", titleZh: "数据采集" })).status).toBe(200);
    const incomplete = await act(editor, empty, { intent: "publish" });
    expect(incomplete.status).toBe(400);
    expect((await errorsOf(incomplete))[""]?.[0]).toContain("中级 1");

    // Discarding the draft removes it and its nodes.
    const discard = await act(editor, empty, { intent: "discard" });
    expect(discard.status).toBe(204);
    expect(discard.headers.get("x-remix-redirect")).toBe(`/w/demo-ai/certificates/${bigdata}/standards`);
    expect(await db().count("standard_versions", sql`id = ${empty}`)).toBe(0);
    expect(await db().count("standard_nodes", sql`version_id = ${empty}`)).toBe(0);
    expect(await db().count("audit_log", sql`action = 'standard.discard' and entity_id = ${empty}`)).toBe(1);
  });

  it("refuses any change to a published version: 409 in the app, the trigger in the database", async () => {
    const before = await counts();
    const node = (await nodesOf(draft)).find((n) => n.kind === "skill_requirement")!;
    for (const [versionId, version] of [
      [draft, 3],
      [v1, 1],
    ] as const) {
      const target = versionId === draft ? node : (await nodesOf(v1))[0];
      for (const form of [
        { intent: "add", level: "junior", titleZh: "新增" },
        { intent: "update", nodeId: target.id, titleZh: "改名" },
        { intent: "move", nodeId: target.id, direction: "down" },
        { intent: "delete", nodeId: target.id },
        { intent: "publish" },
        { intent: "discard" },
      ]) {
        const response = await act(editor, versionId, form);
        expect(response.status, `${version} ${form.intent}`).toBe(409);
        expect((await errorsOf(response))[""]).toEqual([`第 ${version} 版已发布，不能更改。请开始新草稿。`]);
      }
    }
    const en = await act(english, draft, { intent: "update", nodeId: node.id, titleZh: "改名" });
    expect((await errorsOf(en))[""]).toEqual(["Version 3 is published and cannot change. Start a new draft."]);
    expect(await counts()).toEqual(before);

    // Raw SQL as the app role with an editor's scope: the trigger refuses, whatever the app does.
    const scope = { tenantId: ai, tenantKind: "organization", role: "editor" };
    const nodes = /nodes of a published standard version cannot be changed/;
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`update standard_nodes set title_zh = 'x' where id = ${node.id}`)))).toMatch(nodes);
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`delete from standard_nodes where id = ${node.id}`)))).toMatch(nodes);
    expect(
      await databaseError(
        asApp(scope, (tx) =>
          tx.execute(
            sql`insert into standard_nodes (tenant_id, version_id, level, kind, position, code, title_zh) values (${ai}, ${draft}, 'junior', 'work_area', 99, '99', 'x')`,
          ),
        ),
      ),
    ).toMatch(nodes);
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`update standard_versions set notes = 'x' where id = ${draft}`)))).toMatch(
      /is published and cannot be changed/,
    );
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`update standard_versions set status = 'draft' where id = ${v1}`)))).toMatch(
      /is published and cannot be changed/,
    );
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`delete from standard_versions where id = ${v1}`)))).toMatch(/cannot be deleted/);
    expect(await counts()).toEqual(before);
  });

  it("shows the difference between two versions by lineage: added, removed and changed nodes per level", async () => {
    const data = await (await editor.data(`/w/demo-ai/standards/diff?from=${v1}&to=${v2}`, diffRoute)).json();
    expect([data.from.version, data.to.version]).toEqual([1, 2]);
    type Entry = {
      level: string;
      added: { titleZh: string }[];
      removed: { titleZh: string }[];
      changed: { from: { code: string; titleZh: string }; to: { code: string; titleZh: string }; fields: string[] }[];
    };
    const level = (name: string) => (data.levels as Entry[]).find((l) => l.level === name)!;
    expect(level("junior").added).toEqual([]);
    expect(level("junior").changed.map((c) => [c.from.titleZh, c.to.titleZh, c.fields])).toEqual([
      ["能完成智能系统的日常巡检", "能完成智能系统的日常巡检并填写巡检日志", ["titleZh", "titleEn"]],
    ]);
    expect(level("intermediate").added.map((n) => n.titleZh)).toEqual(["能使用大模型工具辅助完成业务数据分析，并核验其结果"]);
    expect(level("senior").removed.map((n) => n.titleZh)).toEqual(["能评估方案的成本、风险与合规要求"]);
    // Its later sibling moved up a code.
    expect(level("senior").changed.map((c) => [c.from.code, c.to.code, c.fields])).toEqual([["2.1.3", "2.1.2", ["code"]]]);
    const html = await (await editor.get(`/w/demo-ai/standards/diff?from=${v1}&to=${v2}`)).text();
    expect(html).toContain("第 1 版 → 第 2 版");
    expect(html).toContain("新增");

    // Version 3 differs from version 2 by the edits above: a parent change shows too.
    const three = await (await editor.data(`/w/demo-ai/standards/diff?from=${v2}&to=${draft}`, diffRoute)).json();
    const junior = (three.levels as Entry[]).find((l) => l.level === "junior")!;
    expect(junior.added.length).toBe(4);
    expect(junior.removed.length).toBeGreaterThan(0);
    expect(junior.changed.every((c) => c.fields.includes("code"))).toBe(true);
    // The same version on both sides: nothing.
    expect((await (await editor.data(`/w/demo-ai/standards/diff?from=${v2}&to=${v2}`, diffRoute)).json()).levels).toEqual([]);
    // Versions of two certificates, or unknown ones, are not compared.
    const [other] = await db().rows<{ id: string }>(sql`select id from standard_versions where certificate_id = ${bigdata} limit 1`);
    if (other) expect((await editor.get(`/w/demo-ai/standards/diff?from=${other.id}&to=${v2}`)).status).toBe(400);
    expect((await editor.get(`/w/demo-ai/standards/diff?from=${v1}`)).status).toBe(404);
    expect((await editor.get(`/w/demo-ai/standards/diff?from=x&to=${v1}`)).status).toBe(404);
  });

  it("prints a version without the workspace chrome and exports it to XLSX", async () => {
    const response = await editor.get(`/w/demo-ai/standards/${v2}/print`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("人工智能训练师 · 职业技能等级标准");
    expect(html).toContain("智能系统设计");
    expect(html).toContain('data-testid="print-senior"');
    expect(html).not.toContain('data-testid="workspace-name"');
    const nodes = await nodesOf(v2);
    for (const n of nodes) expect(html).toContain(n.title_zh);

    const xlsx = await editor.get(`/w/demo-ai/standards/${v2}/export.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    expect(xlsx.headers.get("content-disposition")).toContain("AI-TRAINER-standard-v2.xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0].slice(1)).toEqual(["等级", "编号", "类别", "中文名称", "英文名称", "说明"]);
    expect(rows.length).toBe(nodes.length + 1);
    expect(rows[1].slice(1, 5)).toEqual(["初级", "1", "工作领域", "数据标注"]);
    const retitled = nodes.find((n) => n.title_zh === "能完成智能系统的日常巡检并填写巡检日志")!;
    expect(rows.some((r) => r[2] === retitled.code && r[4] === retitled.title_zh && r[3] === "职业技能要求")).toBe(true);
    const enBook = new ExcelJS.Workbook();
    await enBook.xlsx.load(await (await english.get(`/w/demo-ai/standards/${v2}/export.xlsx`)).arrayBuffer());
    expect((enBook.worksheets[0].getRow(1).values as unknown[]).slice(1)).toEqual(["Level", "Code", "Kind", "Chinese title", "English title", "Description"]);
  });

  it("lets finance and viewers read but not write; other tenants get 404, schools 403", async () => {
    const before = await counts();
    // Finance of the organization reads everything…
    expect((await finance.get(`/w/demo-ai/certificates/${trainer}/standards`)).status).toBe(200);
    const read = await (await finance.data(`/w/demo-ai/standards/${draft}`, versionRoute)).json();
    expect(read.canWrite).toBe(false);
    expect((await finance.get(`/w/demo-ai/standards/${v2}/print`)).status).toBe(200);
    expect((await finance.get(`/w/demo-ai/standards/${v2}/export.xlsx`)).status).toBe(200);
    expect((await finance.get(`/w/demo-ai/standards/diff?from=${v1}&to=${v2}`)).status).toBe(200);
    // …and writes nothing.
    expect((await finance.post(`/w/demo-ai/certificates/${bigdata}/standards`, { intent: "start" })).status).toBe(403);
    expect((await finance.action(`/w/demo-ai/standards/${draft}`, versionRoute, { intent: "add", level: "junior", titleZh: "x" })).status).toBe(403);

    // A viewer (joined by invitation) likewise.
    const admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    expect((await admin.post("/w/demo-ai/members", { email: "standards-viewer@example.test", role: "viewer" })).status).toBe(200);
    const [mail] = await db().rows<{ text: string }>(sql`select text from email_outbox where "to" = 'standards-viewer@example.test'`);
    const link = /\/join\/demo-ai\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    const viewer = app.client();
    expect((await viewer.post(link, { intent: "create", name: "Viewer", password: "viewer-password-1" })).status).toBe(302);
    const afterInvite = await counts();
    expect((await viewer.get(`/w/demo-ai/standards/${v2}`)).status).toBe(200);
    expect((await viewer.post(`/w/demo-ai/certificates/${bigdata}/standards`, { intent: "start" })).status).toBe(403);
    expect((await viewer.post(`/w/demo-ai/standards/${draft}`, { intent: "publish" })).status).toBe(403);

    // Another organization: demo-ai's standard is not found through its own workspace, nor writable.
    const care = app.client();
    await care.login("org2-admin@demo.xcert.test");
    for (const path of [
      `/w/demo-care/standards/${v2}`,
      `/w/demo-care/standards/${v2}/print`,
      `/w/demo-care/standards/${v2}/export.xlsx`,
      `/w/demo-care/certificates/${trainer}/standards`,
      `/w/demo-care/standards/diff?from=${v1}&to=${v2}`,
    ])
      expect((await care.get(path)).status, path).toBe(404);
    expect((await care.get(`/w/demo-ai/standards/${v2}`)).status).toBe(404);
    expect((await care.post(`/w/demo-care/certificates/${trainer}/standards`, { intent: "start" })).status).toBe(404);
    expect((await care.post(`/w/demo-care/standards/${draft}`, { intent: "update", nodeId: (await nodesOf(draft))[0].id, titleZh: "劫持" })).status).toBe(404);
    // A school has no certificates permission at all.
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get(`/w/demo-school/standards/${v2}`)).status).toBe(403);
    expect((await school.get(`/w/demo-ai/standards/${v2}`)).status).toBe(404);
    expect((await school.post(`/w/demo-school/certificates/${trainer}/standards`, { intent: "start" })).status).toBe(403);
    expect(await counts()).toEqual(afterInvite);
    expect(before.standard_nodes).toBe(afterInvite.standard_nodes);
    expect(before.standard_versions).toBe(afterInvite.standard_versions);
    expect(await db().count("standard_nodes", sql`title_zh = '劫持'`)).toBe(0);

    // In the database, another organization's editor changes nothing of demo-ai's draft nodes (RLS).
    const [careTenant] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
    const started = await editor.post(`/w/demo-ai/certificates/${bigdata}/standards`, { intent: "start" });
    const bigdataDraft = started.headers.get("location")!.split("/").at(-1)!;
    await act(editor, bigdataDraft, { intent: "add", level: "junior", titleZh: "仅本机构可改" });
    const changed = await asApp({ tenantId: careTenant.id, tenantKind: "organization", role: "admin" }, (tx) =>
      query(tx, sql`update standard_nodes set title_zh = '劫持' where version_id = ${bigdataDraft} returning id`),
    );
    expect(changed).toEqual([]);
    expect(await db().count("standard_nodes", sql`version_id = ${bigdataDraft} and title_zh = '仅本机构可改'`)).toBe(1);
  });
});
