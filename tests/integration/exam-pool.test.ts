import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";

// Least privilege for the exam pool inside an organization (issue 14 item 9, review F27): the exam
// questions and their answers are read by those who write them (owner, admin, editor). Finance and
// viewers read the practice pool only: in the list, on the question page (404), in search and in every
// export; and RLS refuses them the same rows (questions, question_versions).

const listRoute = "routes/w.$slug.questions._index";
const searchRoute = "routes/w.$slug.search";

describe("the exam pool inside an organization", () => {
  let app: TestApp;
  let editor: HttpClient;
  let finance: HttpClient;
  let viewer: HttpClient; // org2-admin, made a viewer of demo-ai
  let ai: string;
  let trainer: string;
  let exam: { id: string; stem: string; answer: string }[];
  let practice: { id: string; stem: string }[];
  const db = () => owner(app.database);

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    // A viewer of demo-ai: demo-care's admin given a viewer membership (the membership is what counts).
    await db().rows(sql`insert into memberships (tenant_id, user_id, role)
      select t.id, u.id, 'viewer' from tenants t, users u where t.slug = 'demo-ai' and u.email = 'org2-admin@demo.xcert.test'`);
    viewer = app.client();
    await viewer.login("org2-admin@demo.xcert.test");
    [{ id: ai }] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    [{ id: trainer }] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`);
    exam = await db().rows(sql`select id, stem, answer from questions where tenant_id = ${ai} and certificate_id = ${trainer} and pool = 'exam'`);
    practice = await db().rows(sql`select id, stem from questions where tenant_id = ${ai} and certificate_id = ${trainer} and pool = 'practice'`);
    expect(exam.length).toBeGreaterThan(2);
    expect(practice.length).toBeGreaterThan(2);
  });
  afterAll(() => app.close());

  const listed = async (client: HttpClient, filter = "") => {
    const response = await client.data(`/w/demo-ai/questions?certificate=${trainer}${filter}`, listRoute);
    expect(response.status).toBe(200);
    return ((await response.json()) as { rows: { id: string; pool: string }[] }).rows;
  };
  const exported = async (client: HttpClient, format: "csv" | "xlsx" | "moodle") => {
    const response = await client.get(`/w/demo-ai/questions/export?certificate=${trainer}&format=${format}`);
    expect(response.status, format).toBe(200);
    if (format !== "xlsx") return await response.text();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
    return cells.join("\n");
  };
  const searched = async (client: HttpClient, q: string) => {
    const response = await client.data(`/w/demo-ai/search?q=${encodeURIComponent(q)}&kind=question`, searchRoute);
    expect(response.status).toBe(200);
    return ((await response.json()) as { hits: { kind: string; id: string }[] }).hits.map((h) => h.id);
  };

  it("finance and viewers see practice questions only: list, question page, search, exports", async () => {
    const examIds = new Set(exam.map((q) => q.id));
    for (const [label, client] of [
      ["finance", finance],
      ["viewer", viewer],
    ] as const) {
      const rows = await listed(client);
      expect(rows.length, label).toBe(practice.length);
      expect(
        rows.filter((r) => examIds.has(r.id) || r.pool === "exam"),
        label,
      ).toEqual([]);
      expect(await listed(client, "&pool=exam"), label).toEqual([]);
      for (const q of exam) expect((await client.get(`/w/demo-ai/questions/${q.id}`)).status, `${label} ${q.id}`).toBe(404);
      expect((await client.get(`/w/demo-ai/questions/${practice[0].id}`)).status, label).toBe(200);
      for (const q of exam) expect(await searched(client, q.stem.slice(0, 8)), `${label} ${q.stem}`).not.toContain(q.id);
      expect(await searched(client, practice[0].stem.slice(0, 8)), label).toContain(practice[0].id);
      for (const format of ["csv", "xlsx", "moodle"] as const) {
        const text = await exported(client, format);
        for (const q of exam) expect(text, `${label} ${format}`).not.toContain(q.stem);
        expect(text, `${label} ${format}`).toContain(practice[0].stem.slice(0, 10));
      }
    }
  });

  it("editors still read and export the whole bank, exam pool included", async () => {
    const rows = await listed(editor);
    expect(rows.length).toBe(exam.length + practice.length);
    expect((await editor.get(`/w/demo-ai/questions/${exam[0].id}`)).status).toBe(200);
    expect(await searched(editor, exam[0].stem.slice(0, 8))).toContain(exam[0].id);
    for (const format of ["csv", "xlsx", "moodle"] as const) expect(await exported(editor, format), format).toContain(exam[0].stem.slice(0, 10));
  });

  it("RLS refuses finance and viewers the exam pool and its versions; owner, admin and editor read it", async () => {
    const seen = (role: string) =>
      asApp({ tenantId: ai, tenantKind: "organization", role }, async (tx) => ({
        exam: Number((await query<{ n: number }>(tx, sql`select count(*)::int as n from questions where pool = 'exam'`))[0].n),
        practice: Number((await query<{ n: number }>(tx, sql`select count(*)::int as n from questions where pool = 'practice'`))[0].n),
        examVersions: Number((await query<{ n: number }>(tx, sql`select count(*)::int as n from question_versions where pool = 'exam'`))[0].n),
        byId: Number((await query<{ n: number }>(tx, sql`select count(*)::int as n from questions where id = ${exam[0].id}`))[0].n),
      }));
    const [examTotal, practiceTotal, examVersions] = [
      await db().count("questions", sql`tenant_id = ${ai} and pool = 'exam'`),
      await db().count("questions", sql`tenant_id = ${ai} and pool = 'practice'`),
      await db().count("question_versions", sql`tenant_id = ${ai} and pool = 'exam'`),
    ];
    expect(examVersions).toBeGreaterThan(0);
    for (const role of ["finance", "viewer"]) expect(await seen(role), role).toEqual({ exam: 0, practice: practiceTotal, examVersions: 0, byId: 0 });
    for (const role of ["owner", "admin", "editor"])
      expect(await seen(role), role).toEqual({ exam: examTotal, practice: practiceTotal, examVersions, byId: 1 });
  });

  it("F24: a school reads the versions of a shared practice question published while it was shared, not those published while private", async () => {
    const [shared] = await db().rows<{ id: string; version: number }>(
      sql`select id, version from questions where tenant_id = ${ai} and pool = 'practice' and visibility = 'shared' and status = 'published' order by id limit 1`,
    );
    expect(shared).toBeDefined();
    // An earlier version, published while the question was private (as when it was shared later).
    await db().rows(sql`insert into question_versions (tenant_id, question_id, version, snapshot, pool)
      select tenant_id, question_id, 900, jsonb_set(snapshot, '{visibility}', '"private"'), pool from question_versions
      where tenant_id = ${ai} and question_id = ${shared.id} order by version desc limit 1`);
    const [{ id: school }] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-school'`);
    const versions = (scope: { tenantId: string; tenantKind: string; role: string }) =>
      asApp(scope, async (tx) =>
        (await query<{ version: number }>(tx, sql`select version from question_versions where question_id = ${shared.id} order by version`)).map((v) =>
          Number(v.version),
        ),
      );
    const all = (await db().rows<{ version: number }>(sql`select version from question_versions where question_id = ${shared.id} order by version`)).map((v) =>
      Number(v.version),
    );
    expect(all).toContain(900);
    const sharedOnes = (
      await db().rows<{ version: number }>(
        sql`select version from question_versions where question_id = ${shared.id} and snapshot->>'visibility' = 'shared' order by version`,
      )
    ).map((v) => Number(v.version));
    expect(sharedOnes.length).toBeGreaterThan(0);
    expect(await versions({ tenantId: school, tenantKind: "school", role: "teacher" })).toEqual(sharedOnes);
    expect(await versions({ tenantId: ai, tenantKind: "organization", role: "editor" })).toEqual(all);
  });

  it("F20: the app role cannot create objects in the public schema", async () => {
    const [row] = await db().rows<{ can: boolean }>(sql`select has_schema_privilege('app_user', 'public', 'CREATE') as can`);
    expect(row.can).toBe(false);
  });
});
