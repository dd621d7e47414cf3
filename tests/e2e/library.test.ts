import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoProblems, hydrated, login, poll, startJourney, type Journey } from "../support/browser";

// The library in a browser (issue 15 item 2): a teacher goes from the workspace menu to the library,
// searches two terms, and opens a shared case of another organization.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

describe("the shared course library in a browser", () => {
  it("search 老年照护 实操 → items of two organizations → open a case with its provenance → propose adopting its level", async () => {
    const page = await journey.newPage();
    await login(page, "school-teacher@demo.xcert.test");
    await page.getByRole("link", { name: "课程资源库" }).click();
    await page.waitForURL((url) => url.pathname === "/library");
    await hydrated(page);
    const search = page.getByRole("search");
    await search.locator('input[name="q"]').fill("老年照护 实操");
    await search.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL((url) => url.searchParams.get("q") === "老年照护 实操");
    const organizations = page.locator('[data-testid="library-organization"]');
    await poll(async () => new Set(await organizations.allTextContents())).toEqual(new Set(["上海智训人工智能科技有限公司", "上海颐康老年照护服务有限公司"]));
    expect(await page.locator('[data-testid="library-item"]').allTextContents()).not.toContainEqual(expect.stringContaining("内部"));

    await page.getByRole("link", { name: "失能老人床上擦浴实操" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/library/case/"));
    await poll(() => page.locator('[data-testid="library-item-title"]').textContent()).toBe("失能老人床上擦浴实操");
    expect(await page.locator('[data-testid="library-provenance"]').textContent()).toBe("上海颐康老年照护服务有限公司");
    await page.getByRole("link", { name: "提议采用中级" }).waitFor();
    expect(await page.title()).toContain("失能老人床上擦浴实操");
    // Search → propose: the link opens the school's proposal with the certificate and level chosen
    // (tests/e2e/school.test.ts goes on from this form: approve, update available, opt in).
    await page.getByRole("link", { name: "提议采用中级" }).click();
    await page.waitForURL((url) => url.pathname === "/w/demo-school/adoptions/new" && url.searchParams.get("level") === "intermediate");
    await hydrated(page);
    await page.locator("form#adoption").waitFor();
    const chosen = await page.locator('select[name="certificateId"] option:checked').textContent();
    expect(chosen).toContain("老年照护");
    expectNoProblems(page);
  });
});
