import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails } from "../../app/modules/email/worker.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { startResendDouble, type ResendDouble } from "../support/resend-double";

// Password reset end to end: the request answers the same for every address, the email goes through
// the outbox and the worker, the link sets a new password once, and every open session ends.

const oldPassword = "demo-password-2026";
const linkPattern = /https?:\/\/[^\s"<>]+\/reset-password\/([A-Za-z0-9_-]{43})/;
const watched = ["users", "sessions", "password_resets", "email_outbox", "audit_log", "account_audit_log"] as const;

interface Mail {
  id: string;
  template: string;
  locale: string;
  subject: string;
  html: string;
  text: string;
  status: string;
}

describe("password reset", () => {
  let app: TestApp;
  let resend: ResendDouble;
  const db = () => owner(app.database);
  const counts = async () => Object.fromEntries(await Promise.all(watched.map(async (t) => [t, await db().count(t)] as const)));
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const mailsTo = (to: string) =>
    db().rows<Mail>(sql`select id, template, locale, subject, html, text, status from email_outbox where "to" = ${to} order by created_at desc, id`);
  const linkIn = (text: string) => {
    const match = linkPattern.exec(text);
    if (!match) throw new Error(`no reset link in: ${text}`);
    return { url: match[0], token: match[1], path: `/reset-password/${match[1]}` };
  };
  const request = (client: HttpClient, email: string) => client.action("/forgot-password", "routes/forgot-password", { email });
  /** Asks for a reset and returns the link of the newest email to that address. */
  const resetLink = async (email: string) => {
    expect((await request(app.client(), email)).status).toBe(200);
    const [mail] = await mailsTo(email.toLowerCase());
    return linkIn(mail.text);
  };
  const reset = (path: string, password: string, confirm = password, client = app.client()) =>
    client.action(path, "routes/reset-password.$token", { password, confirm });
  const valid = async (path: string) => ((await (await app.client().data(path, "routes/reset-password.$token")).json()) as { valid: boolean }).valid;
  const loginStatus = async (email: string, password: string) => (await app.client().post("/login", { email, password })).status;
  const hashOf = async (email: string) =>
    (await db().rows<{ password_hash: string }>(sql`select password_hash from users where email = ${email}`))[0].password_hash;

  beforeAll(async () => {
    resend = await startResendDouble();
    process.env.RESEND_API_KEY = "re_password_reset_test";
    process.env.RESEND_BASE_URL = resend.url;
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
    await resend.close();
  });

  it("answers a known and an unknown address the same way, and mails only the known one", async () => {
    const before = await counts();
    const known = await request(app.client(), "org-finance@demo.xcert.test");
    const unknown = await request(app.client(), "no-account@demo.xcert.test");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const knownBody = await known.text();
    expect(await unknown.text()).toBe(knownBody);
    expect(JSON.parse(knownBody)).toMatchObject({ sent: true });
    // The page a browser without JavaScript gets is the same too, with the notice.
    const pages = await Promise.all(
      ["org-finance@demo.xcert.test", "no-account@demo.xcert.test"].map(async (email) => {
        const response = await app.client().post("/forgot-password", { email });
        return { status: response.status, html: (await response.text()).replace(/nonce="[^"]*"|'nonce-[^']*'/g, "") };
      }),
    );
    expect(pages[0].status).toBe(200);
    expect(pages[1].status).toBe(200);
    expect(pages[0].html).toContain("如果该邮箱已注册，重设密码的邮件已发出，请在 1 小时内使用。");
    expect(pages[1].html).toContain("如果该邮箱已注册，重设密码的邮件已发出，请在 1 小时内使用。");

    const after = await counts();
    expect(after.email_outbox).toBe(before.email_outbox + 2);
    expect(after.password_resets).toBe(before.password_resets + 2);
    expect(await db().count("email_outbox", sql`"to" = 'no-account@demo.xcert.test'`)).toBe(0);
    expect(
      await db().count("account_audit_log", sql`action = 'password_reset.requested_unknown' and detail->'after'->>'email' = 'no-account@demo.xcert.test'`),
    ).toBe(2);
    const [finance] = await db().rows<{ id: string }>(sql`select id from users where email = 'org-finance@demo.xcert.test'`);
    expect(await db().count("account_audit_log", sql`action = 'password_reset.requested' and user_id = ${finance.id}`)).toBe(2);

    const [mail] = await mailsTo("org-finance@demo.xcert.test");
    expect(mail).toMatchObject({ template: "password-reset", locale: "zh-CN", subject: "重设您的 XCert 密码", status: "pending" });
    expect(mail.text).toContain("陈静，您好：我们收到了重设您 XCert 账号密码的请求。");
    expect(mail.text).toContain("如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。");
    expect(mail.html).toContain('lang="zh-CN"');
    const link = linkIn(mail.text);
    expect(mail.html).toContain(`href="${link.url}"`);
    // Only the token's hash is stored; it expires in an hour.
    const [row] = await db().rows<{ user_id: string; expires_at: Date; used_at: Date | null }>(
      sql`select user_id, expires_at, used_at from password_resets where token_hash = ${createHash("sha256").update(link.token).digest("hex")}`,
    );
    expect(row).toMatchObject({ user_id: finance.id, used_at: null });
    const minutes = (new Date(row.expires_at).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(58);
    expect(minutes).toBeLessThan(61);
    expect(await db().count("password_resets", sql`token_hash = ${link.token}`)).toBe(0);
  });

  it("mails in English to someone using English, whatever the case of the address typed", async () => {
    const response = await request(app.client({ locale: "en" }), "  ORG2-Admin@Demo.XCert.test ");
    expect(response.status).toBe(200);
    const [mail] = await mailsTo("org2-admin@demo.xcert.test");
    expect(mail).toMatchObject({ locale: "en", subject: "Reset your XCert password" });
    expect(mail.text).toContain("Hello 赵颐, we received a request to reset the password of your XCert account.");
    expect(mail.html).toContain('lang="en"');
    linkIn(mail.text);
  });

  it("resets the password through the emailed link: once, ending every session, old password refused", async () => {
    const email = "org-finance@demo.xcert.test";
    // Two browsers are signed in before the reset.
    const laptop = app.client();
    await laptop.login(email);
    const phone = app.client();
    await phone.login(email);
    expect((await laptop.get("/w/demo-ai")).status).toBe(200);

    // The email, as delivered by the worker through the provider.
    const [newest] = await mailsTo(email);
    expect((await deliverDueEmails()).failed).toBe(0);
    const delivered = resend.delivered.get(`outbox-${newest.id}`);
    expect(delivered?.to).toEqual([email]);
    expect(delivered?.subject).toBe("重设您的 XCert 密码");
    expect((await mailsTo(email))[0].status).toBe("sent");
    const link = linkIn(delivered!.text);

    const page = await app.client().get(link.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("设置新密码");
    expect(html).toContain('name="referrer" content="no-referrer"');
    expect(await valid(link.path)).toBe(true);

    const hashBefore = await hashOf(email);
    const response = await app.client().post(link.path, { password: "finance-new-password-1", confirm: "finance-new-password-1" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?reset=1");
    expect(await (await app.client().get("/login?reset=1")).text()).toContain("密码已重设，请使用新密码登录。");

    const hashAfter = await hashOf(email);
    expect(hashAfter).not.toBe(hashBefore);
    expect(hashAfter).toMatch(/^\$argon2id\$/);
    const [user] = await db().rows<{ id: string }>(sql`select id from users where email = ${email}`);
    expect(await db().count("sessions", sql`user_id = ${user.id} and revoked_at is null`)).toBe(0);
    expect(await db().count("password_resets", sql`token_hash = ${createHash("sha256").update(link.token).digest("hex")} and used_at is not null`)).toBe(1);
    expect(await db().count("account_audit_log", sql`action = 'password_reset.completed' and user_id = ${user.id}`)).toBe(1);
    expect(await db().count("account_audit_log", sql`detail::text like '%finance-new-password-1%'`)).toBe(0);

    // The sessions opened before the reset are over.
    for (const client of [laptop, phone]) {
      const stale = await client.get("/w/demo-ai");
      expect(stale.status).toBe(302);
      expect(stale.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/w/demo-ai")}`);
    }

    // The link works once.
    expect(await valid(link.path)).toBe(false);
    const before = await counts();
    const again = await reset(link.path, "someone-elses-password");
    expect(again.status).toBe(410);
    expect(await errorsOf(again)).toEqual({ "": ["重设链接无效或已过期，请重新申请。"] });
    const en = await reset(link.path, "someone-elses-password", "someone-elses-password", app.client({ locale: "en" }));
    expect(await errorsOf(en)).toEqual({ "": ["This reset link is invalid or has expired. Ask for a new one."] });
    expect(await (await app.client().get(link.path)).text()).toContain("重设链接无效或已过期，请重新申请。");
    expect(await counts()).toEqual(before);
    expect(await hashOf(email)).toBe(hashAfter);

    // The new password logs in; the old one does not.
    expect(await loginStatus(email, oldPassword)).toBe(401);
    expect(await loginStatus(email, "finance-new-password-1")).toBe(302);
  });

  it("refuses an expired or unknown link with 410 and changes nothing", async () => {
    const email = "school-teacher@demo.xcert.test";
    const expired = await resetLink(email);
    await db().rows(
      sql`update password_resets set expires_at = now() - interval '1 second' where token_hash = ${createHash("sha256").update(expired.token).digest("hex")}`,
    );
    const hash = await hashOf(email);
    const before = await counts();
    for (const path of [expired.path, `/reset-password/${"B".repeat(43)}`, "/reset-password/not-a-token", `/reset-password/${expired.token}x`]) {
      expect(await valid(path), path).toBe(false);
      const response = await reset(path, "teacher-new-password-1");
      expect(response.status, path).toBe(410);
      expect(await errorsOf(response), path).toEqual({ "": ["重设链接无效或已过期，请重新申请。"] });
    }
    expect(await counts()).toEqual(before);
    expect(await hashOf(email)).toBe(hash);
    expect(await loginStatus(email, oldPassword)).toBe(302);
  });

  it("keeps the link usable after a refused submission (mismatch, too short), then uses it", async () => {
    const email = "school-admin@demo.xcert.test";
    const link = await resetLink(email);
    const before = await counts();
    const mismatch = await reset(link.path, "school-new-password-1", "school-new-password-2");
    expect(mismatch.status).toBe(400);
    expect(await errorsOf(mismatch)).toEqual({ confirm: ["两次输入的密码不一致。"] });
    const short = await reset(link.path, "short", "short", app.client({ locale: "en" }));
    expect(short.status).toBe(400);
    expect((await errorsOf(short)).password).toEqual(["Enter at least 10 characters."]);
    // Passwords never come back in the answer.
    expect(await (await reset(link.path, "school-new-password-1", "different-password-9")).text()).not.toContain("school-new-password-1");
    expect(await counts()).toEqual(before);
    expect(await valid(link.path)).toBe(true);
    expect((await app.client().post(link.path, { password: "school-new-password-1", confirm: "school-new-password-1" })).status).toBe(302);
    expect(await loginStatus(email, "school-new-password-1")).toBe(302);
  });

  it("uses a link submitted twice at the same moment once: one new password, one refusal", async () => {
    const email = "committee@demo.xcert.test";
    const link = await resetLink(email);
    const responses = await Promise.all([reset(link.path, "committee-first-pw-1"), reset(link.path, "committee-second-pw-2")]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([204, 410]);
    const winner = responses[0].status === 204 ? "committee-first-pw-1" : "committee-second-pw-2";
    const loser = winner === "committee-first-pw-1" ? "committee-second-pw-2" : "committee-first-pw-1";
    expect(await loginStatus(email, loser)).toBe(401);
    expect(await loginStatus(email, winner)).toBe(302);
    const [user] = await db().rows<{ id: string }>(sql`select id from users where email = ${email}`);
    expect(await db().count("account_audit_log", sql`action = 'password_reset.completed' and user_id = ${user.id}`)).toBe(1);
  });

  it("keeps only the newest link alive, and none once the password has changed (F18)", async () => {
    const email = "org-editor@demo.xcert.test";
    const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
    const first = await resetLink(email);
    const second = await resetLink(email);
    expect(second.token).not.toBe(first.token);
    expect(await valid(first.path)).toBe(false);
    expect((await reset(first.path, "editor-new-password-1")).status).toBe(410);
    expect(await valid(second.path)).toBe(true);

    // A link issued alongside the one used (two requests racing) ends with the reset as well.
    const [user] = await db().rows<{ id: string }>(sql`select id from users where email = ${email}`);
    const racing = randomBytes(32).toString("base64url");
    await db().rows(sql`insert into password_resets (token_hash, user_id, expires_at) values (${sha256(racing)}, ${user.id}, now() + interval '1 hour')`);
    expect(await valid(`/reset-password/${racing}`)).toBe(true);
    expect((await app.client().post(second.path, { password: "editor-new-password-1", confirm: "editor-new-password-1" })).status).toBe(302);
    for (const path of [first.path, second.path, `/reset-password/${racing}`]) expect(await valid(path), path).toBe(false);
    expect(await db().count("password_resets", sql`user_id = ${user.id} and used_at is null`)).toBe(0);
    expect(await loginStatus(email, "editor-new-password-1")).toBe(302);
  });
});
