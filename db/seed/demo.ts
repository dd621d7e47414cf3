import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../client.server";
import { invitations, memberships, secondFactorExemptions, tenants, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { hashPassword } from "../../app/modules/auth/password.server";
import { withSystem } from "../../app/modules/tenancy/context.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";
import { seedAdmissions } from "./admissions";
import { seedCases } from "./cases";
import { seedSchool } from "./school";
import { seedCertificates } from "./certificates";
import { seedCredentials } from "./credentials";
import { seedCredentialLinks } from "./credential-links";
import { seedCommittee } from "./committee";
import { seedFees } from "./fees";
import { seedLibrary } from "./library";
import { seedMaterials } from "./materials";
import { seedQuestions } from "./questions";
import { seedQuestionMedia } from "./question-media";
import { seedStandards } from "./standards";
import { seedSupervision } from "./supervision";

// The demo a new user sees after `npm start`. Every capability adds its part below.
export const demoPassword = "demo-password-2026";

export const demoTenants = [
  {
    slug: "demo-ai",
    kind: "organization",
    name: "上海智训人工智能科技有限公司",
    nameEn: "Shanghai Zhixun AI Technology Co., Ltd.",
    creditCode: "91310000MA1FL7XK0H",
    district: "pudong",
  },
  {
    slug: "demo-care",
    kind: "organization",
    name: "上海颐康老年照护服务有限公司",
    nameEn: "Shanghai Yikang Elderly Care Services Co., Ltd.",
    creditCode: "91310115MA1H8Y2J3U",
    district: "minhang",
  },
  {
    slug: "demo-school",
    kind: "school",
    name: "上海城市职业技术学院",
    nameEn: "Shanghai City Vocational and Technical College",
    creditCode: "12310000425012345C",
    district: "xuhui",
  },
  { slug: "committee", kind: "committee", name: "上海市1+X证书专家指导委员会", nameEn: "Shanghai 1+X Certificate Expert Committee", creditCode: null },
] as const;

export const demoAccounts = [
  { email: "org-admin@demo.xcert.test", name: "王敏", tenant: "demo-ai", role: "admin", locale: "zh-CN" },
  { email: "org-editor@demo.xcert.test", name: "李想", tenant: "demo-ai", role: "editor", locale: "zh-CN" },
  { email: "org-finance@demo.xcert.test", name: "陈静", tenant: "demo-ai", role: "finance", locale: "zh-CN" },
  { email: "org2-admin@demo.xcert.test", name: "赵颐", tenant: "demo-care", role: "admin", locale: "zh-CN" },
  { email: "school-admin@demo.xcert.test", name: "周航", tenant: "demo-school", role: "admin", locale: "zh-CN" },
  { email: "school-teacher@demo.xcert.test", name: "吴老师", tenant: "demo-school", role: "teacher", locale: "zh-CN" },
  { email: "committee@demo.xcert.test", name: "孙主任", tenant: "committee", role: "admin", locale: "zh-CN" },
  { email: "committee-member@demo.xcert.test", name: "钱委员", tenant: "committee", role: "member", locale: "zh-CN" },
] as const;

async function seedTenancy(tx: Tx) {
  const passwordHash = await hashPassword(demoPassword);
  const tenantIds = new Map<string, string>();
  for (const tenant of demoTenants) {
    if (tenant.kind === "committee") {
      // No scope may insert a committee tenant (decision 019): the one committee is created once.
      const [row] = rowsOf<{ id: string }>(await tx.execute(sql`select create_committee_tenant(${tenant.slug}, ${tenant.name}, ${tenant.nameEn}) as id`));
      tenantIds.set(tenant.slug, row.id);
      continue;
    }
    const [row] = await tx.insert(tenants).values(tenant).returning({ id: tenants.id });
    tenantIds.set(tenant.slug, row.id);
  }
  // Admitted here, before anything of theirs is published (decision 042); the pending one is added after.
  for (const account of demoAccounts) {
    await seedScope(tx, { role: "system" });
    const [user] = await tx
      .insert(users)
      .values({ email: account.email, name: account.name, passwordHash, locale: account.locale })
      .returning({ id: users.id });
    // Demo accounts try everything with the password alone: exempt from the second factor, which
    // counts only under XCERT_DEMO=1 (decision 031). README shows how to enrol one anyway.
    await tx.insert(secondFactorExemptions).values({ userId: user.id });
    const tenantId = tenantIds.get(account.tenant)!;
    await seedScope(tx, { tenantId, role: "system" });
    const [membership] = await tx.insert(memberships).values({ tenantId, userId: user.id, role: account.role }).returning();
    await audit(tx, seedActor(tenantId), {
      action: "membership.create",
      entityType: "membership",
      entityId: membership.id,
      after: { email: account.email, role: account.role, via: "demo seed" },
    });
    // A pending invitation sent by demo-ai's admin, for the members page to show (and withdraw). Its
    // link was never mailed: the token is thrown away, only its hash is kept.
    if (account.email === "org-admin@demo.xcert.test") {
      await tx.insert(invitations).values({
        tenantId,
        email: "new-hire@demo.xcert.test",
        role: "viewer",
        tokenHash: createHash("sha256").update(randomBytes(32).toString("base64url")).digest("hex"),
        invitedByMembershipId: membership.id,
        expiresAt: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
      });
    }
  }
  await seedAdmissions(tx, tenantIds, passwordHash);
  return tenantIds;
}

/** Seeds the demo into an empty database; does nothing when any tenant exists. */
export async function seedDemo(): Promise<"seeded" | "skipped"> {
  if (process.env.NODE_ENV === "production") throw new Error("The demo seed is refused when NODE_ENV=production.");
  return withSystem(async (tx) => {
    const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(tenants);
    if (count > 0) return "skipped" as const;
    const tenantIds = await seedTenancy(tx);
    const certificateIds = await seedCertificates(tx, tenantIds);
    await seedFees(tx, tenantIds, certificateIds);
    await seedStandards(tx, tenantIds, certificateIds);
    await seedQuestions(tx, tenantIds, certificateIds);
    await seedQuestionMedia(tx, tenantIds, certificateIds);
    await seedMaterials(tx, tenantIds, certificateIds);
    await seedCases(tx, tenantIds, certificateIds);
    await seedLibrary(tx, tenantIds, certificateIds);
    await seedSchool(tx, tenantIds, certificateIds);
    await seedCredentials(tx, tenantIds, certificateIds);
    await seedCredentialLinks(tx, tenantIds, certificateIds);
    await seedSupervision(tx, tenantIds);
    await seedCommittee(tx, tenantIds);
    return "seeded" as const;
  });
}
