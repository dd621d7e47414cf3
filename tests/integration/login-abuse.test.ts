import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextMorning, runDueJobs } from "../../app/modules/jobs/scheduler.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { creditCode, password } from "../support/demo";

// Issue 14 item 7 (F4, F17, F18), but the client address from the socket (the Express server's): the
// limits are counted in the database atomically, one success does not reset an IP, an account is
// slowed rather than locked and a password reset lets its owner in, sign-up and forgot-password are
// limited, new passwords must not be guessable, and users change their password.

const resetLink = /\/reset-password\/([A-Za-z0-9_-]{43})/;

describe("login and sign-up abuse", () => {
  let app: TestApp;
  const db = () => owner(app.database);
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const loginAs = (client: HttpClient, email: string, pw: string) => client.action("/login", "routes/login", { email, password: pw });
  let signUps = 0;
  const signUpForm = (overrides: Record<string, string> = {}) => {
    signUps += 1;
    const n = String(signUps).padStart(3, "0");
    return {
      kind: "organization",
      tenantName: `限流测试机构${n}`,
      slug: `limits-${n}`,
      creditCode: creditCode(`91310106MA1FL${n}X`.slice(0, 17)),
      name: "测试",
      email: `limits-${n}@example.test`,
      password: "limits-password-2026",
      ...overrides,
    };
  };

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it("lets 20 parallel wrong-password logins to one account verify at most 5 (count and insert are atomic)", async () => {
    const email = "org-finance@demo.xcert.test";
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => loginAs(app.client({ ip: `198.18.0.${i + 1}` }), email, `parallel-wrong-${i}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(15);
    expect(await db().count("login_attempts", sql`email = ${email} and not success`)).toBe(5);
    await db().rows(sql`delete from rate_limit_hits where key = ${email}`);
  });

  it("keeps an IP's failures when one login from it succeeds", async () => {
    const client = app.client({ ip: "198.18.1.1" });
    for (let i = 0; i < 19; i++) expect((await loginAs(client, `spray-${i}@example.test`, "spray-password-1")).status, `failure ${i + 1}`).toBe(401);
    // The attacker's own account, between the guesses: the IP's count stays at 19.
    expect((await client.post("/login", { email: "school-teacher@demo.xcert.test", password })).status).toBe(302);
    expect((await loginAs(client, "spray-19@example.test", "spray-password-1")).status).toBe(401);
    const blocked = await loginAs(client, "spray-20@example.test", "spray-password-1");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(800);
  });

  it("slows an account with a growing delay, and lets its owner in at once through a password reset", async () => {
    const email = "org2-admin@demo.xcert.test";
    const client = app.client({ ip: "198.18.2.1" });
    for (let i = 0; i < 5; i++) expect((await loginAs(client, email, `wrong-${i}-password`)).status).toBe(401);
    const first = await loginAs(client, email, password);
    expect(first.status).toBe(429);
    expect(Number(first.headers.get("retry-after"))).toBeLessThanOrEqual(15);
    // The delay passes; one more failure doubles it.
    await db().rows(sql`update rate_limit_hits set at = at - interval '16 seconds' where key = ${email}`);
    expect((await loginAs(client, email, "wrong-5-password")).status).toBe(401);
    const second = await loginAs(client, email, password);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(15);
    expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(30);

    // The owner resets by email: the link clears the delay, the new password works at once.
    expect((await app.client().post("/forgot-password", { email })).status).toBe(200);
    const [mail] = await db().rows<{ text: string }>(
      sql`select text from email_outbox where template = 'password-reset' and "to" = ${email} order by created_at desc limit 1`,
    );
    const token = resetLink.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    const reset = await app.client().post(`/reset-password/${token}`, { password: "care-admin-new-password-7", confirm: "care-admin-new-password-7" });
    expect(reset.status).toBe(302);
    expect((await app.client({ ip: "198.18.2.2" }).post("/login", { email, password: "care-admin-new-password-7" })).status).toBe(302);
  });

  it("limits sign-up per email (3 an hour) and per IP (10 an hour), counting refused ones too", async () => {
    const email = "same-person@example.test";
    const client = app.client({ ip: "198.18.3.1" });
    expect((await client.post("/signup", signUpForm({ email }))).status).toBe(200);
    // Taken now: the same "check your inbox" answer (decision 041), and still counted.
    expect((await app.client({ ip: "198.18.3.2" }).action("/signup", "routes/signup", signUpForm({ email }))).status).toBe(200);
    expect((await app.client({ ip: "198.18.3.3" }).action("/signup", "routes/signup", signUpForm({ email }))).status).toBe(200);
    const limited = await app.client({ ip: "198.18.3.4" }).action("/signup", "routes/signup", signUpForm({ email }));
    expect(limited.status).toBe(429);
    expect(await errorsOf(limited)).toEqual({ "": [expect.stringMatching(/^请求过于频繁，请约 \d+ 分钟后再试。$/)] });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3000);

    const ip = app.client({ ip: "198.18.3.9" });
    // Ten from one address (refused ones count: the slug is taken), then refused.
    for (let i = 0; i < 10; i++) expect((await ip.action("/signup", "routes/signup", signUpForm({ slug: "demo-ai" }))).status, `sign-up ${i + 1}`).toBe(400);
    expect((await ip.action("/signup", "routes/signup", signUpForm())).status).toBe(429);
    expect(await db().count("account_audit_log", sql`action = 'auth.throttled'`)).toBe(2);
  });

  it("limits forgot-password per email: the 4th request in an hour is refused and mails nothing", async () => {
    const email = "school-admin@demo.xcert.test";
    for (let i = 0; i < 3; i++) expect((await app.client({ ip: `198.18.4.${i + 1}` }).post("/forgot-password", { email })).status).toBe(200);
    const refused = await app.client({ ip: "198.18.4.9", locale: "en" }).action("/forgot-password", "routes/forgot-password", { email });
    expect(refused.status).toBe(429);
    expect(await errorsOf(refused)).toEqual({ "": [expect.stringMatching(/^Too many requests\. Try again in about \d+ minutes\.$/)] });
    expect(await db().count("email_outbox", sql`template = 'password-reset' and "to" = ${email}`)).toBe(3);
    // Per IP too: ten from one address whatever the emails.
    const ip = app.client({ ip: "198.18.4.20" });
    for (let i = 0; i < 10; i++) expect((await ip.post("/forgot-password", { email: `nobody-${i}@example.test` })).status).toBe(200);
    expect((await ip.post("/forgot-password", { email: "nobody-10@example.test" })).status).toBe(429);
  });

  it("refuses guessable passwords at sign-up and change, with a message in the user's language", async () => {
    const users = await db().count("users");
    const weak = await app.client({ ip: "198.18.5.1" }).action("/signup", "routes/signup", signUpForm({ password: "password1234" }));
    expect(weak.status).toBe(400);
    expect((await errorsOf(weak)).password).toEqual(["该密码太容易被猜到（常见单词、姓名、日期或键盘规律）。请使用由不相关词语组成的更长短语。"]);
    const en = await app.client({ ip: "198.18.5.2", locale: "en" }).action("/signup", "routes/signup", signUpForm({ password: "qwertyuiop1" }));
    expect((await errorsOf(en)).password).toEqual([
      "This password is too easy to guess (common words, names, dates or patterns). Choose a longer phrase of unrelated words.",
    ]);
    expect(await db().count("users")).toBe(users);

    const teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    const change = await teacher.action("/account/password", "routes/account.password", { current: password, password: "1234567890", confirm: "1234567890" });
    expect(change.status).toBe(400);
    expect((await errorsOf(change)).password).toHaveLength(1);
  });

  it("changes the password: current one required, other sessions end, reset links die, the account is audited", async () => {
    const email = "org-admin@demo.xcert.test";
    const here = app.client({ ip: "198.18.6.1" });
    await here.login(email);
    const there = app.client({ ip: "198.18.6.2" });
    await there.login(email);
    expect((await app.client().post("/forgot-password", { email })).status).toBe(200);
    const [user] = await db().rows<{ id: string }>(sql`select id from users where email = ${email}`);
    expect(await db().count("password_resets", sql`user_id = ${user.id} and used_at is null`)).toBe(1);

    const wrong = await here.action("/account/password", "routes/account.password", {
      current: "not-my-password-1",
      password: "brand-new-password-2027",
      confirm: "brand-new-password-2027",
    });
    expect(wrong.status).toBe(400);
    expect((await errorsOf(wrong)).current).toEqual(["当前密码不正确。"]);
    const mismatch = await here.action("/account/password", "routes/account.password", {
      current: password,
      password: "brand-new-password-2027",
      confirm: "other",
    });
    expect(mismatch.status).toBe(400);

    const changed = await here.action("/account/password", "routes/account.password", {
      current: password,
      password: "brand-new-password-2027",
      confirm: "brand-new-password-2027",
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect((await here.get("/w/demo-ai")).status).toBe(200);
    expect((await there.get("/w/demo-ai")).status).toBe(302);
    expect(await db().count("password_resets", sql`user_id = ${user.id} and used_at is null`)).toBe(0);
    expect(await db().count("account_audit_log", sql`user_id = ${user.id} and action = 'user.password_change'`)).toBe(1);
    expect((await app.client().post("/login", { email, password })).status).toBe(401);
    expect((await app.client().post("/login", { email, password: "brand-new-password-2027" })).status).toBe(302);
    // Anonymous: nothing to change.
    expect(
      (
        await app
          .client()
          .action("/account/password", "routes/account.password", { current: "x", password: "brand-new-password-2028", confirm: "brand-new-password-2028" })
      ).status,
    ).toBe(401);
  });

  it("purges once a day the hits past every window, of keys that never came back, and keeps the rest", async () => {
    // A crawl of /verify from addresses that never return, a day and a half ago; and a recent login failure.
    await db().rows(sql`insert into rate_limit_hits (kind, key, at)
      select 'verify.ip', '10.9.' || g, now() - interval '36 hours' from generate_series(1, 50) g`);
    await db().rows(sql`insert into rate_limit_hits (kind, key, at) values ('login.account', 'purge-probe@example.test', now() - interval '23 hours')`);
    const now = new Date();
    // The first pass only schedules the job (tomorrow morning); it runs when that morning comes, once.
    expect(await runDueJobs(now, ["rate-limit-expiry"])).toEqual([]);
    expect(await db().count("rate_limit_hits", sql`key like '10.9.%'`)).toBe(50);
    expect(await runDueJobs(nextMorning(now), ["rate-limit-expiry"])).toEqual(["rate-limit-expiry"]);
    expect(await runDueJobs(nextMorning(now), ["rate-limit-expiry"])).toEqual([]);
    expect(await db().count("rate_limit_hits", sql`key like '10.9.%'`)).toBe(0);
    expect(await db().count("rate_limit_hits", sql`at < now() - interval '24 hours'`)).toBe(0);
    // Within the login account's day: kept, it still counts.
    expect(await db().count("rate_limit_hits", sql`key = 'purge-probe@example.test'`)).toBe(1);
  });

  it("keeps the limit counts to the auth flows: a member's scope reads and writes no rate_limit_hits", async () => {
    const [ai] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    const [admin] = await db().rows<{ id: string }>(sql`select id from users where email = 'org-admin@demo.xcert.test'`);
    const scope = { tenantId: ai.id, tenantKind: "organization", userId: admin.id, role: "admin" };
    expect(await asApp(scope, (tx) => query(tx, sql`select * from rate_limit_hits`))).toEqual([]);
    expect(await asApp(scope, (tx) => query(tx, sql`delete from rate_limit_hits returning id`))).toEqual([]);
    expect(await databaseError(asApp(scope, (tx) => query(tx, sql`insert into rate_limit_hits (kind, key) values ('login.ip', 'x')`)))).toMatch(
      /row-level security/,
    );
    expect(await db().count("rate_limit_hits")).toBeGreaterThan(0);
  });
});
