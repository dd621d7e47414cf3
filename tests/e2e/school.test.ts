import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, login, open, poll, startJourney, type Journey } from "../support/browser";

// The school side in a browser against the production server (demo data): propose → approve an
// adoption; update available → opt in on the seeded adoption pinned to version 1; a filing returned
// by the committee and resubmitted by the school.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

describe("the school side in a browser", () => {
  it("a teacher proposes, the admin approves; the seeded adoption shows update available and moves on opt-in", async () => {
    const teacher = await journey.newPage();
    await login(teacher, "school-teacher@demo.xcert.test");
    await open(teacher, "/w/demo-school/adoptions/new");
    const picker = teacher.locator('form[method="get"]');
    const careOption = await teacher.locator('select[name="certificateId"] option', { hasText: "老年照护" }).first().getAttribute("value");
    await picker.locator('select[name="certificateId"]').selectOption(careOption!);
    await picker.locator('select[name="level"]').selectOption("intermediate");
    await picker.locator('button[type="submit"]').click();
    await teacher.waitForURL((url) => url.searchParams.get("level") === "intermediate");
    await hydrated(teacher);
    const form = teacher.locator("form#adoption");
    const major = await form.locator('select[name="majorId"] option', { hasText: "计算机应用技术" }).getAttribute("value");
    await form.locator('select[name="majorId"]').selectOption(major!);
    await form.locator('button[type="submit"]').click();
    await teacher.waitForURL((url) => /\/adoptions\/[0-9a-f-]{36}$/.test(url.pathname));
    const adoptionUrl = new URL(teacher.url()).pathname;
    await poll(() => teacher.locator('[data-testid="adoption-status"]').textContent()).toBe("待审批");

    const admin = await journey.newPage();
    await login(admin, "school-admin@demo.xcert.test");
    await open(admin, adoptionUrl);
    await admin.getByRole("button", { name: "批准" }).click();
    await poll(() => admin.locator('[data-testid="adoption-status"]').textContent()).toBe("已批准");

    // The seeded adoption: pinned to version 1 while demo-care published version 2.
    await open(admin, "/w/demo-school/adoptions");
    await admin
      .locator("tr", { has: admin.locator('[data-testid="update-available"]') })
      .getByRole("link")
      .first()
      .click();
    await admin.waitForURL((url) => /\/adoptions\/[0-9a-f-]{36}$/.test(url.pathname));
    await hydrated(admin);
    await poll(() => admin.locator('[data-testid="pinned-version"]').textContent()).toContain("第 1 版");
    await admin.locator('section[data-testid="update-available"]').getByText("能使用电子监测设备记录健康数据").waitFor();
    await admin.getByRole("button", { name: "改用第 2 版" }).click();
    await poll(() => admin.locator('[data-testid="pinned-version"]').textContent()).toContain("第 2 版");
    expect(await admin.locator('section[data-testid="update-available"]').count()).toBe(0);
  });

  it("a filing is returned by the committee with a comment and resubmitted by the school", async () => {
    const committee = await journey.newPage();
    await login(committee, "committee@demo.xcert.test");
    await open(committee, "/committee/filings");
    await committee
      .getByRole("link", { name: /老年照护/ })
      .first()
      .click();
    await committee.waitForURL((url) => /\/committee\/filings\/[0-9a-f-]{36}$/.test(url.pathname));
    const filingId = new URL(committee.url()).pathname.split("/").pop();
    await hydrated(committee);
    await committee.locator('textarea[name="comment"]').fill("请补充考核站点的设备清单。");
    await committee.getByRole("button", { name: "退回修改" }).click();
    await poll(() => committee.locator('[data-testid="filing-status"]').first().textContent()).toBe("退回修改");

    const admin = await journey.newPage();
    await login(admin, "school-admin@demo.xcert.test");
    await open(admin, `/w/demo-school/filings/${filingId}`);
    await admin.locator('[data-testid="filing-comment"]', { hasText: "请补充考核站点的设备清单。" }).waitFor();
    await admin.getByRole("button", { name: "重新提交" }).click();
    await poll(() => admin.locator('[data-testid="filing-status"]').first().textContent()).toBe("已重新提交");
  });
});
