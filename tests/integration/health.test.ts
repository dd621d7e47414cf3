import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";

describe("health and shell", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close().catch(() => {}));

  it("answers /healthz with the database state", async () => {
    const response = await app.client().get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "ok" });
  });

  it("serves Chinese by default with a CSP nonce, English once chosen", async () => {
    const zh = await app.client().get("/");
    const html = await zh.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain("1+X 证书制度试点管理平台");
    const csp = zh.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
    const en = await app.client({ locale: "en" }).get("/");
    expect(await en.text()).toContain('<html lang="en"');
  });

  it("answers unknown pages with a 404 page in the user's language", async () => {
    const zh = await app.client().get("/no/such/page");
    expect(zh.status).toBe(404);
    expect(await zh.text()).toContain("页面不存在");
    const en = await app.client({ locale: "en" }).get("/no/such/page");
    expect(en.status).toBe(404);
    expect(await en.text()).toContain("Page not found");
  });

  it("answers 503 when the database does not answer", async () => {
    await app.database.close();
    const response = await app.client().get("/healthz");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "degraded", db: "unavailable" });
  });

  it("shows the error page in the user's language, without internals, when a loader fails", async () => {
    // The database is closed by the test above: the root loader fails. A closed PostgreSQL pool reads
    // as the database out of reach (503, retry later); a closed PGlite as a server error.
    const expected =
      app.database.kind === "postgres"
        ? { status: 503, zh: "服务暂时不可用", en: "Service temporarily unavailable", retryAfter: "5" }
        : { status: 500, zh: "服务器出错了", en: "Something went wrong", retryAfter: null };
    const zh = await app.client().get("/");
    expect(zh.status).toBe(expected.status);
    expect(zh.headers.get("retry-after")).toBe(expected.retryAfter);
    const zhBody = await zh.text();
    expect(zhBody).toContain(expected.zh);
    expect(zhBody).not.toMatch(/at \S+ \(|closed|PGlite|postgres|CONNECTION_/i);
    const en = await app.client({ locale: "en" }).get("/");
    expect(en.status).toBe(expected.status);
    expect(await en.text()).toContain(expected.en);
  });
});
