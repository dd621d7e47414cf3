import type { Tx } from "../client.server";
import { certificates } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { seedScope } from "./scope";

export const demoCertificates = [
  {
    tenant: "demo-ai",
    code: "AI-TRAINER",
    nameZh: "人工智能训练师",
    nameEn: "Artificial Intelligence Trainer",
    industryCode: "ai",
    levels: ["junior", "intermediate", "senior"],
    status: "active",
    description: "面向数据采集与处理、数据标注、智能系统运维与算法测试等岗位，培养人工智能训练师。",
  },
  {
    tenant: "demo-ai",
    code: "BIGDATA-PY",
    nameZh: "大数据应用开发（Python）",
    nameEn: "Big Data Application Development (Python)",
    industryCode: "digital",
    levels: ["junior", "intermediate", "senior"],
    status: "draft",
    description: "数据采集、清洗、分析与可视化的 Python 应用开发。",
  },
  {
    tenant: "demo-care",
    code: "ELDERLY-CARE",
    nameZh: "老年照护",
    nameEn: "Elderly Care",
    industryCode: "elderly-care",
    levels: ["junior", "intermediate", "senior"],
    status: "active",
    description: "生活照护、基础照护、康复服务、心理支持与照护评估。",
  },
] as const;

export async function seedCertificates(tx: Tx, tenantIds: Map<string, string>) {
  const ids = new Map<string, string>();
  for (const { tenant, ...certificate } of demoCertificates) {
    const tenantId = tenantIds.get(tenant)!;
    await seedScope(tx, { tenantId, role: "system" });
    const [row] = await tx
      .insert(certificates)
      .values({ ...certificate, levels: [...certificate.levels], tenantId })
      .returning();
    await audit(
      tx,
      { requestId: "seed", ip: null, user: null, role: "system", tenant: { id: tenantId } },
      { action: "certificate.create", entityType: "certificate", entityId: row.id, after: row },
    );
    ids.set(certificate.code, row.id);
  }
  return ids;
}
