import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeCredentialNumber } from "../../app/modules/credentials/number";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";

// Issue 16 item 10: the admin of demo-ai imports 400 trainers and examiners from a spreadsheet, through
// the one import pipeline: per-row errors, all or nothing, the ID never stored in clear, every change audited.
const header = "姓名,证件号码,来源,工作单位,联系方式,角色,证书代码,等级,发证日期,有效期至,状态";

function rows(count: number, offset = 0) {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const industry = n % 5 < 2; // 40% from industry
    lines.push(
      [
        `导入${String(n).padStart(3, "0")}号`,
        `31011519800101${String(n).padStart(4, "0")}`,
        industry ? "行业企业专家" : "学校教师",
        industry ? "上海智算科技有限公司" : "上海城市职业技术学院",
        `1380000${String(n).padStart(4, "0")}`,
        n % 4 === 0 ? "考评员" : "培训师",
        n % 3 === 0 ? "BIGDATA-PY" : "ai-trainer",
        n % 2 === 0 ? "初级、中级" : "高级",
        "2026-01-15",
        "2029-01-14",
        "",
      ].join(","),
    );
  }
  return lines;
}

describe("importing trainers and examiners", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let admin: HttpClient;
  let editor: HttpClient;
  let schoolAdmin: HttpClient;
  let careAdmin: HttpClient;
  let ai: string;

  const upload = (client: HttpClient, text: string, name = "trainers.csv", slug = "demo-ai") => {
    const form = new FormData();
    form.set("file", new File([`\uFEFF${text}`], name, { type: "text/csv" }));
    return client.post(`/w/${slug}/credentials/import`, form);
  };
  const waitFor = async (location: string) => {
    const id = location.split("/").pop()!;
    for (let i = 0; i < 600; i++) {
      const [job] = await db.rows<{
        id: string;
        status: string;
        error_count: number;
        imported_rows: number;
        errors: { row: number; column: string; message: string }[];
      }>(sql`select id, status, error_count, imported_rows, errors from import_jobs where id = ${id}`);
      if (job.status === "done" || job.status === "failed") return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("import did not finish");
  };

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    [{ id: ai }] = await db.rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    careAdmin = app.client();
    await careAdmin.login("org2-admin@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("reports every bad row by row and column and imports nothing, not even the good rows", async () => {
    const before = {
      holders: await db.count("credential_holders"),
      credentials: await db.count("credentials"),
      audit: await db.count("audit_log", sql`tenant_id = ${ai}`),
    };
    const good = rows(3, 900);
    const bad = [
      "坏一,12,行业企业专家,某公司,,培训师,AI-TRAINER,初级,2026-01-15,2029-01-14,",
      "坏二,310115198001019001,外星人,某公司,,培训师,NO-SUCH,初级,2026-01-15,2029-01-14,",
      "坏三,310115198001019002,学校教师,,,培训师,AI-TRAINER,超级,2026-13-01,2025-01-01,",
    ];
    const response = await upload(admin, [header, ...good, ...bad].join("\n"));
    expect(response.status).toBe(302);
    const job = await waitFor(response.headers.get("location")!);
    expect(job.status).toBe("failed");
    const byRow = new Map<number, string[]>();
    for (const e of job.errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.column]);
    expect([...byRow.keys()].sort()).toEqual([5, 6, 7]);
    expect(byRow.get(5)).toContain("证件号码");
    expect(byRow.get(6)).toEqual(expect.arrayContaining(["来源", "证书代码"]));
    expect(byRow.get(7)).toEqual(expect.arrayContaining(["等级", "发证日期"]));
    expect(job.errors.find((e) => e.column === "证书代码")?.message).toContain("NO-SUCH");
    expect(await db.count("credential_holders")).toBe(before.holders);
    expect(await db.count("credentials")).toBe(before.credentials);
    expect(await db.count("audit_log", sql`tenant_id = ${ai} and action = 'credential_import.failed'`)).toBe(1);
    // The job page and its error report, in the user's language.
    const page = await (await admin.get(`/w/demo-ai/credentials/import/${job.id}`)).text();
    expect(page).toContain("NO-SUCH");
    const report = await admin.get(`/w/demo-ai/credentials/import/${job.id}/errors.xlsx`);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-type")).toContain("spreadsheetml");
  });

  it("imports 400 trainers and examiners in one job: numbered, hashed, audited, public at once", async () => {
    const before = {
      holders: await db.count("credential_holders", sql`tenant_id = ${ai}`),
      credentials: await db.count("credentials", sql`tenant_id = ${ai}`),
    };
    const response = await upload(admin, [header, ...rows(400)].join("\n"), "400.csv");
    expect(response.status).toBe(302);
    const job = await waitFor(response.headers.get("location")!);
    expect(job).toMatchObject({ status: "done", imported_rows: 400 });
    expect(await db.count("credential_holders", sql`tenant_id = ${ai}`)).toBe(before.holders + 400);
    expect(await db.count("credentials", sql`tenant_id = ${ai}`)).toBe(before.credentials + 400);
    const imported = await db.rows<{ number: string; status: string; levels: string; id_hash: string; id_last4: string; name: string }>(
      sql`select c.number, c.status, c.levels::text as levels, h.id_hash, h.id_last4, h.name from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id where h.name like '导入%'`,
    );
    expect(imported).toHaveLength(400);
    for (const row of imported) {
      expect(normalizeCredentialNumber(row.number)).toBe(row.number);
      expect(row.status).toBe("active");
      expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(imported.map((r) => r.number)).size).toBe(400);
    expect(imported.find((r) => r.name === "导入000号")).toMatchObject({ levels: "{junior,intermediate}", id_last4: "0000" });
    // No column of any table, nor the staging rows, keeps a full ID number.
    expect(JSON.stringify(await db.rows(sql`select * from credential_holders where name like '导入%'`))).not.toContain("310115198001010000");
    expect(await db.count("import_rows")).toBe(0);
    // Each holder and credential audited, and the job.
    expect(await db.count("audit_log", sql`tenant_id = ${ai} and action = 'credential.create' and request_id = ${`import:${job.id}`}`)).toBe(400);
    expect(await db.count("audit_log", sql`tenant_id = ${ai} and action = 'credential_holder.create' and request_id = ${`import:${job.id}`}`)).toBe(400);
    expect(await db.count("audit_log", sql`tenant_id = ${ai} and action = 'credential_import.done'`)).toBe(1);
    // They are public at once through /verify.
    const sample = imported[0].number;
    expect((await app.client({ ip: "10.7.7.7" }).get(`/verify/${sample}`)).status).toBe(200);
  });

  it("updates a known person instead of duplicating them, and exports the register in the template's columns", async () => {
    const line = rows(1)[0].replace("导入000号", "导入000号（更名）");
    const response = await upload(admin, [header, line].join("\n"), "again.csv");
    expect((await waitFor(response.headers.get("location")!)).status).toBe("done");
    expect(await db.count("credential_holders", sql`name like '导入000号%'`)).toBe(1);
    expect(await db.count("credential_holders", sql`name = '导入000号（更名）'`)).toBe(1);
    expect(await db.count("audit_log", sql`tenant_id = ${ai} and action = 'credential_holder.update'`)).toBe(1);
    const csv = await (await admin.get("/w/demo-ai/credentials/template?format=csv&filled=1")).text();
    expect(csv.split("\n")[0]).toContain(header.split(",").slice(0, 5).join(","));
    expect(csv).toContain("****0000");
    expect(csv).not.toContain("310115198001010000");
    const empty = await (await admin.get("/w/demo-ai/credentials/template?format=csv")).text();
    expect(empty.trim().replace(/^\uFEFF/, "")).toBe(header);
  });

  it("refuses a file that is not a spreadsheet, an empty upload, and those who may not import", async () => {
    const jobs = await db.count("import_jobs");
    const notSheet = new FormData();
    notSheet.set("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])], "x.csv"));
    const refused = await admin.action("/w/demo-ai/credentials/import", "routes/w.$slug.credentials.import._index", notSheet);
    expect(refused.status).toBe(400);
    const emptyForm = new FormData();
    const empty = await admin.action("/w/demo-ai/credentials/import", "routes/w.$slug.credentials.import._index", emptyForm);
    expect(empty.status).toBe(400);
    expect(await db.count("import_jobs")).toBe(jobs);
    // Editors read the register but do not import; a school and another organization have no such page.
    expect((await upload(editor, [header, ...rows(1, 950)].join("\n"))).status).toBe(403);
    expect((await upload(schoolAdmin, [header, ...rows(1, 951)].join("\n"), "x.csv", "demo-school")).status).toBe(403);
    expect((await upload(careAdmin, [header, ...rows(1, 952)].join("\n"))).status).toBe(404);
    expect(await db.count("import_jobs")).toBe(jobs);
    // Another organization sees neither the jobs nor their pages.
    const [job] = await db.rows<{ id: string }>(sql`select id from import_jobs where tenant_id = ${ai} and kind = 'credentials' limit 1`);
    expect((await careAdmin.get(`/w/demo-care/credentials/import/${job.id}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-ai/credentials/import/${job.id}`)).status).toBe(404);
  });
});
