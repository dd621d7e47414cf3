import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { assessmentOrders, costCaps, feeDisclosures, payments } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { seedScope } from "./scope";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { seedActor } from "./actor";

// Fees as a new user should find them: a history with a change announced in advance, caps, a paid
// order, and two rule breaks at demo-care for the committee's fee audit (a legacy disclosure published
// with 10 days' notice, above a cap the committee lowered since).

function at(day: string) {
  return new Date(`${day}T10:00:00+08:00`);
}

export async function seedFees(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const today = shanghaiDate();
  const ai = tenantIds.get("demo-ai")!;
  const care = tenantIds.get("demo-care")!;
  const school = tenantIds.get("demo-school")!;
  const trainer = certificateIds.get("AI-TRAINER")!;
  const elderly = certificateIds.get("ELDERLY-CARE")!;

  // Caps are set by the committee (system scope here), stored with the certificate's organization.
  await seedScope(tx, { role: "system" });
  await tx.insert(costCaps).values([
    { tenantId: ai, certificateId: trainer, level: "junior", amountFen: 30_000, effectiveFrom: at("2025-01-01"), reason: "教职成厅函〔2020〕11号" },
    { tenantId: ai, certificateId: trainer, level: "intermediate", amountFen: 50_000, effectiveFrom: at("2025-01-01"), reason: "教职成厅函〔2020〕11号" },
    { tenantId: ai, certificateId: trainer, level: "senior", amountFen: 80_000, effectiveFrom: at("2025-01-01"), reason: "教职成厅函〔2020〕11号" },
    { tenantId: care, certificateId: elderly, level: "intermediate", amountFen: 50_000, effectiveFrom: at("2025-01-01"), reason: "教职成厅函〔2020〕11号" },
    { tenantId: care, certificateId: elderly, level: "intermediate", amountFen: 45_000, effectiveFrom: at(addDays(today, -5)), reason: "成本核算复核后下调" },
  ]);

  const contact = "021-6482 0000 · fees@demo-ai.xcert.test";
  const disclose = async (tenantId: string, values: Omit<typeof feeDisclosures.$inferInsert, "tenantId" | "status">) => {
    await seedScope(tx, { tenantId, role: "system" });
    const [row] = await tx
      .insert(feeDisclosures)
      .values({ ...values, tenantId, status: "published" })
      .returning();
    await audit(tx, seedActor(tenantId), { action: "fee_disclosure.publish", entityType: "fee_disclosure", entityId: row.id, after: row });
    return row;
  };
  const base = { certificateId: trainer, unit: "per_person" as const, contact };
  const old = await disclose(ai, {
    ...base,
    level: "intermediate",
    kind: "assessment",
    amountFen: 35_000,
    includes: "理论考试与实操考核各一次，含证书工本费。",
    effectiveFrom: addDays(today, -200),
    publishedAt: at(addDays(today, -260)),
  });
  await disclose(ai, {
    ...base,
    level: "intermediate",
    kind: "assessment",
    amountFen: 38_000,
    includes: "理论考试与实操考核各一次，含证书工本费。",
    effectiveFrom: addDays(today, 45),
    publishedAt: at(addDays(today, -1)),
    supersedesId: old.id,
    changeReason: "实操考核新增数据标注工位，耗材成本上升。",
  });
  await disclose(ai, {
    ...base,
    level: "intermediate",
    kind: "training",
    amountFen: 280_000,
    includes: "64 学时面授与实训，含教材。",
    effectiveFrom: addDays(today, -200),
    publishedAt: at(addDays(today, -260)),
  });
  await disclose(ai, {
    ...base,
    level: "senior",
    kind: "teacher_training",
    unit: "per_session",
    amountFen: 120_000,
    includes: "师资培训 3 天，自愿报名。",
    effectiveFrom: addDays(today, -120),
    publishedAt: at(addDays(today, -170)),
  });
  await disclose(care, {
    certificateId: elderly,
    level: "intermediate",
    kind: "assessment",
    unit: "per_person",
    amountFen: 48_000,
    includes: "理论与技能操作考核。",
    contact: "021-5566 0000",
    effectiveFrom: addDays(today, -20),
    publishedAt: at(addDays(today, -30)),
  });

  // demo-school ordered 60 candidates ten days ago at the fee then in force, and paid by transfer.
  const orderDay = addDays(today, -10);
  const fee = old;
  // Placed as the school's admin places it (the trigger checks the price), paid as finance confirms.
  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "admin" });
  const [placed] = await tx
    .insert(assessmentOrders)
    .values({
      tenantId: ai,
      number: `XC${orderDay.replace(/-/g, "")}-DEMO01`,
      schoolTenantId: school,
      certificateId: trainer,
      level: "intermediate",
      disclosureId: fee.id,
      examSite: "上海城市职业技术学院 徐汇校区 实训楼 3 层",
      examDate: addDays(today, 20),
      orderDate: orderDay,
      headcount: 60,
      unitPriceFen: fee.amountFen,
      totalFen: fee.amountFen * 60,
      contactEmail: "school-admin@demo.xcert.test",
    })
    .returning();
  await audit(tx, { ...seedActor(school), role: "admin" }, { action: "order.create", entityType: "assessment_order", entityId: placed.id, after: placed });
  await seedScope(tx, { tenantId: ai, role: "system" });
  const [order] = await tx
    .update(assessmentOrders)
    .set({ status: "paid", paidAt: at(addDays(today, -8)) })
    .where(and(eq(assessmentOrders.tenantId, ai), eq(assessmentOrders.id, placed.id)))
    .returning();
  const [payment] = await tx
    .insert(payments)
    .values({
      tenantId: ai,
      orderId: order.id,
      method: "bank_transfer",
      status: "succeeded",
      amountFen: order.totalFen,
      bankReference: "ICBC 2026-DEMO-0001",
      confirmedAt: at(addDays(today, -8)),
    })
    .returning();
  await audit(tx, seedActor(ai), { action: "order.paid", entityType: "assessment_order", entityId: order.id, after: { order, payment } });
}
