import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, login, poll, startJourney, type Journey } from "../support/browser";

// The committee's dashboard in a browser against the production server (demo data): login lands on
// the dashboard; a number opens the list it counts; a row opens its detail.

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney();
});

afterAll(async () => {
  await journey?.close();
});

describe("the committee dashboard in a browser", () => {
  it("dashboard → the pending filings it counts → one filing", async () => {
    const page = await journey.newPage();
    await login(page, "committee@demo.xcert.test");
    await page.waitForURL((url) => url.pathname === "/committee");
    await hydrated(page);
    const tile = page.locator('[data-testid="figure-pending-filings"]');
    const count = Number(await tile.locator('[data-testid="figure-count"]').textContent());
    expect(count).toBeGreaterThan(0);
    await tile.locator('[data-testid="figure-count"]').click();
    await page.waitForURL((url) => url.pathname === "/committee/figures/pending-filings");
    await poll(() => page.locator('[data-testid="figure-row"]').count()).toBe(count);
    await page.locator('[data-testid="figure-row"]').first().getByRole("link", { name: "查看" }).click();
    await page.waitForURL((url) => /^\/committee\/filings\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.locator("body").textContent()).toContain("老年照护");
  });
});
