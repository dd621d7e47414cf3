import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails, maxAttempts } from "../../app/modules/email/worker.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { startResendDouble, type ResendDouble } from "../support/resend-double";

// The outbox and its worker against a local double of Resend's API, driven by the real Resend SDK.
describe("email outbox", () => {
  let app: TestApp;
  let resend: ResendDouble;
  let admin: HttpClient;
  const outbox = () =>
    owner(app.database).rows<{
      id: string;
      to: string;
      status: string;
      attempts: number;
      provider_id: string | null;
      subject: string;
      last_error: string | null;
    }>(sql`select id, "to", status, attempts, provider_id, subject, last_error from email_outbox order by created_at, id`);
  const makeDue = () => owner(app.database).rows(sql`update email_outbox set next_attempt_at = now() where status = 'pending'`);
  let invited = 0;
  const invite = async () => {
    invited++;
    const response = await admin.post("/w/demo-ai/members", { email: `colleague${invited}@example.test`, role: "viewer" });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    resend = await startResendDouble();
    process.env.RESEND_API_KEY = "re_test_key";
    process.env.RESEND_BASE_URL = resend.url;
    process.env.EMAIL_SEND_TIMEOUT_MS = "500";
    app = await startApp();
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
  });
  afterAll(async () => {
    await app.close();
    await resend.close();
  });

  it("queues the email in the transaction of the change, rendered in the actor's language", async () => {
    await invite();
    const [row] = await outbox();
    expect(row).toMatchObject({ to: "colleague1@example.test", status: "pending", attempts: 0 });
    expect(row.subject).toBe("邀请您加入 上海智训人工智能科技有限公司");
    const en = app.client({ locale: "en" });
    await en.login("org-admin@demo.xcert.test");
    expect((await en.post("/w/demo-ai/members", { email: "english@example.test", role: "viewer" })).status).toBe(200);
    const english = (await outbox()).find((m) => m.to === "english@example.test")!;
    expect(english.subject).toBe("You are invited to join Shanghai Zhixun AI Technology Co., Ltd.");
  });

  it("writes no email when the change is rejected", async () => {
    const before = (await outbox()).length;
    const response = await admin.post("/w/demo-ai/members", { email: "org-editor@demo.xcert.test", role: "viewer" });
    expect(response.status).toBe(400);
    expect((await outbox()).length).toBe(before);
  });

  it("retries with backoff after errors and timeouts, then delivers every email exactly once", async () => {
    await invite();
    resend.failNext(2, "error");
    let result = await deliverDueEmails();
    expect(result.failed).toBeGreaterThanOrEqual(1);
    let rows = await outbox();
    const failedRow = rows.find((m) => m.attempts === 1 && m.status === "pending")!;
    expect(failedRow.last_error).toContain("boom");
    // Not due again before its backoff.
    const retried = await deliverDueEmails();
    expect(retried.sent + retried.failed).toBe(0);

    await makeDue();
    resend.failNext(1, "hang");
    result = await deliverDueEmails();
    expect(result.failed).toBe(1);
    expect((await outbox()).some((m) => m.last_error?.includes("timed out"))).toBe(true);

    await makeDue();
    await deliverDueEmails();
    rows = await outbox();
    expect(rows.every((m) => m.status === "sent")).toBe(true);
    expect(resend.delivered.size).toBe(rows.length);
    for (const row of rows) {
      const sent = resend.delivered.get(`outbox-${row.id}`);
      expect(sent?.to).toEqual([row.to]);
      expect(row.provider_id).toBe(sent?.id);
    }
  });

  it("sends once when the provider's answer is lost and the worker retries", async () => {
    await invite();
    const before = resend.delivered.size;
    resend.failNext(1, "lose-answer");
    expect((await deliverDueEmails()).failed).toBe(1);
    await makeDue();
    expect((await deliverDueEmails()).sent).toBe(1);
    expect(resend.delivered.size).toBe(before + 1);
  });

  it("lets several workers run at once without sending anything twice", async () => {
    for (let i = 0; i < 6; i++) await invite();
    const requestsBefore = resend.requests;
    const before = resend.delivered.size;
    const results = await Promise.all([deliverDueEmails({ batch: 4 }), deliverDueEmails({ batch: 4 }), deliverDueEmails({ batch: 4 })]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(6);
    expect(resend.delivered.size).toBe(before + 6);
    expect(resend.requests - requestsBefore).toBe(6);
    expect((await outbox()).every((m) => m.status === "sent")).toBe(true);
  });

  it("gives up after the last attempt and marks the email failed", async () => {
    await invite();
    resend.failNext(maxAttempts, "error");
    for (let i = 0; i < maxAttempts; i++) {
      await makeDue();
      await deliverDueEmails();
    }
    const last = (await outbox()).at(-1)!;
    expect(last).toMatchObject({ status: "failed", attempts: maxAttempts });
    await makeDue();
    expect((await deliverDueEmails()).sent).toBe(0);
  });

  it("keeps no reset or invitation token once the message has left, sent or given up (F5)", async () => {
    const tokenPattern = /\/(?:reset-password|join\/[a-z0-9-]+)\/([A-Za-z0-9_-]{43})/;
    expect((await app.client().post("/forgot-password", { email: "org-editor@demo.xcert.test" })).status).toBe(200);
    await invite();
    // Until it is sent the message is whole: /dev/mail (demo mode, no provider) shows the link from here.
    const queued = await owner(app.database).rows<{ id: string; template: string; text: string; html: string }>(
      sql`select id, template, text, html from email_outbox where "to" in ('org-editor@demo.xcert.test', ${`colleague${invited}@example.test`}) order by template`,
    );
    expect(queued.map((m) => m.template)).toEqual(["invitation", "password-reset"]);
    const links = queued.map((m) => {
      const match = tokenPattern.exec(m.text);
      expect(match, m.template).not.toBeNull();
      expect(m.html).toContain(match![0]);
      return { id: m.id, path: match![0], token: match![1] };
    });

    await makeDue();
    expect((await deliverDueEmails()).failed).toBe(0);
    for (const link of links) expect(resend.delivered.get(`outbox-${link.id}`)?.text).toContain(link.token);
    // Raw SQL as the owner: no row keeps a token, neither these two nor the invitation given up on above.
    expect(await owner(app.database).count("email_outbox", sql`status = 'pending'`)).toBe(0);
    const pattern = "/(reset-password|join/[a-z0-9-]+)/[A-Za-z0-9_-]{43}";
    expect(await owner(app.database).count("email_outbox", sql`html ~ ${pattern} or text ~ ${pattern} or coalesce(meta::text, '') ~ ${pattern}`)).toBe(0);
    for (const { token } of links)
      expect(await owner(app.database).count("email_outbox", sql`strpos(html || text || subject || coalesce(meta::text, ''), ${token}) > 0`)).toBe(0);
    expect(await owner(app.database).count("email_outbox", sql`template in ('invitation', 'password-reset') and status <> 'pending'`)).toBeGreaterThanOrEqual(
      3,
    );

    // The links themselves still work: only the outbox forgot them.
    const [reset, join] = [links.find((l) => l.path.startsWith("/reset-password"))!, links.find((l) => l.path.startsWith("/join"))!];
    expect(((await (await app.client().data(reset.path, "routes/reset-password.$token")).json()) as { valid: boolean }).valid).toBe(true);
    expect(((await (await app.client().data(join.path, "routes/join.$slug.$token")).json()) as { invitation: unknown }).invitation).not.toBeNull();
  });
});
