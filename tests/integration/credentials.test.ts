import { sql } from "drizzle-orm";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCredentialNumber, normalizeCredentialNumber } from "../../app/modules/credentials/number";
import { runDueJobs } from "../../app/modules/jobs/scheduler.server";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { childEnv, runCommand } from "../support/server-process";

// Trainers and examiners (issue 16): the registry, public verification and its signed credential,
// the 40% industry share, expiry, the examiner conflict rule, and what the database never keeps.
const verifyRoute = "routes/verify.$number";
const overviewRoute = "routes/w.$slug._index";
const validNumber = formatCredentialNumber(2025, 1);
const suspendedNumber = formatCredentialNumber(2025, 2);
const credentialKeys = [
  "certificateCode",
  "certificateNameEn",
  "certificateNameZh",
  "expiresOn",
  "holder",
  "issuedOn",
  "levels",
  "number",
  "organizationName",
  "organizationNameEn",
  "organizationSuspended",
  "role",
  "status",
  "valid",
];

describe("credential registry", () => {
  let app: TestApp;
  let admin: HttpClient;
  let editor: HttpClient;
  let finance: HttpClient;
  let visitor: HttpClient;
  const db = () => owner(app.database);
  const tenantId = async (slug: string) => (await db().rows<{ id: string }>(sql`select id from tenants where slug = ${slug}`))[0].id;

  beforeAll(async () => {
    app = await startApp();
    admin = app.client({ ip: "10.0.0.1" });
    await admin.login("org-admin@demo.xcert.test");
    editor = app.client({ ip: "10.0.0.2" });
    await editor.login("org-editor@demo.xcert.test");
    finance = app.client({ ip: "10.0.0.3" });
    await finance.login("org-finance@demo.xcert.test");
    visitor = app.client({ ip: "10.0.1.1" });
  });
  afterAll(() => app.close());

  it("refuses to start in production without the ID-hash key or the signing key", async () => {
    const base = { NODE_ENV: "production", XCERT_DEMO: undefined, PORT: "0", EMAIL_WORKER: "off", XCERT_SECOND_FACTOR_KEY: "5f".repeat(32) };
    for (const missing of ["CREDENTIAL_ID_KEY", "CREDENTIAL_SIGNING_KEY"]) {
      const run = await runCommand(process.execPath, ["--import", "tsx", "server/index.ts"], childEnv({ ...base, [missing]: undefined }), 60_000);
      expect(run.code, missing).not.toBe(0);
      expect(run.stderr, missing).toContain(`Refusing to start in production without ${missing}`);
    }
  });

  it("numbers carry a check character: a typo is caught, spacing and case are not", () => {
    expect(validNumber).toMatch(/^XC-2025-000001-[0-9A-Z]$/);
    expect(normalizeCredentialNumber(validNumber.toLowerCase().replace(/-/g, " "))).toBe(validNumber);
    const typo = validNumber.replace("000001", "000007");
    expect(normalizeCredentialNumber(typo)).toBeNull();
    expect(normalizeCredentialNumber("XC-2025-000010-" + validNumber.slice(-1))).toBeNull();
  });

  it("answers a valid, a suspended and an unknown number with exactly the same minimized keys", async () => {
    const valid = await visitor.data(`/verify/${validNumber}`, verifyRoute);
    expect(valid.status).toBe(200);
    const validBody = await valid.json();
    expect(Object.keys(validBody).sort()).toEqual(["credential", "found", "pageUrl", "qrSvg", "retryAfter"]);
    expect(Object.keys(validBody.credential).sort()).toEqual(credentialKeys);
    expect(validBody.credential).toMatchObject({
      number: validNumber,
      valid: true,
      status: "active",
      holder: "张*明",
      organizationName: "上海智训人工智能科技有限公司",
      role: "trainer",
      certificateCode: "AI-TRAINER",
      levels: ["intermediate", "senior"],
      issuedOn: "2025-03-01",
      expiresOn: "2028-02-28",
    });
    expect(validBody.qrSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect(validBody.pageUrl).toBe(`${app.url}/verify/${validNumber}`);

    const suspended = await visitor.data(`/verify/${suspendedNumber}`, verifyRoute);
    expect(suspended.status).toBe(200);
    const suspendedBody = await suspended.json();
    expect(Object.keys(suspendedBody.credential).sort()).toEqual(credentialKeys);
    expect(suspendedBody.credential).toMatchObject({ valid: false, status: "suspended", holder: "李*" });
    // The reason of a suspension is the organization's, not the public's.
    expect(JSON.stringify(suspendedBody)).not.toContain("投诉");

    const unknownNumber = formatCredentialNumber(2025, 999_999);
    for (const number of [unknownNumber, "not-a-number", validNumber.slice(0, -1) + (validNumber.endsWith("0") ? "1" : "0")]) {
      const unknown = await visitor.data(`/verify/${encodeURIComponent(number)}`, verifyRoute);
      expect(unknown.status, number).toBe(404);
      expect(await unknown.json()).toEqual({ found: false, credential: null, pageUrl: null, qrSvg: null, retryAfter: null });
    }
  });

  it("masks names: 张*明, 张*, 欧阳**华, and a Latin first name by its initial", async () => {
    const masked = async (name: string) => (await db().rows<{ m: string }>(sql`select mask_holder_name(${name}) as m`))[0].m;
    expect(await masked("张晓明")).toBe("张*明");
    expect(await masked("李华")).toBe("李*");
    expect(await masked("欧阳建国华")).toBe("欧***华");
    expect(await masked("Emily  Carter")).toBe("E. Carter");
    expect(await masked("Madonna")).toBe("M.");
  });

  it("serves the form, which sends a typed number to its page", async () => {
    const form = await visitor.get("/verify");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="number"');
    const typed = await visitor.get(`/verify?number=${encodeURIComponent(validNumber.toLowerCase().replace(/-/g, ""))}`);
    expect(typed.status).toBe(302);
    expect(typed.headers.get("location")).toBe(`/verify/${validNumber}`);
  });

  it("signs the same credential as an Open Badges 3.0 VC-JWT that verifies against the published JWKS; a tampered one fails", async () => {
    const response = await visitor.get(`/verify/${validNumber}.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const envelope = await response.json();
    expect(envelope.type).toEqual(["EnvelopedVerifiableCredential"]);
    const jwt = String(envelope.id).replace(/^data:application\/vc\+jwt,/, "");
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "EdDSA", typ: "vc+jwt" });

    const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(jwt, jwks, { algorithms: ["EdDSA"], typ: "vc+jwt" });
    expect(payload["@context"]).toContain("https://www.w3.org/ns/credentials/v2");
    expect(payload.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(payload.validFrom).toBe("2025-03-01T00:00:00+08:00");
    const subject = payload.credentialSubject as { identifier: { identityHash: string }[]; achievement: { name: string } };
    expect(subject.identifier[0].identityHash).toBe("张*明");
    expect(subject.achievement.name).toContain("AI-TRAINER");
    expect(payload.credentialStatus).toMatchObject({ status: "active" });
    expect(JSON.stringify(payload)).not.toMatch(/张晓明|1390000|3101/);

    // Change one character of the payload: the signature no longer holds.
    const [header, body, signature] = jwt.split(".");
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    claims.credentialSubject.identifier[0].identityHash = "王*明";
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    await expect(jwtVerify(tampered, jwks, { algorithms: ["EdDSA"] })).rejects.toThrow(/signature/i);

    const unknown = await visitor.get(`/verify/${formatCredentialNumber(2025, 999_998)}.json`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "not_found" });
  });

  it("limits lookups per client address: the 31st in a minute is refused, another address is not", async () => {
    const client = app.client({ ip: "10.9.9.9" });
    for (let i = 0; i < 30; i++) expect((await client.get(`/verify/${validNumber}.json`)).status).toBe(200);
    const refused = await client.get(`/verify/${validNumber}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("查验次数过多");
    expect((await app.client({ ip: "10.9.9.10" }).get(`/verify/${validNumber}`)).status).toBe(200);
    // Counted in PostgreSQL by the generalized limiter (decision 054), so every instance counts alike;
    // a refusal is never kept by the public cache.
    expect(await db().rows(sql`select count(*)::int as n from rate_limit_hits where kind = 'verify.ip' and key = '10.9.9.9'`)).toEqual([{ n: 30 }]);
    expect(refused.headers.get("cache-control") ?? "").not.toContain("public");
  });

  it("serves /verify/:number from the public cache: a 304 for the same version, a new answer once the credential changes", async () => {
    const reader = app.client({ ip: "10.8.8.8" });
    const first = await reader.get(`/verify/${suspendedNumber}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toContain("public");
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    expect((await reader.get(`/verify/${suspendedNumber}`, { "if-none-match": etag })).status).toBe(304);
    const signed = await reader.get(`/verify/${suspendedNumber}.json`);
    const signedTag = signed.headers.get("etag")!;
    expect((await reader.get(`/verify/${suspendedNumber}.json`, { "if-none-match": signedTag })).status).toBe(304);
    // The organization reactivates it: the 'verify' version moves in the same transaction.
    const [{ version: before }] = await db().rows<{ version: number }>(sql`select version::int from public_data_versions where name = 'verify'`);
    const [row] = await db().rows<{ id: string }>(sql`select id from credentials where number = ${suspendedNumber}`);
    const activated = await admin.post(`/w/demo-ai/credentials/${row.id}`, { intent: "status", status: "active", reason: "调查结束" });
    expect(activated.status).toBeLessThan(400);
    const [{ version: after }] = await db().rows<{ version: number }>(sql`select version::int from public_data_versions where name = 'verify'`);
    expect(after).toBeGreaterThan(before);
    const again = await reader.get(`/verify/${suspendedNumber}`, { "if-none-match": etag });
    expect(again.status).toBe(200);
    expect(again.headers.get("etag")).not.toBe(etag);
    expect(await again.text()).toContain('data-testid="verify-status"');
    const data = await (await reader.data(`/verify/${suspendedNumber}`, verifyRoute)).json();
    expect(data.credential).toMatchObject({ status: "active", valid: true });
    expect((await reader.get(`/verify/${suspendedNumber}.json`, { "if-none-match": signedTag })).status).toBe(200);
    // Back as the seed had it, for the tests below.
    await admin.post(`/w/demo-ai/credentials/${row.id}`, { intent: "status", status: "suspended", reason: "培训质量投诉调查中" });
  });

  it("issues a credential with validation, keeps only the ID's keyed hash and last 4, and records suspensions in the history", async () => {
    const ai = await tenantId("demo-ai");
    const certificate = (await db().rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ai} and code = 'AI-TRAINER'`))[0].id;
    const idNumber = "31010419900307123X";
    const form = {
      name: "Grace Hopper",
      idNumber,
      source: "industry_expert",
      employerName: "上海智算科技有限公司",
      contact: "grace@example.test",
      role: "trainer",
      certificateId: certificate,
      levels: "senior",
      issuedOn: "2026-01-01",
      expiresOn: "2025-12-31",
    };
    const before = await db().count("credentials");
    const refused = await admin.action("/w/demo-ai/credentials/new", "routes/w.$slug.credentials.new", form);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("有效期必须晚于颁发日期");
    expect(await db().count("credentials")).toBe(before);
    expect(await db().count("credential_holders", sql`name = 'Grace Hopper'`)).toBe(0);

    // An editor reads the register but does not write it; finance does not see it.
    expect((await editor.get("/w/demo-ai/credentials")).status).toBe(200);
    expect((await editor.post("/w/demo-ai/credentials/new", { ...form, expiresOn: "2029-12-31" })).status).toBe(403);
    expect((await finance.get("/w/demo-ai/credentials")).status).toBe(403);

    const created = await admin.post("/w/demo-ai/credentials/new", { ...form, expiresOn: "2029-12-31" });
    expect(created.status).toBe(302);
    const id = created.headers.get("location")!.split("/").pop()!;
    const [row] = await db().rows<{ number: string; status: string; id_last4: string; id_hash: string }>(
      sql`select c.number, c.status, h.id_last4, h.id_hash from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id where c.id = ${id}`,
    );
    expect(normalizeCredentialNumber(row.number)).toBe(row.number);
    expect(row).toMatchObject({ status: "active", id_last4: "123X" });
    expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);

    // No column anywhere holds the full ID number (nor its lower-case form).
    const columns = await db().rows<{ table_name: string; column_name: string }>(sql`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED')`);
    expect(columns.length).toBeGreaterThan(20);
    for (const column of columns) {
      const hits = await db().count(column.table_name, sql`${sql.identifier(column.column_name)}::text ilike ${`%${idNumber}%`}`);
      expect(hits, `${column.table_name}.${column.column_name}`).toBe(0);
    }

    const suspend = await admin.post(`/w/demo-ai/credentials/${id}`, { intent: "status", status: "suspended", reason: "证据待补充" });
    expect(suspend.status).toBe(200);
    const back = await admin.post(`/w/demo-ai/credentials/${id}`, { intent: "status", status: "active", reason: "证据已补充" });
    expect(back.status).toBe(200);
    const history = await db().rows<{ status: string; reason: string }>(
      sql`select status, reason from credential_status_history where credential_id = ${id} order by changed_at, status`,
    );
    expect(history.map((h) => h.status)).toEqual(["active", "suspended", "active"]);
    expect(history[1].reason).toBe("证据待补充");
    // The history is append-only for the app role.
    const [privileges] = await db().rows<{ upd: boolean; del: boolean }>(
      sql`select has_table_privilege('app_user', 'credential_status_history', 'UPDATE') as upd, has_table_privilege('app_user', 'credential_status_history', 'DELETE') as del`,
    );
    expect(privileges).toEqual({ upd: false, del: false });
    expect(await db().count("audit_log", sql`entity_type = 'credential' and entity_id = ${id}::text`)).toBe(3);

    const verified = await (await visitor.data(`/verify/${row.number}`, verifyRoute)).json();
    expect(verified.credential.holder).toBe("G. Hopper");
  });

  it("keeps the register from finance and viewers in the database too", async () => {
    const ai = await tenantId("demo-ai");
    const seen = (role: string) =>
      asApp(
        { tenantId: ai, tenantKind: "organization", role },
        async (tx) => (await query<{ n: number }>(tx, sql`select count(*)::int as n from credential_holders`))[0].n,
      );
    expect(await seen("editor")).toBeGreaterThan(0);
    expect(await seen("finance")).toBe(0);
    expect(await seen("viewer")).toBe(0);
  });

  it("shows the industry share on the overview, flagged under 40% with the number needed", async () => {
    const overview = await (await admin.data("/w/demo-ai", overviewRoute)).json();
    const [overall, ...perCertificate] = overview.industryShares;
    // 20 trainers less the suspended one; 7 from industry (Grace Hopper, added above, makes 8 of 20).
    expect(overall).toMatchObject({ certificateId: null, trainers: 20, industry: 8, needed: 0 });
    const bigData = perCertificate.find((row: { certificateCode: string }) => row.certificateCode === "BIGDATA-PY");
    expect(bigData).toMatchObject({ trainers: 6, industry: 0, needed: 4 });
    const page = await (await admin.get("/w/demo-ai")).text();
    expect(page).toContain("还需 4 名行业企业培训师才能达到40%");
  });

  it("refuses an examiner whose employer hosts the exam site, in the database, with the reason", async () => {
    const ai = await tenantId("demo-ai");
    const [session] = await db().rows<{ id: string }>(
      sql`select a.id from assessment_sessions a join exam_sites s on s.tenant_id = a.tenant_id and s.id = a.site_id join tenants t on t.id = s.host_tenant_id where a.tenant_id = ${ai} and t.slug = 'demo-school'`,
    );
    const examiner = async (name: string) =>
      (
        await db().rows<{ id: string }>(
          sql`select c.id from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id where c.tenant_id = ${ai} and h.name = ${name} and c.role = 'examiner'`,
        )
      )[0].id;
    const assign = (credentialId: string) =>
      asApp({ tenantId: ai, tenantKind: "organization", role: "admin" }, (tx) =>
        tx.execute(sql`insert into examiner_assignments (tenant_id, session_id, credential_id) values (${ai}, ${session.id}, ${credentialId})`),
      );
    expect(await databaseError(assign(await examiner("周静")))).toMatch(/examiner_employer_is_host/);
    expect(await db().count("examiner_assignments", sql`session_id = ${session.id}`)).toBe(1);
    await assign(await examiner("孙涛"));
    expect(await db().count("examiner_assignments", sql`session_id = ${session.id}`)).toBe(2);
  });

  it("lets a school propose hosting an exam site, the organization approve it, and refuses a conflicting examiner on the page with the reason", async () => {
    const ai = await tenantId("demo-ai");
    const school = app.client({ ip: "10.0.0.4" });
    await school.login("school-admin@demo.xcert.test");
    const certificate = (await db().rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ai} and code = 'AI-TRAINER'`))[0].id;
    const proposal = {
      intent: "site",
      name: "城院 第二实训楼",
      district: "xuhui",
      certificateId: certificate,
      levels: "junior",
      capacity: "50",
      equipment: "",
    };
    // The conflict is refused before anything is written; a teacher cannot propose.
    const teacher = app.client({ ip: "10.0.0.5" });
    await teacher.login("school-teacher@demo.xcert.test");
    expect((await teacher.post("/w/demo-school/exam-sites", proposal)).status).toBe(403);
    expect((await school.post("/w/demo-school/exam-sites", proposal)).status).toBe(200);
    const [site] = await db().rows<{ id: string; tenant_id: string; status: string; host: string }>(
      sql`select s.id, s.tenant_id, s.status, t.slug as host from exam_sites s join tenants t on t.id = s.host_tenant_id where s.name = '城院 第二实训楼'`,
    );
    expect(site).toMatchObject({ tenant_id: ai, status: "proposed", host: "demo-school" });
    expect(await school.get("/w/demo-school/exam-sites").then((r) => r.text())).toContain("城院 第二实训楼");
    // The school cannot approve its own proposal.
    expect((await school.post("/w/demo-school/exam-sites", { intent: "approve", siteId: site.id })).status).toBe(403);
    expect((await admin.post("/w/demo-ai/exam-sites", { intent: "approve", siteId: site.id })).status).toBe(200);
    expect((await db().rows<{ status: string }>(sql`select status from exam_sites where id = ${site.id}`))[0].status).toBe("approved");

    const session = await admin.post("/w/demo-ai/exam-sites", { intent: "session", siteId: site.id, heldOn: addDays(shanghaiDate(), 10), level: "junior" });
    expect(session.status).toBe(200);
    const [sessionRow] = await db().rows<{ id: string }>(sql`select id from assessment_sessions where site_id = ${site.id}`);
    const [zhou] = await db().rows<{ number: string }>(
      sql`select c.number from credentials c join credential_holders h on h.tenant_id = c.tenant_id and h.id = c.holder_id where c.tenant_id = ${ai} and h.name = '周静'`,
    );
    const refused = await admin.action("/w/demo-ai/exam-sites", "routes/w.$slug.exam-sites", {
      intent: "assign",
      sessionId: sessionRow.id,
      credentialNumber: zhou.number,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("教考分离");
    expect(await db().count("examiner_assignments", sql`session_id = ${sessionRow.id}`)).toBe(0);
    expect(await db().count("audit_log", sql`action in ('exam_site.propose', 'exam_site.approve', 'assessment_session.create')`)).toBeGreaterThanOrEqual(3);
  });

  it("reminds the organization 60, 30 and 7 days before expiry, each once across scheduler runs, and expires credentials past their date", async () => {
    const reminders = () =>
      db().rows<{ to: string; subject: string; meta: { days: number; credentials: string[] } }>(
        sql`select "to", subject, meta from email_outbox where template = 'credential-expiry' order by created_at, "to"`,
      );
    const start = new Date();
    // The first look schedules the job for the next morning (08:00 in Shanghai).
    expect(await runDueJobs(start, ["credential-expiry"])).toEqual([]);
    const morning = new Date(start);
    morning.setUTCHours(0, 0, 0, 0);
    morning.setUTCDate(morning.getUTCDate() + 1);
    expect(await runDueJobs(morning, ["credential-expiry"])).toEqual(["credential-expiry"]);
    const first = await reminders();
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((m) => m.to === "org-admin@demo.xcert.test")).toBe(true);
    const thirty = first.find((m) => m.meta.days === 30)!;
    const seven = first.find((m) => m.meta.days === 7)!;
    // 12 demo-ai credentials expire within 30 days of the seed; those within 7 days get the 7-day reminder instead.
    expect(thirty.meta.credentials.length + seven.meta.credentials.length).toBe(12);
    expect(thirty.subject).toMatch(/30 天内到期/);

    // The same day again, and the job itself run twice more: nothing new.
    expect(await runDueJobs(morning, ["credential-expiry"])).toEqual([]);
    const { runCredentialExpiry } = await import("../../app/modules/credentials/expiry.server");
    const { withSystem } = await import("../../app/modules/tenancy/context.server");
    const day = shanghaiDate(morning);
    expect(await withSystem((tx, rescope) => runCredentialExpiry(tx, rescope, day))).toEqual({ expired: 0, reminded: 0 });
    expect(await withSystem((tx, rescope) => runCredentialExpiry(tx, rescope, day))).toEqual({ expired: 0, reminded: 0 });
    expect(await reminders()).toHaveLength(first.length);

    // Forty days on, with no page visited: every one of those twelve is expired, in the table and on /verify.
    const later = addDays(day, 40);
    const result = await withSystem((tx, rescope) => runCredentialExpiry(tx, rescope, later));
    expect(result.expired).toBeGreaterThanOrEqual(12);
    const numbers = [...thirty.meta.credentials, ...seven.meta.credentials];
    const statuses = await db().rows<{ status: string }>(sql`select status from credentials where number in ${numbers}`);
    expect(statuses.every((s) => s.status === "expired")).toBe(true);
    expect(await db().count("credential_status_history", sql`status = 'expired'`)).toBe(result.expired);
    expect(await db().count("audit_log", sql`action = 'credential.expire'`)).toBe(result.expired);
    // A 7-day reminder is never sent for a credential that already had it, nor after its date.
    expect(await withSystem((tx, rescope) => runCredentialExpiry(tx, rescope, later))).toEqual({ expired: 0, reminded: 0 });
  });
});
