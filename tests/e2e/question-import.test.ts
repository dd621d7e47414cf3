import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { expectNoProblems, login, open, poll, startJourney, type Journey } from "../support/browser";
import { createImportGate, type ImportGate } from "../support/import-gate";
import { distinctStem } from "../support/question-import";

// The spreadsheet import in a real browser: a 5,000-row workbook with 12 bad rows is refused with
// its errors by row and column and a downloadable report; the fixed workbook streams its progress
// (the bar moves through values between 0 and 100), can be left and returned to, and lands whole.
// The server runs with the import gate (decision 017): its runner stands still at each progress
// checkpoint until the test releases it, so the bar is read at known values, on an idle machine
// as on a busy one, instead of racing an import that may end between two looks.

let journey: Journey;
let gate: ImportGate;

beforeAll(async () => {
  gate = await createImportGate();
  journey = await startJourney({ env: gate.env });
});

afterAll(async () => {
  await journey?.close();
  await gate?.close();
});

// Enough for five validation checkpoints and three batches; larger imports are questions.test.ts's
// and the import benchmark's.
const rowCount = 5_000;
const badRows = new Map<number, Record<string, string>>([
  [3, { answer: "E" }],
  [17, { type: "论述题" }],
  [250, { stem: "" }],
  [999, { level: "特级" }],
  [1200, { difficulty: "9" }],
  [2500, { pool: "考试", visibility: "共享" }],
  [4000, { requirements: "9.9.9" }],
  [4500, { optionB: "", optionC: "", optionD: "" }],
  [4600, { type: "判断题", optionA: "", optionB: "", optionC: "", optionD: "", answer: "可能" }],
  [4700, { type: "实操题", optionA: "", optionB: "", optionC: "", optionD: "", answer: "完成", rubric: "" }],
  [4800, { optionB: "" }],
  [4_999, { stem: "题\u202E干" }],
]);

async function workbook(withBadRows: boolean) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("试题");
  sheet.addRow(questionColumns.map((c) => c.zh));
  for (let i = 0; i < rowCount; i++) {
    const cells: Record<string, string> = {
      type: "单选题",
      stem: distinctStem(`浏览器导入 ${String(i).padStart(5, "0")}`, i),
      optionA: "查询物流",
      optionB: "申请退货",
      optionC: "投诉",
      optionD: "闲聊",
      answer: "B",
      explanation: "用户明确表达了退货的目的。",
      difficulty: String((i % 5) + 1),
      level: "中级",
      tags: "智能客服, 意图标注",
      pool: i % 10 === 0 ? "考试" : "练习",
      visibility: "仅本机构",
      ...(withBadRows ? (badRows.get(i) ?? {}) : {}),
    };
    sheet.addRow(questionColumns.map((c) => cells[c.key] ?? ""));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe("question import in the browser", () => {
  it("refuses a workbook with 12 bad rows, listing them and offering the report; the fixed workbook streams its progress and lands", async () => {
    const page = await journey.newPage({ language: "zh-CN" });
    await login(page, "org-editor@demo.xcert.test");
    const [bad, good] = await Promise.all([workbook(true), workbook(false)]);

    // 1. The workbook with bad rows: nothing imported, every error by row and column.
    await open(page, "/w/demo-ai/questions/import");
    const form = page.locator("form#import");
    await form.locator('select[name="certificateId"]').selectOption({ label: "AI-TRAINER · 人工智能训练师" });
    await form
      .locator('input[type="file"]')
      .setInputFiles({ name: "题库-有错.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: bad });
    await form.getByRole("button", { name: "上传并导入" }).click();
    await page.waitForURL((url) => /^\/w\/demo-ai\/questions\/import\/[0-9a-f-]{36}$/.test(url.pathname));
    const badJob = new URL(page.url()).pathname.split("/").at(-1)!;
    const validating = gate.passAll(badJob);
    // 13 errors in 12 rows: the row left with one option also has an answer (B) that no longer exists.
    await poll(() => page.locator('[data-testid="import-summary"]').textContent(), 60_000).toBe("发现 13 处错误，未导入任何试题。请修改后重新上传。");
    // Every row was checked before the job gave up, and the page says so.
    const checked = await validating.stop();
    expect(checked.every((c) => c.status === "validating")).toBe(true);
    expect(checked.map((c) => c.processedRows)).toEqual([...checked.map((c) => c.processedRows)].sort((a, b) => a - b));
    expect(checked.at(-1)?.processedRows).toBe(rowCount);
    expect(await page.locator('[data-testid="import-phase"]').textContent()).toBe(`100% · 已校验 ${rowCount} 行，其中 12 行有错误，未写入任何行。`);
    expect(await page.locator('[data-testid="import-progress"]').getAttribute("value")).toBe("100");
    const errorRows = page.locator('[data-testid="import-error"]');
    expect(await errorRows.count()).toBe(13);
    // Spreadsheet rows: the header is row 1, so data row i is row i + 2.
    const rowNumbers = await errorRows.locator("td:first-child").allTextContents();
    expect([...new Set(rowNumbers.map(Number))]).toEqual([...badRows.keys()].map((i) => i + 2));
    expect(await errorRows.first().locator("td").allTextContents()).toEqual(["5", "答案", "单选题的答案须为一个选项字母（如 B）。"]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载错误报告（XLSX）" }).click()]);
    const report = new ExcelJS.Workbook();
    await report.xlsx.readFile((await download.path())!);
    const sheet = report.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, "行号", "列", "问题"]);
    expect(sheet.rowCount - 1).toBe(13);
    expect(sheet.getRow(2).values).toEqual([undefined, 5, "答案", "单选题的答案须为一个选项字母（如 B）。"]);
    expectNoProblems(page);

    // 2. The fixed workbook: the progress bar moves while the import runs.
    await open(page, "/w/demo-ai/questions/import");
    await form.locator('select[name="certificateId"]').selectOption({ label: "AI-TRAINER · 人工智能训练师" });
    await form
      .locator('input[type="file"]')
      .setInputFiles({ name: "题库-修正.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: good });
    await form.getByRole("button", { name: "上传并导入" }).click();
    await page.waitForURL((url) => /^\/w\/demo-ai\/questions\/import\/[0-9a-f-]{36}$/.test(url.pathname));
    const jobPath = new URL(page.url()).pathname;
    const jobId = jobPath.split("/").at(-1)!;
    const bar = page.locator('[data-testid="import-progress"]');
    const seen: number[] = [];
    let left = false;
    // At each checkpoint the runner stands still: the bar must come to show exactly that progress.
    for (;;) {
      const paused = await gate.next(jobId);
      expect(paused.progress, JSON.stringify(paused)).toBeGreaterThan(0);
      expect(paused.progress, JSON.stringify(paused)).toBeLessThan(100);
      await poll(async () => Number(await bar.getAttribute("value")), 15_000).toBe(paused.progress);
      seen.push(paused.progress);

      // 3. Left and returned to, once rows are being written: the job is found in the list where
      // it stands, and its page goes on following it.
      if (!left && paused.status === "importing") {
        left = true;
        await open(page, "/w/demo-ai/questions");
        await open(page, "/w/demo-ai/questions/import");
        const listed = page.locator("tr", { has: page.locator(`a[href="${jobPath}"]`) }).first();
        expect(await listed.locator("progress").getAttribute("value")).toBe(String(paused.progress));
        await listed.locator(`a[href="${jobPath}"]`).click();
        await page.waitForURL((url) => url.pathname === jobPath);
        await poll(async () => Number(await bar.getAttribute("value")), 15_000).toBe(paused.progress);
      }
      await paused.release();
      if (paused.status === "importing" && paused.importedRows === paused.totalRows) break;
    }
    expect(left).toBe(true);
    // Both halves were seen, and the bar only moved forward.
    expect(seen.some((value) => value < 50) && seen.some((value) => value > 50), `progress seen: ${seen.join(", ")}`).toBe(true);
    expect(seen, `progress seen: ${seen.join(", ")}`).toEqual([...new Set(seen)].sort((a, b) => a - b));

    // Released from its last checkpoint, the job moves the rows into the bank and lands. (On PGlite,
    // one connection in the server's own thread, pages wait while that final transaction runs: a
    // few seconds, more on a loaded machine.)
    await poll(() => page.locator('[data-testid="import-summary"]').textContent(), 90_000).toBe(`已导入 ${rowCount} 道试题。`);
    expect(await bar.getAttribute("value")).toBe("100");
    expect(await gate.waiting()).toEqual([]);

    // 4. The questions are in the bank, found by a Chinese substring of their stems.
    await open(page, `/w/demo-ai/questions?q=${encodeURIComponent("浏览器导入 0199")}`);
    await poll(() => page.locator("main table tbody tr").count()).toBe(10);
    expectNoProblems(page);
  }, 300_000);
});
