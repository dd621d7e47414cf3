import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../client.server";
import { memberships, tenants, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { hashPassword } from "../../app/modules/auth/password.server";
import { withSystem } from "../../app/modules/tenancy/context.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";
import { seedCases } from "./cases";
import { seedCertificates } from "./certificates";
import { seedFees } from "./fees";
import { seedMaterials } from "./materials";
import { seedQuestions } from "./questions";
import { seedStandards } from "./standards";

// The demo a new user sees after `npm start`. Every capability adds its part below.
export const demoPassword = "demo-password-2026";

export const demoTenants = [
  { slug: "demo-ai", kind: "organization", name: "上海智训人工智能科技有限公司", nameEn: "Shanghai Zhixun AI Technology Co., Ltd.", creditCode: "91310000MA1FL7XK0H" },
  { slug: "demo-care", kind: "organization", name: "上海颐康老年照护服务有限公司", nameEn: "Shanghai Yikang Elderly Care Services Co., Ltd.", creditCode: "91310115MA1H8Y2J3U" },
  { slug: "demo-school", kind: "school", name: "上海城市职业技术学院", nameEn: "Shanghai City Vocational and Technical College", creditCode: "12310000425012345C" },
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
  for (const account of demoAccounts) {
    await seedScope(tx, { role: "system" });
    const [user] = await tx
      .insert(users)
      .values({ email: account.email, name: account.name, passwordHash, locale: account.locale })
      .returning({ id: users.id });
    const tenantId = tenantIds.get(account.tenant)!;
    await seedScope(tx, { tenantId, role: "system" });
    const [membership] = await tx.insert(memberships).values({ tenantId, userId: user.id, role: account.role }).returning();
    await audit(tx, seedActor(tenantId), { action: "membership.create", entityType: "membership", entityId: membership.id, after: { email: account.email, role: account.role, via: "demo seed" } });
  }
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
    await seedMaterials(tx, tenantIds, certificateIds);
    await seedCases(tx, tenantIds, certificateIds);
    return "seeded" as const;
  });
}
