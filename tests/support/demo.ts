import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import type { HttpClient } from "./app";
import { enrolSecondFactor } from "./second-factor";
import { admit, signUpAndVerify } from "./signup";

export { demoPassword as password } from "../../db/seed/demo";

/** A valid fee disclosure form of a certificate's intermediate level, saved as a draft (the publish rules are tested in fees.test.ts). */
export function draftFeeForm(certificateId: string) {
  return {
    certificateId,
    level: "intermediate",
    kind: "training",
    amount: "1200.00",
    unit: "per_person",
    effectiveFrom: "2099-01-01",
    contact: "021-0000 0000",
    intent: "save",
  };
}

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
  const certificate = await client.post(`/w/${slug}/certificates/new`, {
    code: label.code,
    nameZh: `${label.name}证书`,
    nameEn: `${label.slug} test`,
    industryCode: "digital",
    levels: "intermediate",
  });
  expect(certificate.status, await certificate.clone().text()).toBe(302);
  return { slug, certificateId: certificate.headers.get("location")!.split("/").at(-1)! };
}

/**
 * For a server in another process (whose outbox this process cannot read, so no sign-up link): the
 * demo's demo-ai, its editor logged in (no second factor asked of editors), with a new draft
 * certificate at the intermediate level. The server must have the demo data (`data: "demo"`).
 */
export async function demoOrganization(client: HttpClient, label: { name: string; code: string }) {
  await client.login("org-editor@demo.xcert.test");
  const code = `${label.code}-${randomBytes(2).toString("hex").toUpperCase()}`;
  const certificate = await client.post("/w/demo-ai/certificates/new", {
    code,
    nameZh: `${label.name}证书`,
    nameEn: `${label.code} test`,
    industryCode: "digital",
    levels: "intermediate",
  });
  expect(certificate.status, await certificate.clone().text()).toBe(302);
  return { slug: "demo-ai", certificateId: certificate.headers.get("location")!.split("/").at(-1)! };
}
