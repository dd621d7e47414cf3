import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import type { HttpClient } from "./app";
import { enrolSecondFactor } from "./second-factor";
import { admit, signUpAndVerify } from "./signup";

export { demoPassword as password } from "../../db/seed/demo";

/** A valid 统一社会信用代码 from its first 17 characters. */
export function creditCode(first17: string) {
  const check = creditCodeCheckChar(first17);
  if (!check) throw new Error(`not a credit code body: ${first17}`);
  return first17 + check;
}

/**
 * A new organization of its own, signed up through the form and the emailed link (decision 041; the
 * server runs in this process, the link is read from its outbox), admitted by the committee unless
 * told otherwise (decision 042), with one draft certificate at the intermediate level; the client is
 * left logged in as its owner, who has enrolled a second factor (required of owners).
 */
export async function signUpOrganization(client: HttpClient, label: { slug: string; name: string; code: string }, options: { admitted?: boolean } = {}) {
  const suffix = randomBytes(4).toString("hex");
  const slug = `${label.slug}-${suffix}`;
  const signup = await signUpAndVerify(client, {
    kind: "organization",
    tenantName: `${label.name}机构`,
    slug,
    creditCode: creditCode(`91310106${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`),
    name: label.name,
    email: `${slug}@example.test`,
    password: `${label.slug}-password-2026`,
  });
  expect(signup.headers.get("location")).toBe(`/w/${slug}`);
  if (options.admitted !== false) await admit(slug);
  // An organization's owner must enrol a second factor before anything else (decision 031).
  await enrolSecondFactor(client);
  const certificate = await client.post(`/w/${slug}/certificates/new`, { code: label.code, nameZh: `${label.name}证书`, nameEn: `${label.slug} test`, industryCode: "digital", levels: "intermediate" });
  expect(certificate.status, await certificate.clone().text()).toBe(302);
  return { slug, certificateId: certificate.headers.get("location")!.split("/").at(-1)! };
}
