import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPassword, expectNoProblems, hydrated, login, logout, open, poll, startJourney, type Journey } from "../support/browser";
import { enrolInBrowser, totpCode } from "../support/second-factor";

// The second factor in a browser (issue 14 item 6): a demo admin (exempt in demo mode, but free to
// enrol) scans nothing — the test reads the key shown for manual entry and computes the code as an
// authenticator app would — then logs out and logs in again with password and code.

let journey: Journey;

// Migrating and seeding a server of its own takes a while on a loaded two-core machine.
beforeAll(async () => {
  journey = await startJourney();
}, 300_000);

afterAll(async () => {
  await journey?.close();
});

describe("second factor in the browser", () => {
  it("enrols with the QR page, then logs in with password and code; a wrong code is refused on the form", async () => {
    const page = await journey.newPage();
    await login(page, "org-admin@demo.xcert.test");
    expect(new URL(page.url()).pathname).toBe("/w/demo-ai");

    await open(page, "/account/second-factor");
    expect(await page.locator('div[role="img"] svg').count()).toBe(1);
    const { secret, recoveryCodes } = await enrolInBrowser(page);
    expect(recoveryCodes).toHaveLength(10);
    await page.screenshot({ path: "/tmp/xcert-e2e-second-factor-codes.png", fullPage: true });
    await page.getByRole("link", { name: "我已保存，继续" }).click();
    await page.waitForURL((url) => url.pathname === "/workspaces");
    await hydrated(page);
    await logout(page);

    // The password alone leads to the second step, not into the workspace.
    await open(page, "/login");
    const form = page.locator("form#login");
    await form.locator('input[name="email"]').fill("org-admin@demo.xcert.test");
    await form.locator('input[name="password"]').fill(demoPassword);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === "/login/second-factor");
    await hydrated(page);

    const step = page.locator("form#second-factor-login");
    const answers: string[] = [];
    page.on("response", (response) => answers.push(`${response.status()} ${response.request().method()} ${response.url()}`));
    const code = totpCode(secret, 1);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    await step.locator('input[name="code"]').fill(wrong);
    await step.locator('button[type="submit"]').click();
    await poll(() => step.locator('[role="alert"]').textContent()).toBe("验证码不正确或已被使用。请等待下一个验证码后重试。");
    expect(new URL(page.url()).pathname).toBe("/login/second-factor");

    await step.locator('input[name="code"]').fill(code);
    await step.locator('input[name="code"]').press("Enter");
    // The workspace's overview is the heaviest first page: more time on a loaded machine.
    await page
      .waitForURL((url) => url.pathname === "/w/demo-ai", { timeout: 60_000 })
      .catch(async (error: Error) => {
        await page.screenshot({ path: "/tmp/xcert-e2e-second-factor-stuck.png", fullPage: true });
        const value = await step.locator('input[name="code"]').inputValue();
        throw new Error(
          `${error.message}\nstill at ${page.url()} (code ${code}, field ${value}): ${await step.locator('[role="alert"]').allTextContents()}\n${answers.join("\n")}`,
        );
      });
    await poll(() => page.locator('[data-testid="current-user"]').textContent()).toBe("王敏");
    expectNoProblems(page);
  }, 240_000);
});
