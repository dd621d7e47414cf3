import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDiskStorage, withFileChanges } from "../../app/modules/storage/storage.server";
import { tinyPdf } from "../../db/seed/materials";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";

// Teaching materials (DOMAIN §二.5, §二.6): printed and digital kinds, ISBN checked, 双主编, the
// standard version and skill requirements covered, attachments checked by their bytes and kept on
// disk in step with the database, visibility to schools enforced by RLS.

const listRoute = "routes/w.$slug.materials._index";
const newRoute = "routes/w.$slug.materials.new";
const materialRoute = "routes/w.$slug.materials.$materialId";
const maxBytes = 200_000;

/** ISBN check digits computed here, independently of the app. */
const isbn13 = (first12: string) => first12 + String((10 - ([...first12].reduce((s, c, i) => s + Number(c) * (i % 2 ? 3 : 1), 0) % 10)) % 10);
const isbn10 = (first9: string) => {
  const r = (11 - ([...first9].reduce((s, c, i) => s + Number(c) * (10 - i), 0) % 11)) % 11;
  return first9 + (r === 10 ? "X" : String(r));
};

describe("teaching materials", () => {
  let app: TestApp;
  let storageDir: string;
  let editor: HttpClient; // editor of demo-ai
  let finance: HttpClient; // finance of demo-ai: reads, does not write
  let careAdmin: HttpClient; // admin of demo-care, English
  let ai: string;
  let care: string;
  let trainer: string;
  let bigdata: string;
  let elderly: string;
  let trainerStandard: { versionId: string; requirements: string[] };
  let bigdataStandard: { versionId: string; requirements: string[] };
  const db = () => owner(app.database);
  const counts = async () =>
    Object.fromEntries(await Promise.all(["materials", "material_attachments", "audit_log"].map(async (t) => [t, await db().count(t)] as const)));
  const filesOnDisk = async () =>
    (await readdir(storageDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  type Values = Record<string, string | number | boolean | string[] | undefined>;
  const material = (values: Values = {}): Values => ({
    certificateId: trainer,
    kind: "textbook",
    title: "人工智能训练师（中级）",
    isbn: "",
    publisher: "",
    schoolEditor: "张华（上海城市职业技术学院）",
    enterpriseEditor: "",
    description: "",
    visibility: "private",
    ...values,
  });
  /** A urlencoded post that repeats keys for arrays (levels, requirementIds). */
  const post = (client: HttpClient, pathname: string, values: Values) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) if (v !== undefined) body.append(key, String(v));
    return client.post(pathname, body);
  };
  const upload = (client: HttpClient, slug: string, materialId: string, name: string, bytes: Uint8Array) => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    return client.action(`/w/${slug}/materials/${materialId}`, materialRoute, form);
  };
  const create = async (values: Values = {}) => {
    const response = await post(editor, "/w/demo-ai/materials/new", material(values));
    expect(response.status, await response.clone().text()).toBe(302);
    return response.headers.get("location")!.split("/").at(-1)!;
  };

  /** A published standard with skill requirements (the standards seed may not exist in this tree). */
  const publishStandard = async (tenantId: string, certificateId: string, titles: string[]) => {
    const [{ next }] = await db().rows<{ next: number }>(
      sql`select coalesce(max(version), 0)::int + 1 as next from standard_versions where certificate_id = ${certificateId}`,
    );
    const [version] = await db().rows<{ id: string }>(
      sql`insert into standard_versions (tenant_id, certificate_id, version) values (${tenantId}, ${certificateId}, ${next}) returning id`,
    );
    const [area] = await db().rows<{ id: string }>(sql`insert into standard_nodes (tenant_id, version_id, level, kind, position, code, title_zh)
      values (${tenantId}, ${version.id}, 'junior', 'work_area', 1, '1', '数据处理') returning id`);
    const [task] = await db().rows<{ id: string }>(sql`insert into standard_nodes (tenant_id, version_id, level, parent_id, kind, position, code, title_zh)
      values (${tenantId}, ${version.id}, 'junior', ${area.id}, 'work_task', 1, '1.1', '数据标注') returning id`);
    const requirements: string[] = [];
    for (const [i, title] of titles.entries()) {
      const [node] = await db().rows<{
        lineage_id: string;
      }>(sql`insert into standard_nodes (tenant_id, version_id, level, parent_id, kind, position, code, title_zh)
        values (${tenantId}, ${version.id}, 'junior', ${task.id}, 'skill_requirement', ${i + 1}, ${`1.1.${i + 1}`}, ${title}) returning lineage_id`);
      requirements.push(node.lineage_id);
    }
    await db().rows(sql`update standard_versions set status = 'published', published_at = now() where id = ${version.id}`);
    return { versionId: version.id, requirements };
  };

  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(os.tmpdir(), "xcert-storage-"));
    process.env.STORAGE_DIR = storageDir;
    process.env.MATERIAL_MAX_BYTES = String(maxBytes);
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
    elderly = ids.find((c) => c.code === "ELDERLY-CARE")!.id;
    ai = ids.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    care = ids.find((c) => c.code === "ELDERLY-CARE")!.tenant_id;
    trainerStandard = await publishStandard(ai, trainer, ["能按标注规范完成图像拉框标注", "能按抽检比例完成标注质检"]);
    bigdataStandard = await publishStandard(ai, bigdata, ["能使用 Python 读取 CSV 数据"]);
  });
  afterAll(async () => {
    await app.close();
    await rm(storageDir, { recursive: true, force: true });
    delete process.env.STORAGE_DIR;
    delete process.env.MATERIAL_MAX_BYTES;
  });

  it("lists the demo materials with filters, title search, 双主编 and the bank's last update", async () => {
    const data = async (client: HttpClient, slug: string, query = "") =>
      (await (await client.data(`/w/${slug}/materials?${query}`, listRoute)).json()) as {
        rows: { id: string; title: string; kind: string; visibility: string; isbn: string | null; attachments: number }[];
        lastUpdated: string | null;
        nextCursor: string | null;
      };
    const all = await data(editor, "demo-ai");
    expect(all.rows.map((r) => r.kind).sort()).toEqual(["courseware", "loose_leaf", "video", "workbook"]);
    expect(all.lastUpdated).not.toBeNull();
    const leaf = all.rows.find((r) => r.kind === "loose_leaf")!;
    expect(leaf).toMatchObject({ title: "人工智能训练师（初级）", visibility: "shared" });
    expect(leaf.isbn).toBe(isbn13(leaf.isbn!.slice(0, 12)));
    expect(all.rows.find((r) => r.kind === "courseware")!.attachments).toBe(1);
    expect((await data(editor, "demo-ai", "kind=workbook")).rows.map((r) => r.title)).toEqual(["人工智能训练师（中级）实训工作手册"]);
    expect((await data(editor, "demo-ai", "visibility=private")).rows.map((r) => r.kind)).toEqual(["video"]);
    expect((await data(editor, "demo-ai", `q=${encodeURIComponent("工作手册")}`)).rows).toHaveLength(1);
    // % and _ in the search are characters, not wildcards.
    expect((await data(editor, "demo-ai", "q=%25")).rows).toEqual([]);
    expect((await data(editor, "demo-ai", "q=_")).rows).toEqual([]);
    const none = await data(editor, "demo-ai", `certificate=${bigdata}`);
    expect([none.rows, none.lastUpdated]).toEqual([[], null]);
    const page = await (await editor.get("/w/demo-ai/materials")).text();
    expect(page).toContain("教材资源最后更新");
    expect(page).toContain('data-testid="dual-editors">双主编');
    // Only the loose-leaf textbook names both chief editors.
    expect(page.match(/data-testid="dual-editors"/g)).toHaveLength(1);
    expect(await (await editor.get("/w/demo-ai/materials?kind=digital")).text()).toContain("没有符合条件的教材资源。");
    // Another organization sees its own rows only (demo-care's tutorial of the library seed), none of
    // demo-ai's; with none of its own, its empty state.
    const careList = await (await careAdmin.get("/w/demo-care/materials")).text();
    expect(careList).toContain("老年照护实操活页式教程");
    expect(careList).not.toContain("人工智能训练师（中级）实训工作手册");
    await db().rows(sql`delete from materials where tenant_id = ${care}`);
    expect(await (await careAdmin.get("/w/demo-care/materials")).text()).toContain("No teaching materials or resources yet.");

    // Keyset pages: 55 rows with the same updated_at, no repeats and none lost.
    await db().rows(sql`insert into materials (tenant_id, certificate_id, kind, title)
      select ${care}, ${elderly}, 'digital', '照护微课 ' || g from generate_series(1, 55) g`);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next: Awaited<ReturnType<typeof data>> = await data(careAdmin, "demo-care", cursor ? `cursor=${cursor}` : "");
      for (const row of next.rows) {
        expect(seen.has(row.id)).toBe(false);
        seen.add(row.id);
      }
      cursor = next.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    expect([seen.size, pages]).toEqual([55, 2]);
    await db().rows(sql`delete from materials where tenant_id = ${care}`);
  });

  it("exports the list as CSV and XLSX with the page's filters", async () => {
    const response = await editor.get("/w/demo-ai/export/materials?format=csv&visibility=shared");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8");
    expect(csv.split("\r\n")[0]).toContain("名称,类型,证书,ISBN,出版社,院校主编,企业主编");
    expect(csv).toContain("人工智能训练师（初级）,活页式教材,AI-TRAINER");
    expect(csv).not.toContain("操作演示视频");
    const xlsx = await editor.get("/w/demo-ai/export/materials?format=xlsx");
    expect(xlsx.headers.get("content-type")).toMatch(/spreadsheetml/);
    expect((await finance.get("/w/demo-ai/export/materials?format=csv")).status).toBe(200);
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/export/materials?format=csv")).status).toBe(403);
  });

  it("creates and edits a textbook: ISBN-13 and ISBN-10 with hyphens or spaces stored as digits, requirements of its certificate, audited", async () => {
    const before = await counts();
    const isbn = isbn13("978711154742");
    const id = await create({
      isbn: `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 7)}-${isbn.slice(7, 12)}-${isbn.slice(12)}`,
      publisher: "机械工业出版社",
    });
    const read = async () =>
      (
        await db().rows<{
          isbn: string | null;
          publisher: string;
          kind: string;
          requirement_ids: string[];
          standard_version_id: string | null;
          levels: string;
        }>(sql`select isbn, publisher, kind, requirement_ids, standard_version_id, levels::text from materials where id = ${id}`)
      )[0];
    expect(await read()).toMatchObject({ isbn, publisher: "机械工业出版社", requirement_ids: [], standard_version_id: null });

    // ISBN-10 with an X check character, spaces, lower case.
    const ten = isbn10("080442957");
    expect(ten.endsWith("X")).toBe(true);
    const saved = await post(editor, `/w/demo-ai/materials/${id}?_data=${encodeURIComponent(materialRoute)}`, {
      ...material({
        kind: "workbook",
        isbn: `${ten.slice(0, 1)} ${ten.slice(1, 5)} ${ten.slice(5, 9)} x`,
        publisher: "机械工业出版社",
        enterpriseEditor: "刘强（上海智训人工智能科技有限公司）",
        intent: "save",
      }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(await read()).toMatchObject({ isbn: ten, kind: "workbook" });

    // The standard version and requirements of the same certificate; levels in order.
    const linked = await post(editor, `/w/demo-ai/materials/${id}?_data=${encodeURIComponent(materialRoute)}`, {
      ...material({ intent: "save", enterpriseEditor: "刘强（上海智训人工智能科技有限公司）", standardVersionId: trainerStandard.versionId }),
      requirementIds: trainerStandard.requirements,
      levels: ["senior", "junior"],
    });
    expect(linked.status, await linked.clone().text()).toBe(200);
    expect(await read()).toMatchObject({
      isbn: null,
      requirement_ids: trainerStandard.requirements,
      standard_version_id: trainerStandard.versionId,
      levels: "{junior,senior}",
    });
    const page = await (await editor.data(`/w/demo-ai/materials/${id}`, materialRoute)).json();
    expect(page.requirements.map((r: { lineageId: string }) => r.lineageId)).toEqual(trainerStandard.requirements);
    expect(page.versions.map((v: { id: string }) => v.id)).toContain(trainerStandard.versionId);
    expect(page.covered.map((r: { lineageId: string }) => r.lineageId)).toEqual(trainerStandard.requirements);
    // Choosing another certificate in the form loads its versions and requirements.
    const switched = await (await editor.data(`/w/demo-ai/materials/${id}?certificate=${bigdata}`, materialRoute)).json();
    expect([switched.certificateId, switched.requirements.map((r: { lineageId: string }) => r.lineageId)]).toEqual([bigdata, bigdataStandard.requirements]);
    const blank = await (await editor.data(`/w/demo-ai/materials/new?certificate=${bigdata}`, newRoute)).json();
    expect([blank.certificateId, blank.versions.map((v: { id: string }) => v.id)]).toEqual([bigdata, [bigdataStandard.versionId]]);
    expect((await (await editor.data("/w/demo-ai/materials/new", newRoute)).json()).certificates.length).toBe(2);
    expect(await (await editor.get(`/w/demo-ai/materials/${id}`)).text()).toContain('data-testid="dual-editors"');
    // Read-only view for finance: the facts, with the 双主编 badge and the covered requirements.
    const readOnly = await (await finance.get(`/w/demo-ai/materials/${id}`)).text();
    expect(readOnly).toContain("能按标注规范完成图像拉框标注");
    expect(readOnly).toContain('data-testid="dual-editors"');

    // A digital kind keeps no ISBN or publisher (the form hides them).
    const video = await create({ kind: "video", title: "操作演示", isbn: isbn13("978000000000"), publisher: "高等教育出版社" });
    expect((await db().rows(sql`select isbn, publisher from materials where id = ${video}`))[0]).toEqual({ isbn: null, publisher: "" });

    const after = await counts();
    expect(after.materials).toBe(before.materials + 2);
    const actions = await db().rows<{ action: string; actor_user_id: string | null }>(
      sql`select action, actor_user_id from audit_log where entity_id = ${id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["material.create", "material.update", "material.update"]);
    expect(actions.every((a) => a.actor_user_id !== null)).toBe(true);
  });

  it("refuses bad input with field messages in the user's language, writing nothing", async () => {
    const [existing] = await db().rows<{ id: string }>(sql`select id from materials where tenant_id = ${ai} and kind = 'video'`);
    const before = await counts();
    const valid13 = isbn13("978704061234");
    const wrong13 = valid13.slice(0, 12) + String((Number(valid13[12]) + 1) % 10);
    const valid10 = isbn10("030640615");
    const wrong10 = valid10.slice(0, 9) + (valid10[9] === "1" ? "2" : "1");
    const cases: [Values, string, string][] = [
      [{ isbn: wrong13, publisher: "高等教育出版社" }, "isbn", "ISBN 校验位不正确。"],
      [{ isbn: `${wrong13.slice(0, 3)}-${wrong13.slice(3)}`, publisher: "高等教育出版社" }, "isbn", "ISBN 校验位不正确。"],
      [{ isbn: wrong10, publisher: "高等教育出版社" }, "isbn", "ISBN 校验位不正确。"],
      [{ isbn: "12345", publisher: "高等教育出版社" }, "isbn", "ISBN 应为 10 位（末位可为 X）或以 978/979 开头的 13 位数字。"],
      [{ isbn: isbn13("977704061234"), publisher: "高等教育出版社" }, "isbn", "ISBN 应为 10 位（末位可为 X）或以 978/979 开头的 13 位数字。"],
      [{ isbn: valid13 }, "publisher", "填写 ISBN 时须填写出版社。"],
      // Checked whatever the kind: a bad ISBN typed before switching to a digital kind is still refused.
      [{ kind: "video", isbn: wrong13, publisher: "高等教育出版社" }, "isbn", "ISBN 校验位不正确。"],
      [{ title: "" }, "title", "此项为必填项。"],
      [{ title: "教\u202E材" }, "title", "不能包含控制字符。"],
      [{ kind: "novel" }, "kind", "请从列表中选择。"],
      [{ visibility: "public" }, "visibility", "请从列表中选择。"],
      [{ levels: "expert" }, "levels[0]", "请从列表中选择。"],
      [{ certificateId: elderly }, "certificateId", "请从列表中选择。"],
      [{ certificateId: "not-a-uuid" }, "certificateId", "请从列表中选择。"],
      // A requirement or a standard version of another certificate of the same organization.
      [{ requirementIds: bigdataStandard.requirements }, "requirementIds", "请从列表中选择。"],
      [{ requirementIds: [trainerStandard.requirements[0], randomUUID()] }, "requirementIds", "请从列表中选择。"],
      [{ standardVersionId: bigdataStandard.versionId }, "standardVersionId", "请从列表中选择。"],
    ];
    for (const [values, field, message] of cases) {
      const response = await post(editor, `/w/demo-ai/materials/new?_data=${encodeURIComponent(newRoute)}`, material(values));
      expect(response.status, JSON.stringify(values)).toBe(400);
      expect((await errorsOf(response))[field], JSON.stringify(values)).toEqual([message]);
      // The same on the edit page.
      const edit = await post(editor, `/w/demo-ai/materials/${existing.id}?_data=${encodeURIComponent(materialRoute)}`, {
        ...material(values),
        intent: "save",
      });
      expect(edit.status, JSON.stringify(values)).toBe(400);
      expect((await errorsOf(edit))[field], JSON.stringify(values)).toEqual([message]);
    }
    // English.
    const newPath = `/w/demo-ai/materials/new?_data=${encodeURIComponent(newRoute)}`;
    const english = app.client({ locale: "en" });
    await english.login("org-editor@demo.xcert.test");
    const en = await errorsOf(await post(english, newPath, material({ title: "", isbn: wrong13, publisher: "X" })));
    expect(en).toMatchObject({ title: ["This field is required."], isbn: ["The ISBN check digit is wrong."] });
    const enPublisher = await errorsOf(await post(english, newPath, material({ isbn: valid13 })));
    expect(enPublisher.publisher).toEqual(["Enter the publisher of an ISBN."]);
    expect(await counts()).toEqual(before);
  });

  it("uploads a PDF, serves the same bytes with its type and UTF-8 name, and deletes it with its file", async () => {
    const id = await create({ kind: "courseware", title: "数据清洗 课件" });
    const before = await counts();
    const pdf = tinyPdf("Data cleaning");
    const response = await upload(editor, "demo-ai", id, "数据清洗（第1讲）.pdf", pdf);
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await response.json()).done).toBe("uploaded");
    const [row] = await db().rows<{ id: string; file_name: string; content_type: string; size_bytes: string; sha256: string; storage_key: string }>(
      sql`select id, file_name, content_type, size_bytes::text, sha256, storage_key from material_attachments where material_id = ${id}`,
    );
    expect(row).toMatchObject({
      file_name: "数据清洗（第1讲）.pdf",
      content_type: "application/pdf",
      size_bytes: String(pdf.byteLength),
      sha256: createHash("sha256").update(pdf).digest("hex"),
    });
    expect(row.storage_key).toMatch(new RegExp(`^${ai}/[0-9a-f-]{36}$`));
    expect(await readFile(path.join(storageDir, row.storage_key))).toEqual(Buffer.from(pdf));
    expect(await counts()).toEqual({ ...before, material_attachments: before.material_attachments + 1, audit_log: before.audit_log + 1 });
    expect(await db().count("audit_log", sql`action = 'material_attachment.create' and entity_id = ${row.id}`)).toBe(1);

    const download = await editor.get(`/w/demo-ai/materials/${id}/attachments/${row.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    const disposition = download.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7E]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe("数据清洗（第1讲）.pdf");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(Buffer.from(pdf));
    // Readers download too.
    expect((await finance.get(`/w/demo-ai/materials/${id}/attachments/${row.id}`)).status).toBe(200);

    // A PNG named .pdf is a PNG: accepted (an allowed type), stored as what it is.
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082",
      "hex",
    );
    expect((await upload(editor, "demo-ai", id, "scan.pdf", png)).status).toBe(200);
    const [image] = await db().rows<{ file_name: string; content_type: string }>(
      sql`select file_name, content_type from material_attachments where material_id = ${id} and content_type <> 'application/pdf'`,
    );
    expect(image).toEqual({ file_name: "scan.pdf.png", content_type: "image/png" });

    const removed = await editor.action(`/w/demo-ai/materials/${id}`, materialRoute, { intent: "deleteAttachment", attachmentId: row.id });
    expect(removed.status).toBe(200);
    expect(await db().count("material_attachments", sql`id = ${row.id}`)).toBe(0);
    expect(await filesOnDisk()).not.toContain(path.join(storageDir, row.storage_key));
    expect(await db().count("audit_log", sql`action = 'material_attachment.delete' and entity_id = ${row.id}`)).toBe(1);
    expect((await editor.get(`/w/demo-ai/materials/${id}/attachments/${row.id}`)).status).toBe(404);
  });

  it("refuses an .exe renamed .pdf, unknown bytes and a file too large, leaving no row and no file", async () => {
    const id = await create({ kind: "courseware", title: "上传测试" });
    const careMaterial = await careAdmin.post("/w/demo-care/materials/new", {
      certificateId: elderly,
      kind: "video",
      title: "Transfer techniques",
      visibility: "private",
    });
    expect(careMaterial.status).toBe(302);
    const careId = careMaterial.headers.get("location")!.split("/").at(-1)!;
    const before = await counts();
    const files = await filesOnDisk();
    const exe = new Uint8Array(4096);
    exe.set([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff]);
    for (const [name, bytes] of [
      ["讲义.pdf", exe],
      ["notes.txt", new TextEncoder().encode("plain text, not a teaching file")],
      ["slides.pptx", new TextEncoder().encode("<html><script>alert(1)</script></html>")],
    ] as const) {
      const response = await upload(editor, "demo-ai", id, name, bytes);
      expect(response.status, name).toBe(400);
      expect((await errorsOf(response)).file, name).toEqual([
        "不支持此文件类型：请上传 PDF、Word、PowerPoint、Excel、MP4、PNG、JPEG 或 ZIP 文件（按文件内容判断，不看扩展名）。",
      ]);
    }
    // Over MATERIAL_MAX_BYTES by a byte or by far (the whole request): 413 with the limit on the file field.
    const big = new Uint8Array(maxBytes + 1);
    big.set(tinyPdf("big"));
    const tooLarge = await upload(editor, "demo-ai", id, "big.pdf", big);
    expect(tooLarge.status).toBe(413);
    expect((await errorsOf(tooLarge)).file).toEqual(["文件超过 195.3 KB 上限，请压缩或拆分后重新上传。"]);
    const english = await upload(careAdmin, "demo-care", careId, "big.pdf", big);
    expect(english.status).toBe(413);
    expect((await errorsOf(english)).file).toEqual(["The file is larger than the 195.3 KB limit; compress or split it and upload again."]);
    expect((await errorsOf(await upload(careAdmin, "demo-care", careId, "setup.pdf", exe))).file).toEqual([
      "This file type is not accepted: upload a PDF, Word, PowerPoint, Excel, MP4, PNG, JPEG or ZIP file (judged by its content, not its extension).",
    ]);
    const huge = await upload(editor, "demo-ai", id, "huge.pdf", new Uint8Array(maxBytes * 2));
    expect(huge.status).toBe(413);
    expect((await errorsOf(huge)).file).toEqual(["文件超过 195.3 KB 上限，请压缩或拆分后重新上传。"]);
    const empty = new FormData();
    empty.append("intent", "upload");
    expect((await errorsOf(await editor.action(`/w/demo-ai/materials/${id}`, materialRoute, empty))).file).toEqual(["此项为必填项。"]);
    expect(await counts()).toEqual(before);
    expect(await filesOnDisk()).toEqual(files);
  });

  it("keeps files in step with the transaction: removed when it fails, kept when it commits; keys cannot leave the root", async () => {
    const store = localDiskStorage(storageDir);
    const key = `${ai}/${randomUUID()}`;
    const bytes = new TextEncoder().encode("x");
    const exists = async (k: string) => (await store.get(k)) !== null;
    // A failed answer (the transaction rolled back) and a thrown error both remove the written file.
    await withFileChanges(async (files) => {
      await files.put(key, bytes);
      expect(await exists(key)).toBe(true);
      return new Response(null, { status: 400 });
    });
    expect(await exists(key)).toBe(false);
    await expect(
      withFileChanges(async (files) => {
        await files.put(key, bytes);
        throw new Error("commit failed");
      }),
    ).rejects.toThrow("commit failed");
    expect(await exists(key)).toBe(false);
    // A committed request keeps what it wrote and removes what it deleted.
    await withFileChanges(async (files) => {
      await files.put(key, bytes);
      return new Response(null, { status: 302 });
    });
    expect(await exists(key)).toBe(true);
    await withFileChanges(async (files) => {
      files.removeAfterCommit(key);
      return new Response(null, { status: 500 });
    });
    expect(await exists(key)).toBe(true);
    await withFileChanges(async (files) => {
      files.removeAfterCommit(key);
      return new Response("{}", { status: 200 });
    });
    expect(await exists(key)).toBe(false);
    for (const bad of ["../escape", `${ai}/../../etc/passwd`, "/etc/passwd", `${ai}/${randomUUID()}/..`, ""])
      await expect(store.put(bad, bytes), bad).rejects.toThrow(/invalid storage key/);
  });

  it("deletes a material with its attachments, rows and files", async () => {
    const id = await create({ kind: "courseware", title: "待删除的课件" });
    for (const name of ["a.pdf", "b.pdf"]) expect((await upload(editor, "demo-ai", id, name, tinyPdf(name))).status).toBe(200);
    const keys = (await db().rows<{ storage_key: string }>(sql`select storage_key from material_attachments where material_id = ${id}`)).map((r) =>
      path.join(storageDir, r.storage_key),
    );
    expect(keys).toHaveLength(2);
    const response = await editor.post(`/w/demo-ai/materials/${id}`, { intent: "delete" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/w/demo-ai/materials");
    expect(await db().count("materials", sql`id = ${id}`)).toBe(0);
    expect(await db().count("material_attachments", sql`material_id = ${id}`)).toBe(0);
    const left = await filesOnDisk();
    expect(keys.filter((k) => left.includes(k))).toEqual([]);
    const [entry] = await db().rows<{ before: { attachments: unknown[] } }>(
      sql`select before from audit_log where action = 'material.delete' and entity_id = ${id}`,
    );
    expect(entry.before.attachments).toHaveLength(2);
    expect((await editor.get(`/w/demo-ai/materials/${id}`)).status).toBe(404);
  });

  it("serves the seeded courseware PDF from storage", async () => {
    const [seeded] = await db().rows<{ id: string; material_id: string; sha256: string; file_name: string }>(
      sql`select a.id, a.material_id, a.sha256, a.file_name from material_attachments a join materials m on m.tenant_id = a.tenant_id and m.id = a.material_id where m.title = '数据标注质检 教学课件'`,
    );
    const download = await editor.get(`/w/demo-ai/materials/${seeded.material_id}/attachments/${seeded.id}`);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(seeded.sha256);
  });

  it("lets only editors write; other organizations get 404; viewers and finance read", async () => {
    const [leaf] = await db().rows<{ id: string }>(
      sql`select id from materials where tenant_id = ${ai} and kind = 'courseware' and title = '数据标注质检 教学课件'`,
    );
    const [attachment] = await db().rows<{ id: string }>(sql`select id from material_attachments where material_id = ${leaf.id}`);
    const admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    expect((await admin.post("/w/demo-ai/members", { email: "materials-viewer@example.test", role: "viewer" })).status).toBe(200);
    const [mail] = await db().rows<{ text: string }>(sql`select text from email_outbox where "to" = 'materials-viewer@example.test'`);
    const viewer = app.client();
    expect(
      (await viewer.post(/\/join\/demo-ai\/[A-Za-z0-9_-]+/.exec(mail.text)![0], { intent: "create", name: "Viewer", password: "viewer-password-1" })).status,
    ).toBe(302);

    const before = await counts();
    const files = await filesOnDisk();
    for (const reader of [viewer, finance]) {
      expect((await reader.get("/w/demo-ai/materials")).status).toBe(200);
      expect((await reader.get(`/w/demo-ai/materials/${leaf.id}`)).status).toBe(200);
      expect((await reader.get(`/w/demo-ai/materials/${leaf.id}/attachments/${attachment.id}`)).status).toBe(200);
      expect((await reader.get("/w/demo-ai/materials/new")).status).toBe(403);
      expect((await post(reader, "/w/demo-ai/materials/new", material())).status).toBe(403);
      expect((await post(reader, `/w/demo-ai/materials/${leaf.id}`, { ...material(), intent: "save" })).status).toBe(403);
      expect((await reader.post(`/w/demo-ai/materials/${leaf.id}`, { intent: "delete" })).status).toBe(403);
      expect((await reader.post(`/w/demo-ai/materials/${leaf.id}`, { intent: "deleteAttachment", attachmentId: attachment.id })).status).toBe(403);
      expect((await upload(reader, "demo-ai", leaf.id, "x.pdf", tinyPdf("x"))).status).toBe(403);
    }
    // Another organization: not its workspace (404), and not found through its own either.
    expect((await careAdmin.get(`/w/demo-ai/materials/${leaf.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/materials/${leaf.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-ai/materials/${leaf.id}/attachments/${attachment.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/materials/${leaf.id}/attachments/${attachment.id}`)).status).toBe(404);
    expect((await post(careAdmin, `/w/demo-care/materials/${leaf.id}`, { ...material(), intent: "save" })).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-care/materials/${leaf.id}`, { intent: "delete" })).status).toBe(404);
    expect((await upload(careAdmin, "demo-care", leaf.id, "x.pdf", tinyPdf("x"))).status).toBe(404);
    // Schools have no materials workspace page (no read path for them yet).
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/materials")).status).toBe(403);
    expect((await school.get("/w/demo-ai/materials")).status).toBe(404);
    expect((await school.get(`/w/demo-ai/materials/${leaf.id}/attachments/${attachment.id}`)).status).toBe(404);
    for (const id of ["x", "00000000-0000-0000-0000-000000000000", "'--"])
      expect((await editor.get(`/w/demo-ai/materials/${encodeURIComponent(id)}`)).status).toBe(404);
    expect((await editor.get(`/w/demo-ai/materials/${leaf.id}/attachments/${randomUUID()}`)).status).toBe(404);
    expect(await counts()).toEqual(before);
    expect(await filesOnDisk()).toEqual(files);
  });

  it("shows schools only shared materials and their attachments in SQL; the committee reads all; neither writes", async () => {
    // Expectations first, as the owner: PGlite is one connection, an owner query inside asApp would wait forever.
    const [school] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`);
    const [committee] = await db().rows<{ id: string }>(sql`select id from tenants where kind = 'committee'`);
    const shared = (await db().rows<{ id: string }>(sql`select id from materials where visibility = 'shared' order by id`)).map((r) => r.id);
    const all = await db().count("materials");
    const privateIds = (await db().rows<{ id: string }>(sql`select id from materials where visibility = 'private'`)).map((r) => r.id);
    const sharedAttachments = await db().count("material_attachments", sql`material_id in (select id from materials where visibility = 'shared')`);
    const allAttachments = await db().count("material_attachments");
    expect(shared.length).toBeGreaterThan(0);
    expect(privateIds.length).toBeGreaterThan(0);
    expect(sharedAttachments).toBeGreaterThan(0);

    await asApp({ tenantId: school.id, tenantKind: "school", role: "admin" }, async (tx) => {
      expect((await query<{ id: string }>(tx, sql`select id from materials order by id`)).map((r) => r.id)).toEqual(shared);
      expect(await query(tx, sql`select 1 from materials where visibility = 'private'`)).toEqual([]);
      expect(await query(tx, sql`select 1 from materials where id = ${privateIds[0]}`)).toEqual([]);
      expect((await query(tx, sql`select 1 from material_attachments`)).length).toBe(sharedAttachments);
      expect(await query(tx, sql`update materials set title = 'x' returning 1`)).toEqual([]);
      expect(await query(tx, sql`delete from material_attachments returning 1`)).toEqual([]);
    });
    await asApp({ tenantId: committee.id, tenantKind: "committee", role: "admin" }, async (tx) => {
      expect((await query(tx, sql`select 1 from materials`)).length).toBe(all);
      expect((await query(tx, sql`select 1 from material_attachments`)).length).toBe(allAttachments);
      expect(await query(tx, sql`update materials set title = 'x' returning 1`)).toEqual([]);
    });
    // Another organization sees none of demo-ai's, shared or not; a viewer of demo-ai cannot write.
    await asApp({ tenantId: care, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select 1 from materials where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`select 1 from material_attachments where tenant_id = ${ai}`)).toEqual([]);
    });
    await asApp({ tenantId: ai, tenantKind: "organization", role: "viewer" }, async (tx) => {
      expect((await query(tx, sql`select 1 from materials`)).length).toBeGreaterThan(0);
      expect(await query(tx, sql`update materials set title = 'x' returning 1`)).toEqual([]);
    });
  });
});
