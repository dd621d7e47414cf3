import { sql } from "drizzle-orm";
import type { Tx } from "../client.server";
import { memberships, secondFactorExemptions, tenantAdmissions, tenants, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { seedActor } from "./actor";
import { seedScope } from "./scope";

// Admission (§二.2, decision 042): the demo's organizations and schools filed their evidence and were
// admitted by the committee; one more organization has just signed up and waits at
// /committee/admissions for the committee to admit it (its owner, pending-owner@, sees the banner).

const evidence: Record<string, { businessScope: string; proposedCertificates: string }> = {
  "demo-ai": {
    businessScope: "人工智能技术开发、技术咨询、技术服务；职业技能培训（不含学历教育）；人力资源服务。",
    proposedCertificates: "AI-DATA 人工智能数据标注\nAI-OPS 人工智能训练",
  },
  "demo-care": {
    businessScope: "养老服务；护理服务；健康咨询；职业技能培训（不含学历教育）。",
    proposedCertificates: "CARE-ELD 老年照护",
  },
  "demo-school": { businessScope: "高等职业教育。", proposedCertificates: "" },
};

export const pendingDemo = {
  tenant: {
    slug: "demo-pending",
    kind: "organization",
    name: "上海申数数字技能评价有限公司",
    nameEn: "Shanghai Shenshu Digital Skills Evaluation Co., Ltd.",
    creditCode: "91310104MA1FR2QX5G",
    district: "xuhui",
  },
  owner: { email: "pending-owner@demo.xcert.test", name: "钱申", locale: "zh-CN" },
  evidence: {
    businessScope: "数字技术服务；软件开发；职业技能培训（不含学历教育）；技能评价服务。",
    proposedCertificates: "DIGI-OPS 数字化运营\nDIGI-TWIN 数字孪生应用",
  },
} as const;

async function file(
  tx: Tx,
  tenantId: string,
  creditCode: string,
  filing: { businessScope: string; proposedCertificates: string },
  filedByUserId: string | null,
) {
  await seedScope(tx, { tenantId, role: "system" });
  const [row] = await tx
    .insert(tenantAdmissions)
    .values({ tenantId, creditCode, ...filing, filedByUserId })
    .returning();
  await audit(tx, seedActor(tenantId), { action: "admission.file", entityType: "tenant_admission", entityId: row.id, after: row });
}

export async function seedAdmissions(tx: Tx, tenantIds: Map<string, string>, passwordHash: string) {
  for (const [slug, filing] of Object.entries(evidence)) {
    const tenantId = tenantIds.get(slug)!;
    const [tenant] = await tx
      .select({ creditCode: tenants.creditCode })
      .from(tenants)
      .where(sql`${tenants.id} = ${tenantId}`);
    await file(tx, tenantId, tenant.creditCode!, filing, null);
    await tx.execute(sql`select decide_admission(${tenantId}, 'admitted', '')`);
    await audit(tx, seedActor(tenantId), {
      action: "admission.admit",
      entityType: "tenant",
      entityId: tenantId,
      after: { admission: "admitted", via: "demo seed" },
    });
  }
  // The one waiting: a tenant as verification creates it (pending), its owner, its filing.
  await seedScope(tx, { role: "system" });
  const [tenant] = await tx.insert(tenants).values(pendingDemo.tenant).returning({ id: tenants.id });
  const [user] = await tx
    .insert(users)
    .values({ ...pendingDemo.owner, passwordHash })
    .returning({ id: users.id });
  await tx.insert(secondFactorExemptions).values({ userId: user.id });
  await seedScope(tx, { tenantId: tenant.id, role: "system" });
  await tx.insert(memberships).values({ tenantId: tenant.id, userId: user.id, role: "owner" });
  await file(tx, tenant.id, pendingDemo.tenant.creditCode, pendingDemo.evidence, user.id);
}
