import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";

// A document request runs the root, layout and page loaders side by side; the session behind it is
// looked up once and shared by them (context.server.ts), and never shared with another request.
describe("the session looked up once per request", () => {
  let app: TestApp;
  let member: HttpClient;
  const sessionLookups: string[] = [];
  // The identity lookup is the one statement that reads the sessions table by token hash.
  const isSessionLookup = (query: string) => /from "sessions"/.test(query) && /"token_hash" = \$/.test(query);

  beforeAll(async () => {
    app = await startApp({
      logger: {
        logQuery: (query) => {
          if (isSessionLookup(query)) sessionLookups.push(query);
        },
      },
    });
    member = app.client();
    await member.login("org-admin@demo.xcert.test");
  });
  afterAll(() => app.close());
  beforeEach(() => {
    sessionLookups.length = 0;
  });

  it("a workspace page: root, layout and page loaders share one lookup", async () => {
    const response = await member.get("/w/demo-ai/questions");
    expect(response.status).toBe(200);
    const html = await response.text();
    // All three loaders answered from it: the root's account menu, the layout's workspace, the page's list.
    expect(html).toContain("org-admin@demo.xcert.test");
    expect(html).toContain('data-testid="workspace-name"');
    expect(sessionLookups).toHaveLength(1);
  });

  it("a committee page: one lookup for the root, the committee layout and the page", async () => {
    const committee = app.client();
    await committee.login("committee@demo.xcert.test");
    sessionLookups.length = 0;
    expect((await committee.get("/committee/fees")).status).toBe(200);
    expect(sessionLookups).toHaveLength(1);
  });

  it("each request looks the session up again: a revoked session is seen at once", async () => {
    expect((await member.get("/w/demo-ai")).status).toBe(200);
    expect((await member.get("/w/demo-ai")).status).toBe(200);
    expect(sessionLookups).toHaveLength(2);
    const cookie = new Map(member.cookies);
    expect((await member.post("/logout", {})).status).toBe(302);
    member.cookies = cookie;
    const after = await member.get("/w/demo-ai/questions");
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    await member.login("org-admin@demo.xcert.test");
  });

  it("layout and page refuse from the shared lookup: another tenant's pages 404, a missing permission 403", async () => {
    expect((await member.get("/w/demo-care/questions")).status).toBe(404);
    expect((await member.data("/w/demo-care", "routes/w.$slug")).status).toBe(404);
    expect((await member.get("/committee/fees")).status).toBe(404);
    const editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    expect((await editor.get("/w/demo-ai/payments")).status).toBe(403);
    expect((await editor.get("/w/demo-ai/questions")).status).toBe(200);
  });

  it("a page without a session cookie looks nothing up", async () => {
    expect((await app.client().get("/fees")).status).toBe(200);
    expect(sessionLookups).toHaveLength(0);
  });
});
