import { createHash } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { materialAttachments, materials, standardVersions } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { isbn13CheckDigit } from "../../app/modules/materials/schemas";
import { skillRequirements } from "../../app/modules/standards/requirements.server";
import { newStorageKey, storage } from "../../app/modules/storage/storage.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";

// Teaching materials of AI-TRAINER as a new user should find them (§二.5): a loose-leaf textbook
// co-edited by a school and an enterprise chief editor (双主编), shared with schools; a workbook;
// courseware with a small PDF attached; a private video. Linked to the skill requirements when the
// certificate has a published standard.

/** A one-page PDF with a line of text, offsets computed so readers accept it. */
export function tinyPdf(line: string) {
  const text = line.replace(/[()\\]/g, (c) => `\\${c}`);
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

export async function seedMaterials(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const tenantId = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("AI-TRAINER")!;
  await seedScope(tx, { tenantId, role: "system" });
  const requirements = await skillRequirements(tx, tenantId, certificateId);
  const ofLevel = (level: string) => requirements.filter((r) => r.level === level).map((r) => r.lineageId);
  const [standard] = await tx
    .select({ id: standardVersions.id })
    .from(standardVersions)
    .where(and(eq(standardVersions.tenantId, tenantId), eq(standardVersions.certificateId, certificateId), eq(standardVersions.status, "published")))
    .orderBy(desc(standardVersions.version))
    .limit(1);
  const common = { tenantId, certificateId, standardVersionId: standard?.id ?? null };
  const seeds = [
    {
      ...common,
      kind: "loose_leaf" as const,
      title: "人工智能训练师（初级）",
      // 978-7-04 is 高等教育出版社's prefix; the check digit is computed, not typed.
      isbn: `978704061234${isbn13CheckDigit("978704061234")}`,
      publisher: "高等教育出版社",
      schoolEditor: "张华（上海城市职业技术学院）",
      enterpriseEditor: "刘强（上海智训人工智能科技有限公司）",
      levels: ["junior" as const],
      requirementIds: ofLevel("junior"),
      description: "新型活页式教材：按数据采集、数据处理、数据标注的工作任务编排，每个任务配实训工单，可随标准更新替换活页。",
      visibility: "shared" as const,
    },
    {
      ...common,
      kind: "workbook" as const,
      title: "人工智能训练师（中级）实训工作手册",
      isbn: `978712145678${isbn13CheckDigit("978712145678")}`,
      publisher: "电子工业出版社",
      schoolEditor: "陈敏（上海城市职业技术学院）",
      enterpriseEditor: "",
      levels: ["intermediate" as const],
      requirementIds: ofLevel("intermediate").slice(0, 2),
      description: "工作手册式教材：智能客服意图标注、知识库构建与模型训练的实训任务与评价表。",
      visibility: "shared" as const,
    },
    {
      ...common,
      kind: "courseware" as const,
      title: "数据标注质检 教学课件",
      isbn: null,
      publisher: "",
      schoolEditor: "",
      enterpriseEditor: "刘强（上海智训人工智能科技有限公司）",
      levels: ["junior" as const, "intermediate" as const],
      requirementIds: ofLevel("junior").slice(0, 1),
      description: "质检抽样方法、准确率计算与返工流程，配套课堂练习。",
      visibility: "shared" as const,
    },
    {
      ...common,
      kind: "video" as const,
      title: "智能客服对话日志标注 操作演示视频（内部评审稿）",
      isbn: null,
      publisher: "",
      schoolEditor: "",
      enterpriseEditor: "王磊（上海智训人工智能科技有限公司）",
      levels: ["intermediate" as const],
      requirementIds: [],
      description: "评审中，暂不共享。",
      visibility: "private" as const,
    },
  ];
  for (const seed of seeds) {
    const [row] = await tx.insert(materials).values(seed).returning();
    await audit(tx, seedActor(tenantId), { action: "material.create", entityType: "material", entityId: row.id, after: row });
    if (seed.kind !== "courseware") continue;
    const bytes = tinyPdf("AI Trainer - Annotation Quality Check (courseware)");
    const storageKey = newStorageKey(tenantId);
    await storage().put(storageKey, bytes);
    const [attachment] = await tx
      .insert(materialAttachments)
      .values({
        tenantId,
        materialId: row.id,
        fileName: "数据标注质检-课件.pdf",
        contentType: "application/pdf",
        sizeBytes: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        storageKey,
      })
      .returning();
    await audit(tx, seedActor(tenantId), {
      action: "material_attachment.create",
      entityType: "material_attachment",
      entityId: attachment.id,
      after: attachment,
    });
  }
}
