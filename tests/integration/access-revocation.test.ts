import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { startGatedApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { password, signUpOrganization } from "../support/demo";
import { type ImportGate } from "../support/import-gate";

// Issue 14 item 5 (F7): access can be revoked. Managers remove members and change roles (never above
// their own, never the last owner or manager), withdraw invitations (the link answers 410), end a
// member's sessions; users list and end their own sessions; sessions end after inactivity. Through
// real HTTP on the built server, and the database walls probed as the app role with raw SQL.

const membersRoute = "routes/w.$slug.members";
const sessionsRoute = "routes/account.sessions";
const linkPattern = /\/join\/([a-z0-9-]+)\/([A-Za-z0-9_-]{43})/;

describe("revoking access", () => {
  let app: TestApp;
  let gate: ImportGate;
  const db = () => owner(app.database);
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  // The cookie holds the token as Remix serialises it (base64 of its JSON); the database its sha256.
  const hashOf = (client: HttpClient) => {
    const token = JSON.parse(Buffer.from(decodeURIComponent(client.cookies.get("xcert_session")!), "base64").toString("utf8")) as string;
    return createHash("sha256").update(token).digest("hex");
  };
  const membershipOf = async (slug: string, email: string) =>
    (
      await db().rows<{ id: string; role: string; user_id: string; tenant_id: string }>(
        sql`select m.id, m.role, m.user_id, m.tenant_id from memberships m join users u on u.id = m.user_id join tenants t on t.id = m.tenant_id
          where t.slug = ${slug} and u.email = ${email}`,
      )
    )[0];
  const manage = (client: HttpClient, slug: string, form: Record<string, string | undefined>) =>
    client.action(`/w/${slug}/members?do=member`, membersRoute, form);
  const signedInTo = async (client: HttpClient, path: string) => (await client.get(path)).status;
  const login = async (email: string, ip?: string) => {
    const client = app.client({ ip });
    await client.login(email);
    return client;
  };

  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ app, gate, close } = await startGatedApp());
  });
  afterAll(() => close?.());

  it("removes a member: their next request is 404 and their open import progress stream ends", async () => {
    const admin = await login("org-admin@demo.xcert.test");
    const editor = await login("org-editor@demo.xcert.test");
    expect(await signedInTo(editor, "/w/demo-ai/questions")).toBe(200);

    // The editor starts an import; the gate holds its runner, so the progress stream stays open.
    const [certificate] = await db().rows<{ id: string }>(
      sql`select c.id from certificates c join tenants t on t.id = c.tenant_id where t.slug = 'demo-ai' order by c.created_at limit 1`,
    );
    const cells = (i: number): Record<string, string> => ({
      type: "单选题",
      stem: `撤销测试 ${i}：下列哪项属于监督学习？`,
      optionA: "聚类",
      optionB: "分类",
      answer: "B",
      difficulty: "3",
      level: "中级",
      pool: "练习",
      visibility: "仅本机构",
    });
    const rows = [questionColumns.map((c) => c.zh), ...Array.from({ length: 1200 }, (_, i) => questionColumns.map((c) => cells(i)[c.key] ?? ""))];
    const upload = new FormData();
    upload.append("certificateId", certificate.id);
    upload.append("file", new Blob([`\uFEFF${rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`]), "撤销.csv");
    const started = await editor.post("/w/demo-ai/questions/import", upload);
    expect(started.status, await started.clone().text()).toBe(302);
    const jobId = started.headers.get("location")!.split("/").at(-1)!;
    const paused = await gate.next(jobId);

    const stream = await editor.get(`/w/demo-ai/questions/import/${jobId}/events`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/event: progress/);

    const member = await membershipOf("demo-ai", "org-editor@demo.xcert.test");
    const removed = await manage(admin, "demo-ai", { intent: "remove", membershipId: member.id });
    expect(removed.status, await removed.clone().text()).toBe(200);
    expect(await membershipOf("demo-ai", "org-editor@demo.xcert.test")).toBeUndefined();

    // The stream ends by itself (it re-checks the membership as it polls).
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(await signedInTo(editor, "/w/demo-ai/questions")).toBe(404);
    expect(await signedInTo(editor, "/w/demo-ai")).toBe(404);
    const [entry] = await db().rows<{ actor_role: string; before: { role: string } }>(
      sql`select actor_role, before from audit_log where action = 'membership.remove' and entity_id = ${member.id}`,
    );
    expect(entry).toMatchObject({ actor_role: "admin", before: { role: "editor" } });

    await paused.release();
    await gate.passAll(jobId).stop();
  });

  it("changes roles, never above the manager's own and never leaving no owner; the database agrees", async () => {
    const owner1 = app.client();
    const { slug } = await signUpOrganization(owner1, { slug: "revoke", name: "撤销", code: "REVOKE-1" });
    const [tenant] = await db().rows<{ id: string }>(sql`select id from tenants where slug = ${slug}`);
    const ownerEmail = `${slug}@example.test`;
    // Two colleagues joined by the system scope (as an accepted invitation would add them).
    const [a, b] = await db().rows<{ id: string }>(
      sql`select id from users where email in ('org-finance@demo.xcert.test', 'org2-admin@demo.xcert.test') order by email`,
    );
    await app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      await tx.execute(sql`insert into memberships (tenant_id, user_id, role) values (${tenant.id}, ${a.id}, 'admin'), (${tenant.id}, ${b.id}, 'viewer')`);
    });
    const adminMember = await membershipOf(slug, "org-finance@demo.xcert.test");
    const viewerMember = await membershipOf(slug, "org2-admin@demo.xcert.test");
    const ownerMember = await membershipOf(slug, ownerEmail);
    const admin = await login("org-finance@demo.xcert.test");

    // The admin: viewer → editor is fine; → owner is above them; the owner is not theirs to touch.
    expect((await manage(admin, slug, { intent: "role", membershipId: viewerMember.id, role: "editor" })).status).toBe(200);
    expect((await membershipOf(slug, "org2-admin@demo.xcert.test")).role).toBe("editor");
    const tooHigh = await manage(admin, slug, { intent: "role", membershipId: viewerMember.id, role: "owner" });
    expect(tooHigh.status).toBe(400);
    expect((await errorsOf(tooHigh)).role).toEqual(["您不能授予此角色。"]);
    const aboveMe = await manage(admin, slug, { intent: "remove", membershipId: ownerMember.id });
    expect(aboveMe.status).toBe(403);
    expect(await errorsOf(aboveMe)).toEqual({ "": ["您不能管理角色高于您的成员。"] });
    expect((await manage(admin, slug, { intent: "end-sessions", membershipId: ownerMember.id })).status).toBe(403);

    // The owner cannot step down while the only owner; making another owner first, they can.
    const last = await owner1.action(`/w/${slug}/members?do=member`, membersRoute, { intent: "role", membershipId: ownerMember.id, role: "admin" });
    expect(last.status).toBe(400);
    expect(await errorsOf(last)).toEqual({ "": ["工作区至少要保留一名所有者。请先将其他成员设为所有者。"] });
    expect((await manage(owner1, slug, { intent: "role", membershipId: adminMember.id, role: "owner" })).status).toBe(200);
    expect((await manage(owner1, slug, { intent: "role", membershipId: ownerMember.id, role: "admin" })).status).toBe(200);
    expect((await membershipOf(slug, ownerEmail)).role).toBe("admin");
    const [change] = await db().rows<{ before: unknown; after: unknown }>(
      sql`select before, after from audit_log where action = 'membership.role_change' and entity_id = ${ownerMember.id}`,
    );
    expect(change).toEqual({ before: { role: "owner" }, after: { role: "admin" } });

    // The database holds it as the app role whatever the code does: the last owner cannot go.
    const newOwner = await membershipOf(slug, "org-finance@demo.xcert.test");
    const asOwner = { tenantId: tenant.id, tenantKind: "organization", userId: newOwner.user_id, role: "owner" };
    expect(await databaseError(asApp(asOwner, (tx) => query(tx, sql`delete from memberships where id = ${newOwner.id}`)))).toMatch(/keeps its last owner/);
    expect(await databaseError(asApp(asOwner, (tx) => query(tx, sql`update memberships set role = 'viewer' where id = ${newOwner.id}`)))).toMatch(
      /keeps its last owner/,
    );
    // An admin cannot make an owner at the database either (the owner guard of migration 0022).
    const asAdmin = { tenantId: tenant.id, tenantKind: "organization", userId: ownerMember.user_id, role: "admin" };
    expect(await databaseError(asApp(asAdmin, (tx) => query(tx, sql`update memberships set role = 'owner' where id = ${viewerMember.id}`)))).toMatch(
      /only an owner/,
    );
    // Nor remove the last manager of a workspace that has no owner (demo-care: one admin).
    const careAdmin = await membershipOf("demo-care", "org2-admin@demo.xcert.test");
    const asCare = { tenantId: careAdmin.tenant_id, tenantKind: "organization", userId: careAdmin.user_id, role: "admin" };
    expect(await databaseError(asApp(asCare, (tx) => query(tx, sql`delete from memberships where id = ${careAdmin.id}`)))).toMatch(/manages members/);
    const careClient = await login("org2-admin@demo.xcert.test");
    const leave = await manage(careClient, "demo-care", { intent: "remove", membershipId: careAdmin.id });
    expect(leave.status).toBe(400);
    expect(await membershipOf("demo-care", "org2-admin@demo.xcert.test")).toBeDefined();
  });

  it("lets only managers manage: an editor's or viewer's attempt is 403 and changes nothing", async () => {
    const finance = await login("org-finance@demo.xcert.test");
    const admin = await membershipOf("demo-ai", "org-admin@demo.xcert.test");
    for (const form of [{ intent: "remove" }, { intent: "role", role: "viewer" }, { intent: "end-sessions" }]) {
      const response = await manage(finance, "demo-ai", { ...form, membershipId: admin.id });
      expect(response.status, form.intent).toBe(403);
    }
    expect((await membershipOf("demo-ai", "org-admin@demo.xcert.test")).role).toBe("admin");
  });

  it("withdraws an invitation: its link answers 410 with a page that says so, and cannot be accepted", async () => {
    const admin = await login("org-admin@demo.xcert.test");
    const invited = await admin.action("/w/demo-ai/members", membersRoute, { email: "withdrawn@example.test", role: "viewer" });
    expect(invited.status).toBe(200);
    const [mail] = await db().rows<{ text: string }>(sql`select text from email_outbox where "to" = 'withdrawn@example.test'`);
    const [, slug, token] = linkPattern.exec(mail.text)!;
    const path = `/join/${slug}/${token}`;
    expect((await app.client().get(path)).status).toBe(200);

    const page = await admin.get("/w/demo-ai/members");
    expect(await page.text()).toContain("撤回发给 withdrawn@example.test 的邀请");
    const [invitation] = await db().rows<{ id: string }>(sql`select id from invitations where email = 'withdrawn@example.test'`);
    const revoked = await admin.action("/w/demo-ai/members?do=revoke", membersRoute, { invitationId: invitation.id });
    expect(revoked.status).toBe(200);
    expect(await db().count("invitations", sql`id = ${invitation.id} and revoked_at is not null`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'invitation.revoke' and entity_id = ${invitation.id}`)).toBe(1);

    const gone = await app.client({ locale: "en" }).get(path);
    expect(gone.status).toBe(410);
    const html = await gone.text();
    expect(html).toContain("This invitation link is invalid, used or expired.");
    expect(html).toContain("Ask the person who invited you to send a new invitation.");
    const accept = await app.client().action(path, "routes/join.$slug.$token", { intent: "create", name: "Late", password: "late-but-strong-password-7" });
    expect(accept.status).toBe(410);
    expect(await db().count("users", sql`email = 'withdrawn@example.test'`)).toBe(0);
    // Twice is not found: the invitation is no longer pending.
    expect((await admin.action("/w/demo-ai/members?do=revoke", membersRoute, { invitationId: invitation.id })).status).toBe(404);
  });

  it("ends a member's sessions; the function refuses anyone but a manager of their workspace", async () => {
    const admin = await login("org-admin@demo.xcert.test");
    const finance = await login("org-finance@demo.xcert.test");
    const financeElsewhere = await login("org-finance@demo.xcert.test");
    expect(await signedInTo(finance, "/w/demo-ai/fees")).toBe(200);
    const member = await membershipOf("demo-ai", "org-finance@demo.xcert.test");
    const ended = await manage(admin, "demo-ai", { intent: "end-sessions", membershipId: member.id });
    expect(ended.status).toBe(200);
    for (const client of [finance, financeElsewhere]) {
      const response = await client.get("/w/demo-ai/fees");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login/);
    }
    expect(await signedInTo(admin, "/w/demo-ai/fees")).toBe(200);

    // As the app role: a finance member cannot end the admin's sessions; an admin cannot end those of
    // someone outside their workspace.
    const adminMember = await membershipOf("demo-ai", "org-admin@demo.xcert.test");
    const outsider = await membershipOf("demo-care", "org2-admin@demo.xcert.test");
    const scope = (role: string, userId: string) => ({ tenantId: member.tenant_id, tenantKind: "organization", userId, role });
    expect(await databaseError(asApp(scope("finance", member.user_id), (tx) => query(tx, sql`select end_member_sessions(${adminMember.user_id})`)))).toMatch(
      /only an owner or admin/,
    );
    expect(await databaseError(asApp(scope("admin", adminMember.user_id), (tx) => query(tx, sql`select end_member_sessions(${outsider.user_id})`)))).toMatch(
      /not a member/,
    );
    // Nor can anyone revoke another user's session row directly.
    const financeSessions = () => db().count("sessions", sql`user_id = ${member.user_id} and revoked_at is null`);
    await login("org-finance@demo.xcert.test");
    const open = await financeSessions();
    await asApp(scope("admin", adminMember.user_id), (tx) => query(tx, sql`update sessions set revoked_at = now() where user_id = ${member.user_id}`));
    expect(await financeSessions()).toBe(open);
  });

  it("shows users their own sessions (device, times, no addresses) and lets them end any of them", async () => {
    const here = app.client({ ip: "198.51.100.7" });
    await here.post("/login", { email: "school-teacher@demo.xcert.test", password }, { "user-agent": "Browser-Here/1.0" });
    const there = app.client({ ip: "198.51.100.8" });
    await there.post("/login", { email: "school-teacher@demo.xcert.test", password }, { "user-agent": "Phone-There/2.0" });

    const data = (await (await here.data("/account/sessions", sessionsRoute)).json()) as {
      sessions: { id: string; userAgent: string; current: boolean; lastSeenAt: string; createdAt: string }[];
    };
    const mine = data.sessions.filter((s) => /Browser-Here|Phone-There/.test(s.userAgent));
    expect(mine.map((s) => [s.userAgent, s.current]).sort()).toEqual([
      ["Browser-Here/1.0", true],
      ["Phone-There/2.0", false],
    ]);
    expect(JSON.stringify(data)).not.toMatch(/198\.51\.100|ip/i);
    const html = await (await here.get("/account/sessions")).text();
    expect(html).toContain("Phone-There/2.0");
    expect(html).toContain("当前浏览器");

    const other = mine.find((s) => !s.current)!;
    const ended = await here.action("/account/sessions", sessionsRoute, { session: other.id });
    expect(ended.status).toBe(200);
    expect((await there.get("/workspaces")).status).toBe(302);
    expect((await here.get("/workspaces")).status).toBe(200);
    expect(await db().count("account_audit_log", sql`action = 'session.end'`)).toBeGreaterThan(0);

    // Another user's session cannot be ended from here: unknown handle, 404, nothing changes.
    const stranger = await login("school-admin@demo.xcert.test");
    const strangerHandle = hashOf(stranger).slice(0, 16);
    expect((await here.action("/account/sessions", sessionsRoute, { session: strangerHandle })).status).toBe(404);
    expect((await stranger.get("/workspaces")).status).toBe(200);
    // Anonymous: to the login page.
    expect((await app.client().get("/account/sessions")).status).toBe(302);
  });

  it("ends a session idle past the window, and marks use at most every few minutes (no write per request)", async () => {
    const client = await login("committee@demo.xcert.test");
    const hash = hashOf(client);
    const lastSeen = async () => (await db().rows<{ t: string }>(sql`select last_seen_at::text as t from sessions where token_hash = ${hash}`))[0].t;

    // Used a minute ago: a request does not write.
    await db().rows(sql`update sessions set last_seen_at = now() - interval '1 minute' where token_hash = ${hash}`);
    const marked = await lastSeen();
    expect((await client.get("/workspaces")).status).toBe(200);
    expect(await lastSeen()).toBe(marked);
    // Six minutes ago: the request moves the mark.
    await db().rows(sql`update sessions set last_seen_at = now() - interval '6 minutes' where token_hash = ${hash}`);
    const old = await lastSeen();
    expect((await client.get("/workspaces")).status).toBe(200);
    expect(await lastSeen()).not.toBe(old);
    // Idle 12 hours and a minute (the default window): over, though its 30 days are not.
    await db().rows(sql`update sessions set last_seen_at = now() - interval '12 hours 1 minute' where token_hash = ${hash}`);
    const response = await client.get("/workspaces");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });
});
