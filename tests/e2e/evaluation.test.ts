import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, login, open, poll, startJourney, type Journey } from "../support/browser";

// Issue 17's evaluation journey in a browser against the production server (demo data): a committee
// member scores two organizations with comments; the secretary decides and finalizes; the result
// list is public.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

describe("an organization evaluation in a browser", () => {
  it("a member scores two organizations, the admin decides, finalizes and the list is published", async () => {
    const year = String(new Date().getFullYear());
    const member = await journey.newPage();
    await login(member, "committee-member@demo.xcert.test");
    await open(member, "/committee/evaluations");
    await member.getByRole("link", { name: new RegExp(`${year} 年度`) }).click();
    await member.waitForURL((url) => /\/committee\/evaluations\/[0-9a-f-]{36}$/.test(url.pathname));
    const periodUrl = new URL(member.url()).pathname;
    await hydrated(member);
    for (const [name, score, comment] of [
      ["上海智训人工智能科技有限公司", "62", "收费公示需整改。"],
      ["上海颐康老年照护服务有限公司", "91", "证书质量稳定。"],
    ]) {
      const section = member.locator('[data-testid="evaluation-organization"]', { hasText: name });
      await section.locator('select[name="criterion"]').selectOption("integrity");
      await section.locator('input[name="score"]').fill(score);
      await section.locator('textarea[name="comment"]').fill(comment);
      await section.getByRole("button", { name: "保存我的评分" }).click();
      await section.getByText(comment).waitFor();
    }
    // A member has no decision form and no finalize button.
    expect(await member.getByRole("button", { name: "定稿并公布" }).count()).toBe(0);

    const admin = await journey.newPage();
    await login(admin, "committee@demo.xcert.test");
    await open(admin, periodUrl);
    for (const section of await admin.locator('[data-testid="evaluation-organization"]').all()) {
      const isAi = ((await section.locator("h2").textContent()) ?? "").includes("上海智训");
      await section.locator('select[name="decision"]').selectOption(isAi ? "warn" : "retain");
      await section.getByRole("button", { name: "保存结论" }).click();
      await poll(() => section.locator('[data-testid="decision"]').count()).toBe(1);
    }
    await admin.getByRole("button", { name: "定稿并公布" }).click();
    await poll(() => admin.locator('[data-testid="period-status"]').textContent()).toBe("已定稿公布");
    expect(await admin.locator('input[name="score"]').count()).toBe(0);

    const visitor = await journey.newPage();
    await open(visitor, `/evaluations/${year}`);
    const decisions = await visitor.locator('[data-testid="public-decision"]').allTextContents();
    expect(decisions).toContain("警示");
    expect(decisions).toContain("保留");
    expect(await visitor.content()).not.toContain("收费公示需整改");
  });
});
