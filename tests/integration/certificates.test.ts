import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";

describe("certificates", () => {
  let app: TestApp;
  let editor: HttpClient;
  const form = {
    code: "web-front",
    nameZh: "Web前端开发",
    nameEn: "Web Front-End Development",
    industryCode: "digital",
    levels: "junior",
    description: "HTML、CSS 与 JavaScript。",
    status: "active",
  };
  const post = (client: HttpClient, path: string, values: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) body.append(key, v);
    return client.post(path, body);
  };

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("lists the demo certificates with filters and exports them", async () => {
    const page = await (await editor.get("/w/demo-ai/certificates")).text();
    expect(page).toContain("人工智能训练师");
    expect(page).toContain("大数据应用开发（Python）");
    expect(page).not.toContain("老年照护");
    const drafts = await (await editor.data("/w/demo-ai/certificates?status=draft", "routes/w.$slug.certificates._index")).json();
    expect(drafts.rows.map((r: { code: string }) => r.code)).toEqual(["BIGDATA-PY"]);
    const search = await (await editor.data(`/w/demo-ai/certificates?q=${encodeURIComponent("训练")}`, "routes/w.$slug.certificates._index")).json();
    expect(search.rows.map((r: { code: string }) => r.code)).toEqual(["AI-TRAINER"]);
    const bytes = Buffer.from(await (await editor.get("/w/demo-ai/export/certificates?format=csv&status=active")).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs for UTF-8
    const csv = bytes.toString("utf8");
    expect(csv).toContain("证书代码");
    expect(csv).toContain("AI-TRAINER,人工智能训练师");
    expect(csv).not.toContain("BIGDATA-PY");
  });

  it("creates a certificate with several levels, audited, and keeps codes unique per organization", async () => {
    const response = await post(editor, "/w/demo-ai/certificates/new", { ...form, levels: ["senior", "junior"] });
    expect(response.status).toBe(302);
    const [row] = await owner(app.database).rows<{ id: string; code: string; levels: string }>(
      sql`select id, code, levels::text from certificates where code = 'WEB-FRONT'`,
    );
    expect(row.levels).toBe("{junior,senior}");
    expect(response.headers.get("location")).toBe(`/w/demo-ai/certificates/${row.id}`);
    expect(await owner(app.database).count("audit_log", sql`action = 'certificate.create' and entity_id = ${row.id}`)).toBe(1);

    const again = await editor.action("/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", { ...form, code: "Web-Front" });
    expect(again.status).toBe(400);
    expect((await again.json()).result.error.code).toEqual(["本机构已有相同代码的证书。"]);

    // The same code in another organization is fine.
    const care = app.client();
    await care.login("org2-admin@demo.xcert.test");
    expect((await post(care, "/w/demo-care/certificates/new", form)).status).toBe(302);
  });

  it("updates a certificate and records before and after", async () => {
    const [row] = await owner(app.database).rows<{ id: string }>(
      sql`select c.id from certificates c join tenants t on t.id = c.tenant_id where t.slug = 'demo-ai' and c.code = 'BIGDATA-PY'`,
    );
    const response = await editor.action(`/w/demo-ai/certificates/${row.id}`, "routes/w.$slug.certificates.$certificateId", {
      ...form,
      code: "BIGDATA-PY",
      nameZh: "大数据应用开发（Python）",
      status: "active",
    });
    expect(response.status).toBe(200);
    const [entry] = await owner(app.database).rows<{ before: { status: string }; after: { status: string } }>(
      sql`select before, after from audit_log where action = 'certificate.update' and entity_id = ${row.id}`,
    );
    expect(entry.before.status).toBe("draft");
    expect(entry.after.status).toBe("active");
  });

  it("rejects bad input with field messages and writes nothing", async () => {
    const count = () => owner(app.database).count("certificates");
    const before = await count();
    const audits = await owner(app.database).count("audit_log");
    const cases: Record<string, string | string[]>[] = [
      {},
      { ...form, code: "中文代码" },
      { ...form, code: "X".repeat(100_000) },
      { ...form, levels: ["expert"] },
      { ...form, industryCode: "no-such-industry", code: "NEW-ONE" },
      { ...form, nameZh: "名\u202Ecode", code: "NEW-TWO" },
      { ...form, status: "published", code: "NEW-THREE" },
    ];
    for (const values of cases) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) body.append(key, v);
      const response = await editor.action("/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", body);
      expect(response.status, JSON.stringify(values).slice(0, 80)).toBe(400);
      const error = (await response.json()).result.error;
      expect(Object.keys(error).length).toBeGreaterThan(0);
    }
    const empty = await (await editor.action("/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", {})).json();
    expect(empty.result.error.code).toEqual(["此项为必填项。"]);
    // No industry is chosen for the user: the form opens on an empty choice, and leaving it is refused.
    const page = await (await editor.get("/w/demo-ai/certificates/new")).text();
    expect(/<select[^>]*name="industryCode"[^>]*>\s*<option value="">请选择…<\/option>/.test(page)).toBe(true);
    const noIndustry = await (
      await editor.action("/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", { ...form, industryCode: "", code: "NEW-FOUR" })
    ).json();
    expect(noIndustry.result.error.industryCode).toEqual(["此项为必填项。"]);
    const english = app.client({ locale: "en" });
    await english.login("org-editor@demo.xcert.test");
    const en = await (await english.action("/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", { ...form, levels: undefined })).json();
    expect(en.result.error.levels).toEqual(["Choose at least 1 item."]);
    expect(await count()).toBe(before);
    expect(await owner(app.database).count("audit_log")).toBe(audits);
  });

  it("lets viewers read and not write; finance and schools cannot reach certificates", async () => {
    const admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    // A viewer joins through an invitation.
    expect((await admin.post("/w/demo-ai/members", { email: "viewer@example.test", role: "viewer" })).status).toBe(200);
    const [mail] = await owner(app.database).rows<{ text: string }>(sql`select text from email_outbox where "to" = 'viewer@example.test'`);
    const link = /\/join\/demo-ai\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    const viewer = app.client();
    expect((await viewer.post(link, { intent: "create", name: "Viewer", password: "viewer-password-1" })).status).toBe(302);
    expect((await viewer.get("/w/demo-ai/certificates")).status).toBe(200);
    expect((await post(viewer, "/w/demo-ai/certificates/new", { ...form, code: "VIEWER-TRY" })).status).toBe(403);
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/certificates")).status).toBe(403);
    expect(await owner(app.database).count("certificates", sql`code = 'VIEWER-TRY'`)).toBe(0);
  });

  it("shows other organizations only their active certificates (the public catalogue), never for writing", async () => {
    const [care] = await owner(app.database).rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
    const [ai] = await owner(app.database).rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    await owner(app.database).rows(sql`insert into certificates (tenant_id, code, name_zh, name_en, industry_code, levels, status)
      values (${ai.id}, 'SECRET-DRAFT', '未发布草稿', 'Unpublished draft', 'ai', '{junior}', 'draft')`);
    await asApp({ tenantId: care.id, tenantKind: "organization", role: "admin" }, async (tx) => {
      const visible = await query<{ code: string; status: string }>(tx, sql`select code, status from certificates where tenant_id = ${ai.id}`);
      expect(visible.length).toBeGreaterThan(0);
      expect(visible.every((c) => c.status === "active")).toBe(true);
      expect(await query(tx, sql`update certificates set name_zh = 'x' where tenant_id = ${ai.id} returning id`)).toHaveLength(0);
    });
    // The committee supervises: it sees drafts too, and still cannot write.
    const [committee] = await owner(app.database).rows<{ id: string }>(sql`select id from tenants where slug = 'committee'`);
    await asApp({ tenantId: committee.id, tenantKind: "committee", role: "admin" }, async (tx) => {
      const codes = (await query<{ code: string }>(tx, sql`select code from certificates where tenant_id = ${ai.id}`)).map((c) => c.code);
      expect(codes).toContain("SECRET-DRAFT");
      expect(await query(tx, sql`update certificates set name_zh = 'x' where tenant_id = ${ai.id} returning id`)).toHaveLength(0);
    });
    // A viewer of the owning organization cannot write even through raw SQL.
    await asApp({ tenantId: ai.id, tenantKind: "organization", role: "viewer" }, async (tx) => {
      expect(await query(tx, sql`update certificates set name_zh = 'x' where tenant_id = ${ai.id} returning id`)).toHaveLength(0);
    });
    // Through the routes, another organization's certificate is not found.
    const [secret] = await owner(app.database).rows<{ id: string }>(sql`select id from certificates where code = 'SECRET-DRAFT'`);
    const careAdmin = app.client();
    await careAdmin.login("org2-admin@demo.xcert.test");
    expect((await careAdmin.get(`/w/demo-care/certificates/${secret.id}`)).status).toBe(404);
    expect((await post(careAdmin, `/w/demo-care/certificates/${secret.id}`, { ...form, code: "HIJACK" })).status).toBe(404);
    expect(await owner(app.database).count("certificates", sql`code = 'HIJACK'`)).toBe(0);
  });
});
