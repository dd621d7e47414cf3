import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { getDatabase } from "../../db/client.server";
import type { FormInput, HttpClient } from "./app";
import { asApp, owner } from "./db";

// Sign-up in two steps (decision 041): the form answers "check your inbox", the emailed link creates
// the workspace. For tests whose server runs in this process: the link is read from the outbox, as
// the password-reset tests read theirs.

const linkPattern = /https?:\/\/[^\s"<>]+(\/signup\/verify\/([A-Za-z0-9_-]{43}))/;

/** The newest mails of a template to an address, newest first. */
export async function mailsTo(to: string, template?: string) {
  const db = owner(await getDatabase());
  return db.rows<{ id: string; template: string; subject: string; text: string; locale: string; created_at: string }>(sql`
    select id, template, subject, text, locale, created_at from email_outbox
    where "to" = ${to.toLowerCase()} and (${template ?? null}::text is null or template = ${template ?? null})
    order by created_at desc, id desc`);
}

/** The path (/signup/verify/<token>) of the newest verification link mailed to the address. */
export async function verificationPath(email: string) {
  const [mail] = await mailsTo(email, "signup-verification");
  if (!mail) throw new Error(`no verification mail to ${email}`);
  const match = linkPattern.exec(mail.text);
  if (!match) throw new Error(`no verification link in: ${mail.text}`);
  return { path: match[1], token: match[2] };
}

/** Posts the sign-up form: the answer is the "check your inbox" page whatever the address. */
export async function submitSignUp(client: HttpClient, form: FormInput) {
  const response = await client.post("/signup", form);
  expect(response.status, await response.clone().text()).toBe(200);
  return response;
}

/** Follows the emailed link: opens the page, confirms; the client is then logged in to the new workspace. */
export async function followVerification(client: HttpClient, email: string) {
  const { path } = await verificationPath(email);
  const page = await client.get(path);
  expect(page.status, await page.clone().text()).toBe(200);
  const confirmed = await client.post(path, {});
  expect(confirmed.status, await confirmed.clone().text()).toBe(302);
  return confirmed;
}

/** The whole sign-up as a person does it: the form, then the link. Answers the confirmation (302 to /w/<slug>). */
export async function signUpAndVerify(client: HttpClient, form: FormInput) {
  await submitSignUp(client, form);
  return followVerification(client, String(form.email));
}

/** The committee's admission, as the system scope records it (the seed's way; tests of the committee's page use the page). */
export async function admit(slug: string) {
  const [tenant] = await owner(await getDatabase()).rows<{ id: string }>(sql`select id from tenants where slug = ${slug}`);
  await asApp({ role: "system" }, (tx) => tx.execute(sql`select decide_admission(${tenant.id}, 'admitted', '')`));
}
