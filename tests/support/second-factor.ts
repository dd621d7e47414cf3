import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { HttpClient } from "./app";
import { hydrated } from "./browser";

// The second factor from the user's side (decision 031): codes computed from the secret the
// enrolment page shows, as an authenticator app would. No waiting on the clock: a code is made for
// the current step (or the next, `steps` = 1), and the server accepts one step either side.

export function totpCode(secret: string, steps = 0) {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

export interface Enrolment {
  secret: string;
  token: string;
}

/** The enrolment page's loader data: a fresh secret and its sealed token. */
export async function openEnrolment(client: HttpClient): Promise<Enrolment> {
  const response = await client.data("/account/second-factor", "routes/account.second-factor");
  expect(response.status, await response.clone().text()).toBe(200);
  const { enrolment } = (await response.json()) as { enrolment: Enrolment | null };
  if (!enrolment) throw new Error("already enrolled");
  return enrolment;
}

/**
 * Enrols the signed-in client's account with a code of the current step; the next code to log in
 * with is `totpCode(secret, 1)` (the current step is spent).
 */
export async function enrolSecondFactor(client: HttpClient) {
  const { secret, token } = await openEnrolment(client);
  const response = await client.action("/account/second-factor", "routes/account.second-factor", { intent: "enrol", token, code: totpCode(secret) });
  expect(response.status, await response.clone().text()).toBe(200);
  const { recoveryCodes } = (await response.json()) as { recoveryCodes: string[] };
  return { secret, recoveryCodes };
}

/**
 * In a browser on the enrolment page: reads the key shown for manual entry, types the app's code, and
 * answers the secret and the recovery codes the page then shows once.
 */
export async function enrolInBrowser(page: Page) {
  await hydrated(page);
  const secret = (await page.locator('[data-testid="totp-secret"]').textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const form = page.locator("form#second-factor-enrol");
  await form.locator('input[name="code"]').fill(totpCode(secret));
  await form.locator('button[type="submit"]').click();
  const codes = page.locator('[data-testid="recovery-codes"] li');
  await codes.nth(9).waitFor();
  return { secret, recoveryCodes: await codes.allTextContents() };
}
