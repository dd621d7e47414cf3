import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";

describe("health and shell", () => {
  let app: TestApp;
  let member: HttpClient;
  beforeAll(async () => {
    app = await startApp();
    member = app.client();
    await member.login("org-admin@demo.xcert.test");
  });
  afterAll(() => app.close().catch(() => {}));

  it("answers /healthz with the database state", async () => {
    const response = await app.client().get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "ok" });
  });

  it("serves Chinese by default with a CSP nonce, English once chosen", async () => {
    const zh = await app.client().get("/fees");
    const html = await zh.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain("1+X 证书制度试点管理平台");
    const csp = zh.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
    const en = await app.client({ locale: "en" }).get("/fees");
    expect(await en.text()).toContain('<html lang="en"');
  });

  it("titles every page 'page · workspace · XCert' in the reader's language", async () => {
    const titleOf = async (client: HttpClient, path: string) => /<title>([^<]*)<\/title>/.exec(await (await client.get(path)).text())?.[1];
    expect(await titleOf(member, "/w/demo-ai/questions")).toBe("题库 · 上海智训人工智能科技有限公司 · XCert");
    expect(await titleOf(app.client(), "/fees")).toBe("1+X 证书收费标准公示 · XCert");
    expect(await titleOf(app.client(), "/no/such/page")).toBe("页面不存在 · XCert");
    const english = app.client({ locale: "en" });
    await english.login("org-admin@demo.xcert.test");
    expect(await titleOf(english, "/w/demo-ai/questions")).toBe("Question bank · Shanghai Zhixun AI Technology Co., Ltd. · XCert");
    expect(await titleOf(english, "/login")).toBe("Log in · XCert");
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
    // The database is closed by the test above: the fee list's loader fails (the root loader of an
    // anonymous visit needs no database). A closed PostgreSQL pool reads as the database out of reach
    // (503, retry later); a closed PGlite as a server error.
    const expected =
      app.database.kind === "postgres"
        ? { status: 503, zh: "服务暂时不可用", en: "Service temporarily unavailable", retryAfter: "5" }
        : { status: 500, zh: "服务器出错了", en: "Something went wrong", retryAfter: null };
    const zh = await app.client().get("/fees");
    expect(zh.status).toBe(expected.status);
    expect(zh.headers.get("retry-after")).toBe(expected.retryAfter);
    const zhBody = await zh.text();
    expect(zhBody).toContain(expected.zh);
    expect(zhBody).not.toMatch(/at \S+ \(|closed|PGlite|postgres|CONNECTION_/i);
    const en = await app.client({ locale: "en" }).get("/fees");
    expect(en.status).toBe(expected.status);
    expect(await en.text()).toContain(expected.en);
  });

  it("answers a signed-in page the same way: root, layout and page share the failed session lookup", async () => {
    const response = await member.get("/w/demo-ai/questions");
    expect(response.status).toBe(app.database.kind === "postgres" ? 503 : 500);
    const body = await response.text();
    expect(body).toContain(app.database.kind === "postgres" ? "服务暂时不可用" : "服务器出错了");
    expect(body).not.toMatch(/at \S+ \(|closed|PGlite|postgres|CONNECTION_|Body is unusable/i);
  });
});
