import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// The gaps of issue 16's first round: evidence files on a credential (through app/modules/storage) and
// the tenant's district (owner or admin, through set_tenant_district()).
const credentialRoute = "routes/w.$slug.credentials.$credentialId";
const settingsRoute = "routes/w.$slug.settings";
// The smallest PDF file-type recognises, and a text file pretending to be one.
const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

describe("credential evidence and the tenant's district", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let admin: HttpClient;
  let editor: HttpClient;
  let careAdmin: HttpClient;
  let schoolAdmin: HttpClient;
  let teacher: HttpClient;
  let ids: { ai: string; school: string };
  let users: Record<string, string>;
  let credentialId: string;

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const evidenceForm = (bytes: Uint8Array<ArrayBuffer>, name: string) => {
    const form = new FormData();
    form.set("intent", "evidence");
    form.set("file", new File([bytes], name));
    return form;
  };

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    ids = { ai: tenants.find((t) => t.slug === "demo-ai")!.id, school: tenants.find((t) => t.slug === "demo-school")!.id };
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    [{ id: credentialId }] = await db.rows<{ id: string }>(sql`select id from credentials where tenant_id = ${ids.ai} order by number limit 1`);
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    careAdmin = app.client();
    await careAdmin.login("org2-admin@demo.xcert.test");
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("attaches a PDF to a credential, serves it as a download, and removes it; all audited", async () => {
    const path = `/w/demo-ai/credentials/${credentialId}`;
    const added = await admin.action(path, credentialRoute, evidenceForm(pdf, "聘书.pdf"));
    expect(added.status).toBe(200);
    const [file] = await db.rows<{ id: string; content_type: string; file_name: string }>(
      sql`select id, content_type, file_name from credential_evidence where credential_id = ${credentialId}`,
    );
    expect(file).toMatchObject({ content_type: "application/pdf", file_name: "聘书.pdf" });
    expect(await (await admin.get(path)).text()).toContain("聘书.pdf");
    const download = await editor.get(`${path}/evidence/${file.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain("attachment");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);
    expect(await db.count("audit_log", sql`action = 'credential_evidence.create' and tenant_id = ${ids.ai}`)).toBe(1);
    // Another organization: no such file.
    expect((await careAdmin.get(`${path}/evidence/${file.id}`)).status).toBe(404);
    const removeForm = new FormData();
    removeForm.set("intent", "removeEvidence");
    removeForm.set("evidenceId", file.id);
    expect((await admin.action(path, credentialRoute, removeForm)).status).toBe(200);
    expect(await db.count("credential_evidence", sql`credential_id = ${credentialId}`)).toBe(0);
    expect((await admin.get(`${path}/evidence/${file.id}`)).status).toBe(404);
    expect(await db.count("audit_log", sql`action = 'credential_evidence.delete' and tenant_id = ${ids.ai}`)).toBe(1);
  });

  it("refuses other files, empty uploads, editors and other tenants, writing nothing", async () => {
    const path = `/w/demo-ai/credentials/${credentialId}`;
    const before = await db.count("credential_evidence");
    const wrong = await admin.action(path, credentialRoute, evidenceForm(new TextEncoder().encode("not a pdf at all"), "x.pdf"));
    expect(wrong.status).toBe(400);
    expect((await errorsOf(wrong)).file?.[0]).toContain("PDF");
    const empty = await admin.action(path, credentialRoute, evidenceForm(new Uint8Array(), "empty.pdf"));
    expect(empty.status).toBe(400);
    expect((await editor.action(path, credentialRoute, evidenceForm(pdf, "x.pdf"))).status).toBe(403);
    expect((await careAdmin.action(path, credentialRoute, evidenceForm(pdf, "x.pdf"))).status).toBe(404);
    expect((await admin.action("/w/demo-ai/credentials/00000000-0000-4000-8000-000000000000", credentialRoute, evidenceForm(pdf, "x.pdf"))).status).toBe(404);
    expect(await db.count("credential_evidence")).toBe(before);
    // Raw SQL: an editor writes no evidence row.
    const editorScope = { tenantId: ids.ai, tenantKind: "organization", userId: users["org-editor@demo.xcert.test"], role: "editor" };
    expect(
      await databaseError(
        asApp(editorScope, (tx) =>
          query(
            tx,
            sql`insert into credential_evidence (tenant_id, credential_id, file_name, content_type, byte_size, storage_key) values (${ids.ai}, ${credentialId}, 'x', 'application/pdf', 1, 'k')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it("lets an owner or admin set the tenant's district, and nobody else, at the app and in the database", async () => {
    expect((await schoolAdmin.get("/w/demo-school/settings")).status).toBe(200);
    const bad = await schoolAdmin.action("/w/demo-school/settings", settingsRoute, { district: "atlantis" });
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad)).district).toBeTruthy();
    expect((await db.rows<{ district: string }>(sql`select district from tenants where id = ${ids.school}`))[0].district).toBe("xuhui");
    expect((await schoolAdmin.action("/w/demo-school/settings", settingsRoute, { district: "minhang" })).status).toBe(200);
    expect((await db.rows<{ district: string }>(sql`select district from tenants where id = ${ids.school}`))[0].district).toBe("minhang");
    expect(await db.count("audit_log", sql`action = 'tenant.district' and tenant_id = ${ids.school}`)).toBe(1);
    expect((await admin.action("/w/demo-ai/settings", settingsRoute, { district: "pudong" })).status).toBe(200);
    // A teacher or an editor: refused; another workspace: not found.
    expect((await teacher.get("/w/demo-school/settings")).status).toBe(403);
    expect((await teacher.action("/w/demo-school/settings", settingsRoute, { district: "pudong" })).status).toBe(403);
    expect((await editor.action("/w/demo-ai/settings", settingsRoute, { district: "xuhui" })).status).toBe(403);
    expect((await careAdmin.get("/w/demo-school/settings")).status).toBe(404);
    // The database: no UPDATE on tenants, and the function refuses a teacher.
    const teacherScope = { tenantId: ids.school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
    expect(await databaseError(asApp(teacherScope, (tx) => query(tx, sql`select set_tenant_district('pudong')`)))).toMatch(/owner or admin/);
    const adminScope = { tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" };
    expect(await databaseError(asApp(adminScope, (tx) => query(tx, sql`update tenants set district = 'pudong' where id = ${ids.school}`)))).toMatch(
      /permission denied/,
    );
    expect((await db.rows<{ district: string }>(sql`select district from tenants where id = ${ids.school}`))[0].district).toBe("minhang");
  });
});
