import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { expectNoProblems, login, open, poll, startJourney, type Journey } from "../support/browser";

// The near-duplicate review in a real browser (issue 19 item 4, decisions 051 and 057): a file with a
// row like a question of the bank stops for review; the page names the question it resembles and links
// to it; the user skips the flagged row and the rest lands in the bank; the new question's page lists
// no similar question, the seeded one's lists its twin.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

const seededStem = "数据标注中，用矩形框标出图像中目标位置的方法称为？";
const seededTwin = "数据标注中，用矩形框标出图像中目标所在位置的方法称为？";
const likeSeeded = "数据标注中，用矩形框标出图像中目标位置的方法叫做？";
const fresh = "浏览器查重测试：语音数据转写时，听不清的片段应当如何标记？";

function csv(stems: string[]) {
  const cells = (stem: string): Record<string, string> => ({
    type: "单选题",
    stem,
    optionA: "拉框标注",
    optionB: "语义分割",
    answer: "A",
    difficulty: "2",
    level: "初级",
    pool: "练习",
    visibility: "仅本机构",
  });
  const rows = [questionColumns.map((c) => c.zh), ...stems.map((stem) => questionColumns.map((c) => cells(stem)[c.key] ?? ""))];
  return Buffer.from(`\uFEFF${rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`);
}

describe("near-duplicate review in the browser", () => {
  it("flags a row like a bank question, links to it, skips it on request and imports the rest", async () => {
    const page = await journey.newPage({ language: "zh-CN" });
    await login(page, "org-editor@demo.xcert.test");
    await open(page, "/w/demo-ai/questions/import");
    const form = page.locator("form#import");
    await form.locator('select[name="certificateId"]').selectOption({ label: "AI-TRAINER · 人工智能训练师" });
    await form.locator('input[type="file"]').setInputFiles({ name: "查重.csv", mimeType: "text/csv", buffer: csv([fresh, likeSeeded]) });
    await form.getByRole("button", { name: "上传并导入" }).click();
    await page.waitForURL((url) => /^\/w\/demo-ai\/questions\/import\/[0-9a-f-]{36}$/.test(url.pathname));

    // The job stops for review; the flagged row says which question it resembles.
    const review = page.locator('[data-testid="duplicate-review"]');
    await poll(() => review.locator('[data-testid="duplicate-row"]').count(), 90_000).toBe(1);
    const row = review.locator('[data-testid="duplicate-row"]').first();
    expect(await row.locator("td").first().textContent()).toBe("2");
    const resembles = row.getByRole("link");
    expect([seededStem, seededTwin]).toContain(await resembles.textContent());
    const seededUrl = await resembles.getAttribute("href");
    expect(seededUrl).toMatch(/^\/w\/demo-ai\/questions\/[0-9a-f-]{36}$/);
    expectNoProblems(page);

    await review.getByRole("button", { name: "跳过标记的 1 行，导入其余各行" }).click();
    await poll(() => page.locator('[data-testid="import-summary"]').textContent(), 90_000).toBe("已导入 1 道试题。");
    expectNoProblems(page);

    // The bank: the new question is there; the flagged row is not.
    await open(page, `/w/demo-ai/questions?q=${encodeURIComponent("浏览器查重测试")}`);
    await poll(() => page.locator("main table tbody tr").count()).toBe(1);
    await open(page, `/w/demo-ai/questions?q=${encodeURIComponent("目标位置的方法叫做")}`);
    await poll(() => page.locator("main table tbody tr").count()).toBe(0);

    // The seeded question's page lists its twin among similar questions.
    await open(page, seededUrl!);
    const similar = page.locator('[data-testid="similar-questions"]');
    expect(await similar.getByRole("link").count()).toBeGreaterThanOrEqual(1);
    expect(await similar.textContent()).toContain("相似度");
    expectNoProblems(page);
  }, 180_000);
});
