import { mkdtemp, open as openFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPassword, expectNoProblems, login, open, poll, startJourney, type Journey } from "../support/browser";

// A file over the attachment limit, picked in Chromium: the browser shows the limit under the file
// field, with JavaScript (Conform, from the action's 413 answer) and without (the page itself, 413),
// instead of a connection reset while it is still sending.

let journey: Journey;
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "xcert-upload-limits-"));
  file = path.join(dir, "讲义（全本）.pdf");
  // 60 MB, sparse on disk: a PDF header and then nothing.
  const handle = await openFile(file, "w");
  await handle.write("%PDF-1.4\n");
  await handle.truncate(60 * 1024 * 1024);
  await handle.close();
  journey = await startJourney({ env: { MATERIAL_MAX_BYTES: undefined } });
});

afterAll(async () => {
  await journey?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an attachment over the limit in the browser", () => {
  it("shows the limit under the file field with JavaScript", async () => {
    const page = await journey.newPage({ language: "zh-CN" });
    await login(page, "org-editor@demo.xcert.test");
    const list = (await (await page.request.get("/w/demo-ai/materials?_data=routes/w.$slug.materials._index")).json()) as { rows: { id: string }[] };
    await open(page, `/w/demo-ai/materials/${list.rows[0].id}`);
    const form = page.locator("form#upload");
    await form.locator('input[type="file"]').setInputFiles(file);
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), form.locator('button[type="submit"]').click()]);
    expect(answer.status()).toBe(413);
    await poll(() => page.locator("#upload-file-error").textContent(), 30_000).toBe("文件超过 50 MB 上限，请压缩或拆分后重新上传。");
    expect(await form.locator('input[type="file"]').getAttribute("aria-invalid")).toBe("true");
    expectNoProblems(page);
  }, 120_000);

  it("shows the page with the limit under the file field without JavaScript", async () => {
    const context = await journey.browser.newContext({ baseURL: journey.server.url, javaScriptEnabled: false });
    try {
      await context.addCookies([{ name: "lng", value: "en", url: journey.server.url }]);
      const page = await context.newPage();
      await page.goto("/login");
      await page.locator('form#login input[name="email"]').fill("org-editor@demo.xcert.test");
      await page.locator('form#login input[name="password"]').fill(demoPassword);
      await Promise.all([page.waitForURL((url) => url.pathname !== "/login"), page.locator('form#login button[type="submit"]').click()]);
      const list = (await (await page.request.get("/w/demo-ai/materials?_data=routes/w.$slug.materials._index")).json()) as { rows: { id: string }[] };
      await page.goto(`/w/demo-ai/materials/${list.rows[0].id}`);
      const form = page.locator("form#upload");
      await form.locator('input[type="file"]').setInputFiles(file);
      const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), form.locator('button[type="submit"]').click()]);
      expect(answer.status()).toBe(413);
      await page.waitForLoadState();
      expect(await page.locator("#upload-file-error").textContent()).toBe("The file is larger than the 50 MB limit; compress or split it and upload again.");
    } finally {
      await context.close();
    }
  }, 120_000);
});
