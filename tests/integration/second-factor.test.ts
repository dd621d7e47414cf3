import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { enrolSecondFactor, openEnrolment, totpCode } from "../support/second-factor";

// The second factor (issue 14 item 6, review F6), outside demo mode: nobody is exempt. Committee
// members and an organization's owners, admins and finance can do nothing but enrol (and log out)
// until they have; after the password, an enrolled account gets a challenge, not a session; a code
// of a step already used is refused; recovery codes work once; the secret is not readable as the app
// role. Codes are computed from the secret the page shows (tests/support/second-factor.ts).
process.env.XCERT_DEMO = "0";

const enrolment = "/account/second-factor";
const step = "/login/second-factor";
const route = "routes/account.second-factor";
const stepRoute = "routes/login_.second-factor";

describe("second factor (XCERT_DEMO=0)", () => {
  let app: TestApp;
  const db = () => owner(app.database);
  const userId = async (email: string) => (await db().rows<{ id: string }>(sql`select id from users where email = ${email}`))[0].id;
  const signedIn = async (email: string) => {
    const client = app.client();
    await client.login(email);
    return client;
  };
  /** Logs in with the password; answers the client (holding the challenge) and the login's answer. */
  const passwordStep = async (email: string) => {
    const client = app.client();
    const response = await client.post("/login", { email, password: "demo-password-2026" });
    return { client, response };
  };
  const answer = (client: HttpClient, code: string) => client.action(step, stepRoute, { code });
  const fieldErrors = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it("sends a finance member, an organization admin and the committee to enrolment from every loader, action and export", async () => {
    const finance = await signedIn("org-finance@demo.xcert.test");
    const toEnrolment = (response: Response) => {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(enrolment);
    };
    toEnrolment(await finance.get("/w/demo-ai"));
    toEnrolment(await finance.get("/w/demo-ai/orders"));
    toEnrolment(await finance.get("/workspaces"));
    toEnrolment(await finance.get("/fees"));
    toEnrolment(await finance.get("/w/demo-ai/export/orders?format=csv"));
    // A loader asked for its data alone (client-side navigation) is redirected the same way.
    const data = await finance.data("/w/demo-ai/orders", "routes/w.$slug.orders._index");
    expect(data.headers.get("x-remix-redirect")).toBe(enrolment);

    const admin = await signedIn("org-admin@demo.xcert.test");
    const before = await db().count("certificates");
    toEnrolment(
      await admin.post("/w/demo-ai/certificates/new", { code: "MFA-1", nameZh: "两步验证测试", nameEn: "MFA test", industryCode: "digital", levels: "junior" }),
    );
    expect(await db().count("certificates")).toBe(before);
    toEnrolment(await admin.get("/w/demo-ai/questions/export?certificate=any&format=csv"));

    const committee = await signedIn("committee@demo.xcert.test");
    toEnrolment(await committee.get("/committee/fees"));
    toEnrolment(await committee.post("/committee/settings", { intent: "notice", days: "20", reason: "两步验证测试" }));

    // Enrolment, the language switch and logout still answer.
    expect((await finance.get(enrolment)).status).toBe(200);
    expect((await finance.post("/set-language", { locale: "en", redirectTo: enrolment })).headers.get("location")).toBe(enrolment);
    const logout = await finance.post("/logout", {});
    expect(logout.status).toBe(302);
    expect((await finance.get("/workspaces")).headers.get("location")).toMatch(/^\/login/);
  });

  it("lets the roles that need no second factor work with the password alone", async () => {
    const editor = await signedIn("org-editor@demo.xcert.test");
    expect((await editor.get("/w/demo-ai/certificates")).status).toBe(200);
    const teacher = await signedIn("school-teacher@demo.xcert.test");
    expect((await teacher.get("/w/demo-school")).status).toBe(200);
    const schoolAdmin = await signedIn("school-admin@demo.xcert.test");
    expect((await schoolAdmin.get("/w/demo-school/orders")).status).toBe(200);
  });

  it("enrols with a first code: a wrong code writes nothing, the right one stores the secret sealed and 10 hashed recovery codes", async () => {
    const admin = await signedIn("org-admin@demo.xcert.test");
    const id = await userId("org-admin@demo.xcert.test");
    const { secret, token } = await openEnrolment(admin);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The page shows the QR code (server-rendered SVG) and the key for manual entry.
    const page = await (await admin.get(enrolment)).text();
    expect(page).toContain("<svg");
    expect(page).toMatch(/data-testid="totp-secret"[^>]*>[A-Z2-7]{32}</);

    const wrongCode = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, "0");
    const wrong = await admin.action(enrolment, route, { intent: "enrol", token, code: wrongCode });
    expect(wrong.status).toBe(400);
    expect((await fieldErrors(wrong)).code).toEqual(["验证码不正确或已被使用。请等待下一个验证码后重试。"]);
    const malformed = await admin.action(enrolment, route, { intent: "enrol", token, code: "12ab" });
    expect(malformed.status).toBe(400);
    expect((await fieldErrors(malformed)).code).toEqual(["请输入应用显示的 6 位数字。"]);
    // Another user's sealed token does not enrol this one.
    const editor = await signedIn("org-editor@demo.xcert.test");
    const stolen = await editor.action(enrolment, route, { intent: "enrol", token, code: totpCode(secret) });
    expect(stolen.status).toBe(400);
    expect(await db().count("second_factors")).toBe(0);

    const confirmed = await admin.action(enrolment, route, { intent: "enrol", token, code: totpCode(secret) });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    const [stored] = await db().rows<{ totp_secret_sealed: string }>(sql`select totp_secret_sealed from second_factors where user_id = ${id}`);
    expect(stored.totp_secret_sealed).toMatch(/^v1\./);
    expect(stored.totp_secret_sealed).not.toContain(secret);
    const hashes = await db().rows<{ code_hash: string }>(sql`select code_hash from recovery_codes where user_id = ${id}`);
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) {
      expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const code of recoveryCodes) expect(code_hash).not.toContain(code.replace("-", ""));
    }
    expect(await db().count("account_audit_log", sql`action = 'second_factor.enrolled' and user_id = ${id}`)).toBe(1);

    // Enrolled: the workspace opens; a second enrolment is refused.
    expect((await admin.get("/w/demo-ai")).status).toBe(200);
    const again = await admin.data(enrolment, route);
    expect(((await again.json()) as { enrolment: unknown }).enrolment).toBeNull();
    expect((await admin.action(enrolment, route, { intent: "enrol", token, code: totpCode(secret, 1) })).status).toBe(409);
  });

  it("logs in in two steps: the password alone opens no session, a wrong code is refused, a used step is refused", async () => {
    const finance = await signedIn("org-finance@demo.xcert.test");
    const { secret } = await enrolSecondFactor(finance);
    const id = await userId("org-finance@demo.xcert.test");
    const sessionsBefore = await db().count("sessions", sql`user_id = ${id}`);

    const { client, response } = await passwordStep("org-finance@demo.xcert.test");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(step);
    expect([...client.cookies.keys()]).toEqual(["xcert_login_challenge"]);
    expect(await db().count("sessions", sql`user_id = ${id}`)).toBe(sessionsBefore);
    // The challenge is no session: every workspace page, action and export asks for a login.
    expect((await client.get("/w/demo-ai")).headers.get("location")).toMatch(/^\/login/);
    expect((await client.get("/w/demo-ai/export/orders?format=csv")).headers.get("location")).toMatch(/^\/login/);
    expect((await client.post("/w/demo-ai/certificates/new", { code: "X" })).headers.get("location")).toMatch(/^\/login/);
    expect((await client.get(step)).status).toBe(200);

    const wrongCode = String((Number(totpCode(secret, 1)) + 1) % 1_000_000).padStart(6, "0");
    const wrong = await answer(client, wrongCode);
    expect(wrong.status).toBe(400);
    expect((await fieldErrors(wrong)).code).toEqual(["验证码不正确或已被使用。请等待下一个验证码后重试。"]);
    expect(await db().count("account_audit_log", sql`action = 'second_factor.failed' and user_id = ${id}`)).toBe(1);

    // The next step's code (enrolment spent the current one): a session, landing where the password would have.
    const code = totpCode(secret, 1);
    const ok = await client.post(step, { code });
    expect(ok.status, await ok.clone().text()).toBe(302);
    expect(ok.headers.get("location")).toBe("/w/demo-ai");
    expect(client.cookies.has("xcert_session")).toBe(true);
    expect(client.cookies.has("xcert_login_challenge")).toBe(false);
    expect((await client.get("/w/demo-ai/orders")).status).toBe(200);
    expect(await db().count("account_audit_log", sql`action = 'login.succeeded' and user_id = ${id} and detail->'after'->>'secondFactor' = 'totp'`)).toBe(1);

    // The same code again, in a new login within its window: refused as a used step.
    const replay = await passwordStep("org-finance@demo.xcert.test");
    const reused = await answer(replay.client, code);
    expect(reused.status).toBe(400);
    expect(replay.client.cookies.has("xcert_session")).toBe(false);
    // An answered challenge cannot be answered again.
    expect((await client.get(step)).headers.get("location")).toBe("/login");
  });

  it("takes each recovery code once, and ends a challenge after five wrong codes", async () => {
    const committee = await signedIn("committee@demo.xcert.test");
    const { recoveryCodes } = await enrolSecondFactor(committee);
    const id = await userId("committee@demo.xcert.test");

    const first = await passwordStep("committee@demo.xcert.test");
    const used = await first.client.post(step, { code: recoveryCodes[3].toUpperCase() });
    expect(used.status).toBe(302);
    expect(used.headers.get("location")).toBe("/committee");
    const landing = await first.client.get("/committee/fees");
    expect(landing.status, landing.headers.get("location") ?? "").toBe(200);
    expect(await db().count("recovery_codes", sql`user_id = ${id} and used_at is not null`)).toBe(1);
    expect(await db().count("account_audit_log", sql`action = 'second_factor.recovery_code_used' and user_id = ${id}`)).toBe(1);

    const second = await passwordStep("committee@demo.xcert.test");
    expect((await answer(second.client, recoveryCodes[3])).status).toBe(400);
    // Another code still works.
    expect((await second.client.post(step, { code: recoveryCodes[4] })).status).toBe(302);

    const third = await passwordStep("committee@demo.xcert.test");
    for (let i = 0; i < 5; i++) expect((await answer(third.client, `00000${i}`)).status).toBe(400);
    const ended = await answer(third.client, recoveryCodes[5]);
    expect(ended.status).toBe(410);
    expect(third.client.cookies.has("xcert_session")).toBe(false);
    expect(await db().count("recovery_codes", sql`user_id = ${id} and used_at is null`)).toBe(8);
  });

  it("turns the second factor off with the password (not a wrong one), after which the role is sent to enrolment again", async () => {
    const admin = await signedIn("org2-admin@demo.xcert.test");
    await enrolSecondFactor(admin);
    expect((await admin.get("/w/demo-care")).status).toBe(200);
    const wrong = await admin.action(enrolment, route, { intent: "disable", proof: "not-the-password" });
    expect(wrong.status).toBe(400);
    expect((await fieldErrors(wrong)).proof).toEqual(["验证码或密码不正确。"]);
    expect(await db().count("second_factors", sql`user_id = ${await userId("org2-admin@demo.xcert.test")}`)).toBe(1);
    const disabled = await admin.action(enrolment, route, { intent: "disable", proof: "demo-password-2026" });
    expect(disabled.status).toBe(200);
    expect(await db().count("second_factors", sql`user_id = ${await userId("org2-admin@demo.xcert.test")}`)).toBe(0);
    expect(await db().count("recovery_codes", sql`user_id = ${await userId("org2-admin@demo.xcert.test")}`)).toBe(0);
    expect((await admin.get("/w/demo-care")).headers.get("location")).toBe(enrolment);
    // Re-enrolment: a new secret.
    await enrolSecondFactor(admin);
    expect((await admin.get("/w/demo-care")).status).toBe(200);
    // Login needs no second step once it is off: the password goes straight to a session.
    expect(await db().count("account_audit_log", sql`action = 'second_factor.disabled'`)).toBe(1);
  });

  it("keeps the secret from the app role: not in a tenant scope, not in the user's own scope, not even in the auth scope", async () => {
    const id = await userId("org-admin@demo.xcert.test");
    const [tenant] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    const tenantScope = { tenantId: tenant.id, tenantKind: "organization", userId: id, role: "admin" };
    expect(await databaseError(asApp(tenantScope, (tx) => query(tx, sql`select totp_secret_sealed from second_factors`)))).toMatch(/permission denied/);
    expect(await asApp(tenantScope, (tx) => query(tx, sql`select user_id from second_factors`))).toEqual([]);
    expect(await asApp(tenantScope, (tx) => query(tx, sql`select code_hash from recovery_codes`))).toEqual([]);
    expect(await databaseError(asApp(tenantScope, (tx) => query(tx, sql`select second_factor_secret(${id})`)))).toMatch(/auth flows only/);
    expect(await databaseError(asApp({ userId: id, role: "user" }, (tx) => query(tx, sql`select second_factor_secret(${id})`)))).toMatch(/auth flows only/);
    expect(await databaseError(asApp({ role: "auth" }, (tx) => query(tx, sql`select totp_secret_sealed from second_factors`)))).toMatch(/permission denied/);
    // Nobody exempts themselves: only the system scope (the seed) writes exemptions.
    expect(
      await databaseError(asApp({ userId: id, role: "auth" }, (tx) => query(tx, sql`insert into second_factor_exemptions (user_id) values (${id})`))),
    ).toMatch(/row-level security/);
    // And no member scope writes the factor or its codes.
    expect(await asApp(tenantScope, (tx) => query(tx, sql`delete from second_factors where user_id = ${id} returning user_id`))).toEqual([]);
    expect(await db().count("second_factors", sql`user_id = ${id}`)).toBe(1);
  });
});
