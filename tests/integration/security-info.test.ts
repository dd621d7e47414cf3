import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { send, urlencoded } from "../support/raw-post";

// The small findings of the security review fixed with issue 14 (decision 022): the Stripe webhook's
// body limit (F15), the request id a client sends (F21), export names that are not lists (F22), and
// the public fee CSV's cache key (F26). F25 (CSV cells with ";") is a unit test (tests/unit/export-csv).

const MB = 1024 * 1024;

describe("security review, small findings", () => {
  let app: TestApp;
  let admin: HttpClient;
  let editor: HttpClient;
  const db = () => owner(app.database);

  beforeAll(async () => {
    // Without a proxy in front (the default; the test setup trusts one for the login limits). The
    // environment is read once, at the first request: set before the app starts.
    process.env.TRUST_PROXY = "0";
    app = await startApp();
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
  });
  afterAll(async () => {
    await app.close();
    process.env.TRUST_PROXY = "1";
  });

  it("F15: a chunked 2 MB post to /webhooks/stripe is answered 413, whole, and nothing is stored", async () => {
    const before = await db().count("stripe_events");
    const body = urlencoded({}, { field: "x", bytes: 2 * MB });
    const answer = await send(app.url, "/webhooks/stripe", body, { chunked: true });
    expect({ status: answer.status, complete: answer.complete, error: answer.error }).toEqual({ status: 413, complete: true, error: undefined });
    expect(JSON.parse(answer.body)).toEqual({ error: "payload too large" });
    expect(await db().count("stripe_events")).toBe(before);
  });

  it("F15: a declared Content-Length over 1 MB is refused before any of the body is read", async () => {
    const body = urlencoded({}, { field: "x", bytes: 2 * MB });
    // The client sends the headers and its first bytes, then holds the rest back: the answer can only
    // come from the header.
    const answer = await send(app.url, "/webhooks/stripe", body, { stopAfter: 1 });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(answer.sent).toBeLessThan(1024);
  });

  it("F21: a client's X-Request-Id is not written to the audit log without a trusted proxy", async () => {
    const [{ id: trainer }] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`);
    const stem = `审计请求编号测试题 ${Date.now()}`;
    const response = await editor.post(
      "/w/demo-ai/questions/new",
      {
        certificateId: trainer,
        level: "junior",
        type: "true_false",
        stem,
        answer: "true",
        difficulty: "2",
        pool: "practice",
        visibility: "private",
        intent: "save",
      },
      { "x-request-id": "forged-by-the-client" },
    );
    expect(response.status, await response.clone().text()).toBe(302);
    const [entry] = await db().rows<{ request_id: string }>(
      sql`select request_id from audit_log where action = 'question.create' and after->>'stem' = ${stem}`,
    );
    expect(entry.request_id).not.toBe("forged-by-the-client");
    expect(entry.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("F22: /w/<slug>/export/<name> answers 404 for names that are not lists (constructor, __proto__, toString)", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "nope"])
      expect((await admin.get(`/w/demo-ai/export/${name}?format=csv`)).status, name).toBe(404);
    expect((await admin.get("/w/demo-ai/export/certificates?format=csv")).status).toBe(200);
  });

  it("F26: /fees.csv, cached publicly and localised by the lng cookie, varies on Cookie", async () => {
    const zh = await app.client().get("/fees.csv");
    const en = await app.client({ locale: "en" }).get("/fees.csv");
    expect(zh.status).toBe(200);
    expect(en.status).toBe(200);
    // The same URL, two languages: a shared cache must key on the cookie.
    expect((await zh.text()).split("\r\n")[0]).not.toBe((await en.text()).split("\r\n")[0]);
    for (const response of [zh, en]) {
      expect(response.headers.get("cache-control")).toBe("public, max-age=60, stale-while-revalidate=300");
      expect(
        response.headers
          .get("vary")
          ?.split(/,\s*/)
          .map((v) => v.toLowerCase()),
      ).toContain("cookie");
    }
  });
});
