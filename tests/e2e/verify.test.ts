import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCredentialNumber } from "../../app/modules/credentials/number";
import { expectNoProblems, open, startJourney, type Journey } from "../support/browser";

// A parent checks a trainer's credential, logged out, in Chromium (issue 16): the form, the page
// with its QR code, a suspended credential, and an unknown number.
let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});
afterAll(() => journey?.close());

describe("/verify in the browser, logged out", () => {
  it("finds a valid credential from a number typed loosely, with the masked name and a QR code", async () => {
    const page = await journey.newPage({ language: "zh-CN" });
    await open(page, "/");
    await page.getByRole("link", { name: "资格证书查验" }).click();
    await page.waitForURL((url) => url.pathname === "/verify");
    const number = formatCredentialNumber(2025, 1);
    await page.getByLabel("证书编号").fill(number.toLowerCase().replace(/-/g, " "));
    await page.getByRole("button", { name: "查验" }).click();
    await page.waitForURL((url) => url.pathname === `/verify/${number}`);
    const card = page.getByTestId("verified-credential");
    await expect(card.getByTestId("verify-status").textContent()).resolves.toContain("有效");
    await expect(card.getByTestId("verify-holder").textContent()).resolves.toBe("张*明");
    expect(await card.locator("svg").count()).toBe(1);
    expect(await page.content()).not.toContain("张晓明");
    expectNoProblems(page);

    await open(page, `/verify/${formatCredentialNumber(2025, 2)}`);
    await expect(page.getByTestId("verify-status").textContent()).resolves.toMatch(/无效 · 暂停/);
    expectNoProblems(page);
  });

  it("answers an unknown number with the not-found message and a 404", async () => {
    const page = await journey.newPage({ language: "en" });
    const response = await page.goto(`/verify/${formatCredentialNumber(2025, 999_999)}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId("verify-not-found").textContent()).resolves.toContain("No credential has this number");
  });
});
