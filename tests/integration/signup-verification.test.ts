import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type FormInput, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { creditCode } from "../support/demo";
import { followVerification, mailsTo, submitSignUp, verificationPath } from "../support/signup";

// Decision 041: sign-up records an unverified account and mails a link (single use, 24 h, the newest
// alone); only the link creates the tenant, pending admission. The form never says an email is taken.

const watched = ["tenants", "users", "memberships", "sessions", "signup_verifications", "tenant_admissions", "email_outbox"] as const;

describe("sign-up verification", () => {
  let app: TestApp;
  const db = () => owner(app.database);
  const counts = async () => Object.fromEntries(await Promise.all(watched.map(async (t) => [t, await db().count(t)] as const)));
  let serial = 0;
  const form = (overrides: Partial<Record<string, string>> = {}): FormInput => {
    serial += 1;
    const n = String(serial).padStart(2, "0");
    return {
      kind: "organization",
      tenantName: `上海验证测试机构${n}`,
      slug: `verify-${n}`,
      creditCode: creditCode(`91310000MA1XD00${n}`),
      businessScope: "职业技能培训；技能评价服务。",
      proposedCertificates: "VER-1 验证证书",
      name: "验证人",
      email: `verify-${n}@example.test`,
      password: "verify-password-2026",
      ...overrides,
    };
  };

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it("records the account unverified and nothing of a tenant; the link page changes nothing; the confirmation creates a pending tenant", async () => {
    const input = form();
    const client = app.client();
    const page = await submitSignUp(client, input);
    expect(await page.text()).toContain('data-testid="signup-sent"');
    const [user] = await db().rows<{ id: string; email_verified_at: Date | null }>(sql`select id, email_verified_at from users where email = ${input.email}`);
    expect(user.email_verified_at).toBeNull();
    expect(await db().count("tenants", sql`slug = ${input.slug}`)).toBe(0);
    expect(await db().count("memberships", sql`user_id = ${user.id}`)).toBe(0);
    // No session came with the form.
    expect([...client.cookies.keys()].some((name) => name.endsWith("xcert_session"))).toBe(false);
    // The token is stored only as its hash, expiring in 24 hours.
    const { token, path } = await verificationPath(String(input.email));
    const [stored] = await db().rows<{ token_hash: string; hours: number }>(
      sql`select token_hash, extract(epoch from expires_at - created_at) / 3600 as hours from signup_verifications where user_id = ${user.id}`,
    );
    expect(stored.token_hash).not.toContain(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.round(Number(stored.hours))).toBe(24);
    // Opening the link (as a mail scanner would) only shows the confirmation.
    expect((await app.client().get(path)).status).toBe(200);
    expect(await db().count("tenants", sql`slug = ${input.slug}`)).toBe(0);
    // The unverified account cannot log in.
    const login = await app.client().action("/login", "routes/login", { email: input.email, password: input.password });
    expect(login.status).toBe(403);
    const confirmed = await client.post(path, {});
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe(`/w/${input.slug}`);
    const [tenant] = await db().rows<{ id: string; admission: string }>(sql`select id, admission from tenants where slug = ${input.slug}`);
    expect(tenant.admission).toBe("pending");
    const [filing] = await db().rows<{ business_scope: string; proposed_certificates: string; credit_code: string; status: string }>(
      sql`select business_scope, proposed_certificates, credit_code, status from tenant_admissions where tenant_id = ${tenant.id}`,
    );
    expect(filing).toEqual({
      business_scope: input.businessScope,
      proposed_certificates: input.proposedCertificates,
      credit_code: input.creditCode,
      status: "pending",
    });
    expect((await db().rows<{ v: Date | null }>(sql`select email_verified_at as v from users where id = ${user.id}`))[0].v).not.toBeNull();
    // Used: the same link is refused, on the page and on the post, and creates nothing more.
    expect((await app.client().get(path)).status).toBe(410);
    const again = await app.client().post(path, {});
    expect(again.status).toBe(410);
    expect(await db().count("tenants", sql`slug = ${input.slug}`)).toBe(1);
  });

  it("an unverified account reaches no tenant and can create none, at the database either", async () => {
    const input = form();
    await submitSignUp(app.client(), input);
    const [user] = await db().rows<{ id: string }>(sql`select id from users where email = ${input.email}`);
    // Logging in is refused, so no workspace opens.
    const client = app.client();
    expect((await client.post("/login", { email: input.email, password: input.password })).status).toBe(403);
    const workspace = await client.get(`/w/${input.slug}`);
    expect(workspace.status).toBe(302);
    expect(workspace.headers.get("location")).toMatch(/^\/login/);
    // Raw SQL: the auth scope (where the form runs) may not insert a tenant, nor a user scope; a new
    // tenant is always pending, even from the system scope.
    const insert = sql`insert into tenants (kind, slug, name, credit_code) values ('organization', 'sneaky', 'Sneaky', ${creditCode("91310000MA1XD0099")})`;
    expect(await databaseError(asApp({ role: "auth" }, (tx) => tx.execute(insert)))).toMatch(/row-level security/);
    expect(await databaseError(asApp({ role: "user", userId: user.id }, (tx) => tx.execute(insert)))).toMatch(/row-level security/);
    expect(
      await databaseError(
        asApp({ role: "system" }, (tx) =>
          tx.execute(
            sql`insert into tenants (kind, slug, name, credit_code, admission) values ('organization', 'sneaky', 'Sneaky', ${creditCode("91310000MA1XD0099")}, 'admitted')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    // Only the auth and system scopes read the waiting sign-ups.
    for (const role of ["public", "user", "owner"]) {
      const rows = await asApp({ role, userId: user.id }, (tx) => query(tx, sql`select * from signup_verifications`));
      expect(rows, role).toEqual([]);
    }
  });

  it("an expired link is refused", async () => {
    const input = form();
    await submitSignUp(app.client(), input);
    const { path, token } = await verificationPath(String(input.email));
    await db().rows(
      sql`update signup_verifications set expires_at = now() - interval '1 second', created_at = now() - interval '24 hours' where token_hash = encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`,
    );
    expect((await app.client().get(path)).status).toBe(410);
    const post = await app.client().post(path, {});
    expect(post.status).toBe(410);
    expect(await db().count("tenants", sql`slug = ${input.slug}`)).toBe(0);
  });

  it("a resend ends the older link; the newest works; the resend is rate-limited", async () => {
    const input = form();
    await submitSignUp(app.client(), input);
    const first = await verificationPath(String(input.email));
    const resent = await app.client().post("/signup/resend", { email: input.email });
    expect(resent.status).toBe(200);
    expect(await resent.text()).toContain('data-testid="signup-sent"');
    const second = await verificationPath(String(input.email));
    expect(second.token).not.toBe(first.token);
    expect((await app.client().post(first.path, {})).status).toBe(410);
    const client = app.client();
    expect((await client.get(second.path)).status).toBe(200);
    expect((await client.post(second.path, {})).status).toBe(302);
    // The address's limit: 3 an hour (one used above), then 429 with nothing mailed.
    for (let i = 0; i < 2; i++) expect((await app.client({ ip: `198.18.41.${i + 1}` }).post("/signup/resend", { email: input.email })).status).toBe(200);
    const mails = (await mailsTo(String(input.email))).length;
    const limited = await app.client({ ip: "198.18.41.9" }).action("/signup/resend", "routes/signup_.resend", { email: input.email });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await mailsTo(String(input.email))).length).toBe(mails);
  });

  it("answers a taken email exactly as a new one, and mails its owner a notice instead of a link", async () => {
    const taken = form({ email: "org-admin@demo.xcert.test" });
    const fresh = form();
    const before = await counts();
    const answerTaken = await app.client().action("/signup", "routes/signup", taken);
    const answerFresh = await app.client().action("/signup", "routes/signup", fresh);
    expect(answerTaken.status).toBe(answerFresh.status);
    const bodyTaken = (await answerTaken.json()) as { sent: string; result: unknown };
    const bodyFresh = (await answerFresh.json()) as { sent: string; result: unknown };
    expect(bodyTaken.sent).toBe(taken.email);
    expect(bodyFresh.sent).toBe(fresh.email);
    expect(bodyTaken.result).toEqual(bodyFresh.result);
    // The HTML pages differ only by the address they echo.
    const pageTaken = await (await app.client().post("/signup", form({ email: "org2-admin@demo.xcert.test" }))).text();
    const otherFresh = form();
    const pageFresh = await (await app.client().post("/signup", otherFresh)).text();
    const strip = (html: string, email: string) =>
      html
        .replaceAll(email, "EMAIL")
        .replace(/nonce="[^"]*"/g, "")
        .replace(/"requestId":"[^"]*"/g, "");
    expect(strip(pageTaken, "org2-admin@demo.xcert.test").length).toBe(strip(pageFresh, String(otherFresh.email)).length);
    // The existing account got the notice, no link; nothing of the account changed.
    const [notice] = await mailsTo("org-admin@demo.xcert.test", "signup-account-exists");
    expect(notice.text).toContain("/login");
    expect(notice.text).not.toMatch(/\/signup\/verify\//);
    expect(await mailsTo("org-admin@demo.xcert.test", "signup-verification")).toEqual([]);
    const after = await counts();
    // Two new accounts (the two fresh addresses), none for the taken ones.
    expect(after.users).toBe(before.users + 2);
    expect(after.tenants).toBe(before.tenants);
  });

  it("refuses bad input with field messages (4xx) and writes nothing", async () => {
    const before = await counts();
    const bad = await app.client().action("/signup", "routes/signup", { ...form(), businessScope: "x".repeat(2001), email: "not-an-email" });
    expect(bad.status).toBe(400);
    const errors = ((await bad.json()) as { result: { error: Record<string, string[]> } }).result.error;
    expect(Object.keys(errors).sort()).toEqual(["businessScope", "email"]);
    const en = await app.client({ locale: "en" }).action("/signup/resend", "routes/signup_.resend", { email: "nope" });
    expect(en.status).toBe(400);
    expect(((await en.json()) as { result: { error: Record<string, string[]> } }).result.error.email).toBeTruthy();
    // A token of the wrong shape, or none known.
    expect((await app.client().post("/signup/verify/not-a-token", {})).status).toBe(410);
    expect(await counts()).toEqual(before);
  });

  it("holds the slug of a waiting sign-up against another account", async () => {
    const first = form();
    await submitSignUp(app.client(), first);
    const second = await app.client().action("/signup", "routes/signup", form({ slug: String(first.slug) }));
    expect(second.status).toBe(400);
    expect(Object.keys(((await second.json()) as { result: { error: Record<string, string[]> } }).result.error)).toEqual(["slug"]);
    await followVerification(app.client(), String(first.email));
  });
});
