import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoProblems, hydrated, login, open, poll, startJourney, type Journey } from "../support/browser";

// The majors, credential and evidence forms validate in the browser with Conform, using the schemas
// that moved out of *.server.ts files (an import of a .server file is an empty module in the browser
// build: the form would then post everything unchecked). A bad value shows its field message with no
// request to the server; a good one is then saved.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

/** Every POST the page sends from now on (a client-side refusal sends none). */
function posts(page: Page) {
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") sent.push(request.url());
  });
  return sent;
}

describe("forms validated in the browser", () => {
  it("a school's new major: a five-digit code is refused in the page, a six-digit one is saved", async () => {
    const page = await journey.newPage();
    await login(page, "school-admin@demo.xcert.test");
    await open(page, "/w/demo-school/majors");
    const sent = posts(page);
    const form = page.locator("form#major");
    await form.locator('input[name="code"]').fill("51029");
    await form.locator('input[name="name"]').fill("浏览器校验专业");
    await form.locator('button[type="submit"]').click();
    await poll(() => page.locator("#major-code-error").textContent()).toContain("6 位数字");
    expect(sent).toEqual([]);
    await form.locator('input[name="code"]').fill("510299");
    await form.locator('button[type="submit"]').click();
    await page.waitForURL((url) => /\/majors\/[0-9a-f-]{36}$/.test(url.pathname));
    await hydrated(page);
    await page.getByText("浏览器校验专业").first().waitFor();
    expectNoProblems(page);
  });

  it("an organization's credential and its evidence: bad values are refused in the page, good ones are saved", async () => {
    const page = await journey.newPage();
    await login(page, "org-admin@demo.xcert.test");
    await open(page, "/w/demo-ai/credentials/new");
    const sent = posts(page);
    const form = page.locator("form#credential");
    await form.locator('input[name="name"]').fill("浏览器校验");
    await form.locator('input[name="idNumber"]').fill("12");
    await form.locator('input[name="idNumber"]').blur();
    await poll(() => page.locator("#credential-idNumber-error").textContent()).toContain("6至30位字母或数字");
    await form.locator('button[type="submit"]').click();
    await poll(() => page.locator("#credential-idNumber-error").count()).toBe(1);
    expect(sent).toEqual([]);

    await form.locator('input[name="idNumber"]').fill("310101199001015678");
    await form.locator('select[name="source"]').selectOption("industry_expert");
    await form.locator('input[name="employerName"]').fill("上海某智能科技有限公司");
    await form.locator('select[name="role"]').selectOption("trainer");
    const certificate = await form.locator('select[name="certificateId"] option', { hasText: "AI-TRAINER" }).first().getAttribute("value");
    await form.locator('select[name="certificateId"]').selectOption(certificate!);
    await form.locator('input[name="levels"][value="intermediate"]').check();
    await form.locator('input[name="issuedOn"]').fill("2026-01-05");
    await form.locator('input[name="expiresOn"]').fill("2029-01-04");
    await form.locator('button[type="submit"]').click();
    await page.waitForURL((url) => /\/credentials\/[0-9a-f-]{36}$/.test(url.pathname));
    await hydrated(page);

    // Evidence: the form sent with no file shows "required" in the page; a PDF is then uploaded.
    const evidence = page.locator("form#evidence");
    sent.length = 0;
    await evidence.locator('button[type="submit"]').click();
    await poll(() => page.locator("#evidence-file-error").textContent()).toContain("此项为必填项");
    expect(sent).toEqual([]);
    await evidence.locator('input[type="file"]').setInputFiles({
      name: "browser-evidence.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    });
    await evidence.locator('button[type="submit"]').click();
    await page.getByText("browser-evidence.pdf").first().waitFor();
    expect(sent.length).toBe(1);
    await poll(() => page.locator("#evidence-file-error").count()).toBe(0);
    expectNoProblems(page);
  });
});
