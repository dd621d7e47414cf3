import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails } from "../../app/modules/email/worker.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { password } from "../support/demo";
import { startResendDouble, type ResendDouble } from "../support/resend-double";

// Invitations end to end: an admin invites by email, the email goes through the outbox and the worker
// (to a local double of Resend's API), the invitee follows the link, creates an account or joins with
// the one they have, and lands in the workspace with the invited role. Links are single use.

const linkPattern = /https?:\/\/[^\s"<>]+\/join\/([a-z0-9-]+)\/([A-Za-z0-9_-]{43})/;
const watched = ["users", "memberships", "invitations", "sessions", "email_outbox", "audit_log", "account_audit_log"] as const;

interface Mail {
  id: string;
  template: string;
  locale: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  status: string;
  meta: { tenantId?: string; invitationId?: string } | null;
}

describe("invitations", () => {
  let app: TestApp;
  let resend: ResendDouble;
  let admin: HttpClient;
  const db = () => owner(app.database);
  const counts = async () => Object.fromEntries(await Promise.all(watched.map(async (t) => [t, await db().count(t)] as const)));
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const mailTo = async (to: string) => {
    const rows = await db().rows<Mail>(
      sql`select id, template, locale, "to", subject, html, text, status, meta from email_outbox where "to" = ${to} order by created_at desc`,
    );
    expect(rows.length, `a mail to ${to}`).toBeGreaterThan(0);
    return rows[0];
  };
  const linkIn = (text: string) => {
    const match = linkPattern.exec(text);
    if (!match) throw new Error(`no invitation link in: ${text}`);
    return { url: match[0], slug: match[1], token: match[2], path: `/join/${match[1]}/${match[2]}` };
  };
  const invite = async (client: HttpClient, slug: string, email: string, role: string) => {
    const response = await client.action(`/w/${slug}/members`, "routes/w.$slug.members", { email, role });
    expect(response.status, `invite ${email} as ${role}`).toBe(200);
    expect((await response.json()).invited).toBe(email.trim().toLowerCase());
    return linkIn((await mailTo(email.trim().toLowerCase())).text);
  };
  const join = (client: HttpClient, path: string, form: Record<string, string>) => client.action(path, "routes/join.$slug.$token", form);
  const invitationPage = async (client: HttpClient, path: string) =>
    (await (await client.data(path, "routes/join.$slug.$token")).json()) as {
      invitation: { email: string; role: string; tenantName: string; tenantNameEn: string | null } | null;
      signedInAs?: string | null;
      accountExists?: boolean;
    };

  beforeAll(async () => {
    resend = await startResendDouble();
    process.env.RESEND_API_KEY = "re_invitation_test";
    process.env.RESEND_BASE_URL = resend.url;
    app = await startApp();
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
  });
  afterAll(async () => {
    await app.close();
    await resend.close();
  });

  it("queues a zh-CN invitation email with a single-use link in the transaction of the invitation", async () => {
    const before = await counts();
    const response = await admin.action("/w/demo-ai/members", "routes/w.$slug.members", { email: "  New.Colleague@Example.TEST ", role: "editor" });
    expect(response.status).toBe(200);
    expect((await response.json()).invited).toBe("new.colleague@example.test");

    const mail = await mailTo("new.colleague@example.test");
    expect(mail).toMatchObject({ template: "invitation", locale: "zh-CN", status: "pending" });
    expect(mail.subject).toBe("邀请您加入 上海智训人工智能科技有限公司");
    expect(mail.text).toContain("王敏 邀请您以“编辑”身份加入 上海智训人工智能科技有限公司 的 XCert 工作区。");
    expect(mail.text).toContain("链接有效期至");
    expect(mail.html).toContain('lang="zh-CN"');
    const link = linkIn(mail.text);
    expect(link.slug).toBe("demo-ai");
    expect(mail.html).toContain(`href="${link.url}"`);

    // The database keeps only the token's hash, and the audit entry not even that.
    const [invitation] = await db().rows<{ id: string; email: string; role: string; token_hash: string; expires_at: Date; accepted_at: Date | null }>(
      sql`select id, email, role, token_hash, expires_at, accepted_at from invitations where email = 'new.colleague@example.test'`,
    );
    expect(invitation).toMatchObject({ role: "editor", accepted_at: null, token_hash: createHash("sha256").update(link.token).digest("hex") });
    expect(await db().count("invitations", sql`token_hash = ${link.token}`)).toBe(0);
    const days = (new Date(invitation.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect(mail.meta?.invitationId).toBe(invitation.id);
    const [entry] = await db().rows<{ actor_role: string; after: Record<string, unknown> }>(
      sql`select actor_role, after from audit_log where action = 'invitation.create' and entity_id = ${invitation.id}`,
    );
    expect(entry.actor_role).toBe("admin");
    expect(entry.after).toMatchObject({ email: "new.colleague@example.test", role: "editor" });
    expect(JSON.stringify(entry.after)).not.toContain(invitation.token_hash);

    const after = await counts();
    expect(after.invitations).toBe(before.invitations + 1);
    expect(after.email_outbox).toBe(before.email_outbox + 1);
    expect(after.audit_log).toBe(before.audit_log + 1);

    // The admin sees it among the pending invitations.
    const members = (await (await admin.data("/w/demo-ai/members", "routes/w.$slug.members")).json()) as { invitations: { email: string; role: string }[] };
    expect(members.invitations).toContainEqual(expect.objectContaining({ email: "new.colleague@example.test", role: "editor" }));
  });

  it("writes the invitation in English when the inviter uses English", async () => {
    const english = app.client({ locale: "en" });
    await english.login("org-admin@demo.xcert.test");
    const link = await invite(english, "demo-ai", "english.colleague@example.test", "viewer");
    const mail = await mailTo("english.colleague@example.test");
    expect(mail.locale).toBe("en");
    expect(mail.subject).toBe("You are invited to join Shanghai Zhixun AI Technology Co., Ltd.");
    expect(mail.text).toContain("王敏 invites you to join the XCert workspace of Shanghai Zhixun AI Technology Co., Ltd. as Viewer.");
    expect(mail.text).toContain("The link works until");
    expect(mail.html).toContain('lang="en"');
    expect(link.slug).toBe("demo-ai");
  });

  it("delivers the invitation through the worker, and the invitee creates an account and joins with the invited role", async () => {
    const outboxRow = await mailTo("new.colleague@example.test");
    const result = await deliverDueEmails();
    expect(result.failed).toBe(0);
    expect(result.sent).toBeGreaterThanOrEqual(2);
    const delivered = resend.delivered.get(`outbox-${outboxRow.id}`);
    expect(delivered?.to).toEqual(["new.colleague@example.test"]);
    expect(delivered?.subject).toBe("邀请您加入 上海智训人工智能科技有限公司");
    expect((await mailTo("new.colleague@example.test")).status).toBe("sent");
    // The invitee follows the link in the email they received.
    const link = linkIn(delivered!.text);

    const invitee = app.client();
    const page = await invitee.get(link.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("new.colleague@example.test");
    expect(html).toContain("创建账号并加入");
    expect(html).toContain('name="referrer" content="no-referrer"');
    expect(await invitationPage(invitee, link.path)).toEqual({
      invitation: {
        email: "new.colleague@example.test",
        role: "editor",
        tenantName: "上海智训人工智能科技有限公司",
        tenantNameEn: "Shanghai Zhixun AI Technology Co., Ltd.",
      },
      signedInAs: null,
      accountExists: false,
    });

    const response = await invitee.post(link.path, { intent: "create", name: "  新同事  ", password: "new-colleague-pw-1" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/w/demo-ai");
    expect(response.headers.getSetCookie().some((line) => /xcert_session=[^;]+;.*HttpOnly/i.test(line))).toBe(true);

    const [user] = await db().rows<{ id: string; name: string; email: string; password_hash: string }>(
      sql`select id, name, email, password_hash from users where email = 'new.colleague@example.test'`,
    );
    expect(user.name).toBe("新同事");
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const [tenant] = await db().rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
    const memberships = await db().rows<{ role: string }>(sql`select role from memberships where user_id = ${user.id}`);
    expect(memberships).toEqual([{ role: "editor" }]);
    const [invitation] = await db().rows<{ id: string; accepted_at: Date | null }>(
      sql`select id, accepted_at from invitations where email = 'new.colleague@example.test'`,
    );
    expect(invitation.accepted_at).not.toBeNull();
    const actions = await db().rows<{ action: string; actor_user_id: string }>(
      sql`select action, actor_user_id from audit_log where tenant_id = ${tenant.id} and actor_user_id = ${user.id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["invitation.accept", "membership.create"]);
    expect(await db().count("account_audit_log", sql`user_id = ${user.id} and action = 'user.sign_up'`)).toBe(1);

    // Signed in, inside the workspace with the invited role; the admin sees the new member.
    const workspace = (await (await invitee.data("/w/demo-ai", "routes/w.$slug")).json()) as { role: string; permissions: string[] };
    expect(workspace.role).toBe("editor");
    expect(workspace.permissions).not.toContain("members:invite");
    const members = (await (await admin.data("/w/demo-ai/members", "routes/w.$slug.members")).json()) as {
      members: { email: string; role: string }[];
      invitations: { email: string }[];
    };
    expect(members.members).toContainEqual(expect.objectContaining({ email: "new.colleague@example.test", role: "editor" }));
    expect(members.invitations.map((i) => i.email)).not.toContain("new.colleague@example.test");
    // And can log in again later with the password chosen.
    expect((await app.client().post("/login", { email: "new.colleague@example.test", password: "new-colleague-pw-1" })).status).toBe(302);
  });

  it("does not accept a link twice", async () => {
    // The sent email as the invitee received it: the outbox no longer holds its link (decision 021).
    const sent = await mailTo("new.colleague@example.test");
    expect(sent.text).not.toMatch(linkPattern);
    const link = linkIn(resend.delivered.get(`outbox-${sent.id}`)!.text);
    const before = await counts();
    const again = await join(app.client(), link.path, { intent: "create", name: "Second", password: "second-password-1" });
    expect(again.status).toBe(410);
    expect(await errorsOf(again)).toEqual({ "": ["邀请链接无效、已使用或已过期。"] });
    const en = await join(app.client({ locale: "en" }), link.path, { intent: "create", name: "Second", password: "second-password-1" });
    expect(await errorsOf(en)).toEqual({ "": ["This invitation link is invalid, used or expired."] });
    // Not even by the invitee who used it.
    const invitee = app.client();
    await invitee.login("new.colleague@example.test", "new-colleague-pw-1");
    const afterLogin = await counts();
    expect((await join(invitee, link.path, { intent: "join" })).status).toBe(410);
    expect(await invitationPage(app.client(), link.path)).toEqual({ invitation: null });
    // The page says so, answered 410 Gone (issue 14 item 5).
    const page = await app.client().get(link.path);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("邀请链接无效、已使用或已过期。");
    expect(await counts()).toEqual(afterLogin);
    expect(afterLogin.users).toBe(before.users);
    expect(afterLogin.memberships).toBe(before.memberships);
  });

  it("accepts a link submitted twice at the same moment once: one account, one refusal, never a 500", async () => {
    const link = await invite(admin, "demo-ai", "double.click@example.test", "viewer");
    const responses = await Promise.all(
      [1, 2].map((i) => join(app.client(), link.path, { intent: "create", name: `Double ${i}`, password: "double-click-pw-1" })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses[0]).toBe(204);
    expect([400, 410]).toContain(statuses[1]);
    expect(await db().count("users", sql`email = 'double.click@example.test'`)).toBe(1);
    expect(await db().count("memberships", sql`user_id = (select id from users where email = 'double.click@example.test')`)).toBe(1);
  });

  it("refuses an expired, revoked, unknown or misplaced link with 410", async () => {
    const expired = await invite(admin, "demo-ai", "late@example.test", "viewer");
    await db().rows(sql`update invitations set expires_at = now() - interval '1 minute' where email = 'late@example.test'`);
    const revoked = await invite(admin, "demo-ai", "revoked@example.test", "viewer");
    await db().rows(sql`update invitations set revoked_at = now() where email = 'revoked@example.test'`);
    const open = await invite(admin, "demo-ai", "misplaced@example.test", "viewer");

    const before = await counts();
    const paths = [
      expired.path,
      revoked.path,
      `/join/demo-ai/${"A".repeat(43)}`,
      "/join/demo-ai/short",
      `/join/no-such-workspace/${open.token}`,
      // A real token of demo-ai presented under another workspace's address.
      `/join/demo-care/${open.token}`,
    ];
    for (const path of paths) {
      const response = await join(app.client(), path, { intent: "create", name: "Late", password: "late-password-1" });
      expect(response.status, path).toBe(410);
      expect(await errorsOf(response), path).toEqual({ "": ["邀请链接无效、已使用或已过期。"] });
      expect(await invitationPage(app.client(), path), path).toEqual({ invitation: null });
    }
    expect(await counts()).toEqual(before);
    // The open invitation is still good at its own address.
    expect((await invitationPage(app.client(), open.path)).invitation?.email).toBe("misplaced@example.test");
  });

  it("lets an existing account join only when signed in as the invited address", async () => {
    const link = await invite(admin, "demo-ai", "school-admin@demo.xcert.test", "viewer");
    const anonymous = app.client();
    expect(await invitationPage(anonymous, link.path)).toMatchObject({ accountExists: true, signedInAs: null });
    expect(await (await anonymous.get(link.path)).text()).toContain("该邮箱已有账号，请先登录后接受邀请。");

    const before = await counts();
    // Creating a second account for the address is refused.
    const create = await join(anonymous, link.path, { intent: "create", name: "Impostor", password: "impostor-password" });
    expect(create.status).toBe(400);
    expect(await errorsOf(create)).toEqual({ "": ["该邮箱已有账号，请先登录后接受邀请。"] });
    // Joining needs a session of the invited address.
    const signedOut = await join(anonymous, link.path, { intent: "join" });
    expect(signedOut.status).toBe(403);
    expect(await errorsOf(signedOut)).toEqual({ "": ["此邀请发给了另一个邮箱，请使用受邀邮箱登录。"] });
    const other = app.client();
    await other.login("org2-admin@demo.xcert.test");
    const beforeOther = await counts();
    expect((await join(other, link.path, { intent: "join" })).status).toBe(403);
    expect(await counts()).toEqual(beforeOther);
    expect(beforeOther.memberships).toBe(before.memberships);

    // Signed in as the invited address: one click.
    const invitee = app.client();
    const login = await invitee.post("/login", { email: "school-admin@demo.xcert.test", password, redirectTo: link.path });
    expect(login.headers.get("location")).toBe(link.path);
    expect(await invitationPage(invitee, link.path)).toMatchObject({ signedInAs: "school-admin@demo.xcert.test", accountExists: true });
    const accepted = await invitee.post(link.path, { intent: "join" });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/w/demo-ai");
    const roles = await db().rows<{ slug: string; role: string }>(sql`
      select t.slug, m.role from memberships m join tenants t on t.id = m.tenant_id join users u on u.id = m.user_id
      where u.email = 'school-admin@demo.xcert.test' order by t.slug`);
    expect(roles).toEqual([
      { slug: "demo-ai", role: "viewer" },
      { slug: "demo-school", role: "admin" },
    ]);
    // Now in two workspaces, and switches between them by their addresses.
    const workspaces = (await (await invitee.data("/workspaces", "routes/workspaces")).json()) as { tenants: { slug: string; role: string }[] };
    expect(workspaces.tenants.map((t) => `${t.slug}:${t.role}`).sort()).toEqual(["demo-ai:viewer", "demo-school:admin"]);
    expect((await invitee.get("/w/demo-ai")).status).toBe(200);
    expect((await invitee.get("/w/demo-school")).status).toBe(200);
    expect((await join(invitee, link.path, { intent: "join" })).status).toBe(410);
  });

  it("lets only those who may invite send invitations: editors, finance, viewers and teachers get 403", async () => {
    const before = await counts();
    const cases: [string, string, string][] = [
      ["org-editor@demo.xcert.test", "demo-ai", "viewer"],
      ["org-finance@demo.xcert.test", "demo-ai", "viewer"],
      ["school-teacher@demo.xcert.test", "demo-school", "teacher"],
    ];
    for (const [email, slug, role] of cases) {
      const client = app.client();
      await client.login(email);
      const afterLogin = await counts();
      const response = await client.post(`/w/${slug}/members`, { email: "someone@example.test", role });
      expect(response.status, email).toBe(403);
      const data = await client.action(`/w/${slug}/members`, "routes/w.$slug.members", { email: "someone@example.test", role });
      expect(data.status, email).toBe(403);
      expect(await counts(), email).toEqual(afterLogin);
    }
    // Not a member at all: the workspace does not exist for them. Signed out: to the login page.
    const stranger = app.client();
    await stranger.login("org2-admin@demo.xcert.test");
    expect((await stranger.post("/w/demo-ai/members", { email: "someone@example.test", role: "viewer" })).status).toBe(404);
    const signedOut = await app.client().post("/w/demo-ai/members", { email: "someone@example.test", role: "viewer" });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/w/demo-ai/members")}`);
    expect(await db().count("invitations", sql`email = 'someone@example.test'`)).toBe(0);
    expect(await db().count("email_outbox", sql`"to" = 'someone@example.test'`)).toBe(0);
    expect((await counts()).invitations).toBe(before.invitations);
  });

  it("never lets an admin hand out owner, a role of another kind of tenant, or invite a member twice", async () => {
    const before = await counts();
    const owner = await admin.action("/w/demo-ai/members", "routes/w.$slug.members", { email: "would-be-owner@example.test", role: "owner" });
    expect(owner.status).toBe(400);
    // owner is not even among the roles an invitation may carry.
    expect(await errorsOf(owner)).toEqual({ role: ["请从列表中选择。"] });
    const english = app.client({ locale: "en" });
    await english.login("org2-admin@demo.xcert.test");
    const afterLogin = await counts();
    const ownerEn = await english.action("/w/demo-care/members", "routes/w.$slug.members", { email: "would-be-owner@example.test", role: "owner" });
    expect(ownerEn.status).toBe(400);
    expect(await errorsOf(ownerEn)).toEqual({ role: ["Choose one of the options."] });
    const teacherEn = await english.action("/w/demo-care/members", "routes/w.$slug.members", { email: "other-kind@example.test", role: "teacher" });
    expect(await errorsOf(teacherEn)).toEqual({ role: ["You cannot grant this role."] });
    for (const role of ["teacher", "member"]) {
      const response = await admin.action("/w/demo-ai/members", "routes/w.$slug.members", { email: "other-kind@example.test", role });
      expect(response.status, role).toBe(400);
      expect(await errorsOf(response), role).toEqual({ role: ["您不能授予此角色。"] });
    }
    const twice = await admin.action("/w/demo-ai/members", "routes/w.$slug.members", { email: "ORG-EDITOR@demo.xcert.test", role: "viewer" });
    expect(twice.status).toBe(400);
    expect(await errorsOf(twice)).toEqual({ email: ["该用户已是此工作区的成员。"] });
    expect((await counts()).invitations).toBe(before.invitations);
    expect(await counts()).toEqual(afterLogin);
    // The roles the admin is offered match: everything below owner.
    const members = (await (await admin.data("/w/demo-ai/members", "routes/w.$slug.members")).json()) as { invitableRoles: string[] };
    expect(members.invitableRoles).toEqual(["admin", "editor", "finance", "viewer"]);
  });

  it("works for a school: its admin invites a teacher, who joins as teacher", async () => {
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    const members = (await (await school.data("/w/demo-school/members", "routes/w.$slug.members")).json()) as { invitableRoles: string[] };
    expect(members.invitableRoles).toEqual(["admin", "teacher"]);
    const link = await invite(school, "demo-school", "new.teacher@school.example", "teacher");
    expect((await mailTo("new.teacher@school.example")).text).toContain("周航 邀请您以“教师”身份加入 上海城市职业技术学院 的 XCert 工作区。");
    const teacher = app.client();
    expect((await teacher.post(link.path, { intent: "create", name: "新教师", password: "new-teacher-pw-1" })).status).toBe(302);
    const workspace = (await (await teacher.data("/w/demo-school", "routes/w.$slug")).json()) as { role: string; tenant: { kind: string } };
    expect(workspace).toMatchObject({ role: "teacher", tenant: { kind: "school" } });
  });
});
