import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import {
  evaluationPeriods,
  evaluationResults,
  evaluationScores,
  evaluationWeights,
  typicalCases,
  typicalCaseScores,
  users,
  violationReportNotes,
  violationReports,
  violationReportUpdates,
} from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { criteria, defaultWeights, weightedScore, type Criterion } from "../../app/modules/evaluations/criteria";
import { evaluationEvidence } from "../../app/modules/evaluations/evaluations.server";
import { seedActor } from "./actor";
import { seedScope } from "./scope";

// The committee's supervision (issue 17): a finalized 2025 evaluation published at /evaluations/2025,
// this year's period in progress (evidence computed live; no member has scored yet), the demo
// violation report under investigation with an internal note, and typical cases: two submitted, one
// selected (public at /cases/selected).
export async function seedSupervision(tx: Tx, tenantIds: Map<string, string>) {
  const committee = tenantIds.get("committee")!;
  const ai = tenantIds.get("demo-ai")!;
  const care = tenantIds.get("demo-care")!;
  const school = tenantIds.get("demo-school")!;
  // The seeds before this one leave the scope on their last tenant: back to the system's to read users.
  await seedScope(tx, { role: "system" });
  const userId = async (email: string) => (await tx.select({ id: users.id }).from(users).where(eq(users.email, email)))[0].id;
  const secretary = await userId("committee@demo.xcert.test");
  const member = await userId("committee-member@demo.xcert.test");
  const year = new Date().getFullYear();

  // The violation report the school filed: received, now under investigation (moved by the
  // secretary: only the committee's members move a report, decision 037).
  await seedScope(tx, { tenantId: committee, tenantKind: "committee", role: "admin", userId: secretary });
  const [report] = await tx.select().from(violationReports).where(eq(violationReports.tenantId, school));
  await tx
    .update(violationReports)
    .set({ status: "investigating" })
    .where(and(eq(violationReports.tenantId, school), eq(violationReports.id, report.id)));
  await tx
    .insert(violationReportUpdates)
    .values({ tenantId: school, reportId: report.id, status: "investigating", note: "已受理，正在向该组织调取收费公示与培训报名记录。", byUserId: secretary });
  await tx
    .insert(violationReportNotes)
    .values({ tenantId: school, reportId: report.id, body: "与 2025 年评估中的收费问题相互印证；约谈前先核对公示平台记录。", authorUserId: secretary });
  await audit(tx, seedActor(committee), {
    action: "violation_report.status",
    entityType: "violation_report",
    entityId: report.id,
    after: { status: "investigating", via: "demo seed" },
  });

  // Evaluations. 2025: scored by both members, decided and finalized with the evidence as it stood
  // and its weights frozen (the defaults).
  await seedScope(tx, { tenantId: committee, tenantKind: "committee", role: "system" });
  const evidence = await evaluationEvidence(tx);
  const [past] = await tx
    .insert(evaluationPeriods)
    .values({
      tenantId: committee,
      code: String(year - 1),
      title: `${year - 1} 年度培训评价组织动态遴选`,
      createdByUserId: secretary,
      createdAt: new Date(Date.now() - 300 * 86_400_000),
    })
    .returning();
  await tx
    .insert(evaluationWeights)
    .values(criteria.map((criterion) => ({ tenantId: committee, periodId: past.id, criterion, weight: defaultWeights[criterion], setByUserId: secretary })));
  const pastScores: Record<string, Record<Criterion, number>> = {
    [ai]: { certificate_quality: 78, industry_recognition: 70, integrity: 60, non_profit: 65, regional_service: 80, no_violation: 55 },
    [care]: { certificate_quality: 88, industry_recognition: 85, integrity: 90, non_profit: 82, regional_service: 86, no_violation: 95 },
  };
  for (const [organizationId, scores] of Object.entries(pastScores))
    for (const criterion of criteria)
      await tx.insert(evaluationScores).values([
        { tenantId: committee, periodId: past.id, organizationId, criterion, memberUserId: secretary, score: scores[criterion], comment: "" },
        {
          tenantId: committee,
          periodId: past.id,
          organizationId,
          criterion,
          memberUserId: member,
          score: scores[criterion],
          comment: criterion === "integrity" && organizationId === ai ? "收费公示不及时，需限期整改。" : "",
        },
      ]);
  const decisions = { [ai]: { decision: "warn" as const, note: "收费公示存在问题，予以警示，限期整改。" }, [care]: { decision: "retain" as const, note: "" } };
  for (const e of evidence) {
    const chosen = decisions[e.organizationId] ?? { decision: "retain" as const, note: "" };
    const weighted = pastScores[e.organizationId] ? weightedScore(pastScores[e.organizationId], defaultWeights) : null;
    await tx.insert(evaluationResults).values({
      tenantId: committee,
      periodId: past.id,
      organizationId: e.organizationId,
      ...chosen,
      evidence: e,
      weightedScore: weighted?.toFixed(2) ?? null,
      decidedByUserId: secretary,
    });
  }
  await tx
    .update(evaluationPeriods)
    .set({ status: "finalized", finalizedAt: new Date(Date.now() - 200 * 86_400_000), finalizedByUserId: secretary })
    .where(and(eq(evaluationPeriods.tenantId, committee), eq(evaluationPeriods.id, past.id)));
  await audit(tx, seedActor(committee), {
    action: "evaluation_period.finalize",
    entityType: "evaluation_period",
    entityId: past.id,
    after: { code: past.code, via: "demo seed" },
  });

  // This year's period, in progress: the evidence fills in from the data; members score.
  const [current] = await tx
    .insert(evaluationPeriods)
    .values({ tenantId: committee, code: String(year), title: `${year} 年度培训评价组织动态遴选`, createdByUserId: secretary })
    .returning();
  // No weights of its own while open: it scores with the committee's weights in force (decision 055).
  await audit(tx, seedActor(committee), {
    action: "evaluation_period.create",
    entityType: "evaluation_period",
    entityId: current.id,
    after: { code: current.code, via: "demo seed" },
  });

  // Typical cases: the school's and demo-ai's submitted; demo-care's selected.
  const submitted = [
    {
      tenantId: school,
      title: "书证融通：老年照护证书嵌入专业核心课程",
      summary: "将老年照护（中级）职业技能等级标准的 5 项要求映射到 3 门核心课程，实训学时增加 30%。",
      body: "学校以标准第 1 版为基线，逐项映射课程与实训模块……",
    },
    {
      tenantId: ai,
      title: "校企共建人工智能训练师实训基地",
      summary: "与 3 所高职院校共建实训基地，行业企业培训师占比达到 45%。",
      body: "组织联合企业工程师组成培训团队……",
    },
  ];
  for (const c of submitted) {
    await seedScope(tx, { tenantId: c.tenantId, role: "system" });
    const [row] = await tx.insert(typicalCases).values(c).returning();
    await audit(tx, seedActor(c.tenantId), {
      action: "typical_case.submit",
      entityType: "typical_case",
      entityId: row.id,
      after: { title: c.title, via: "demo seed" },
    });
  }
  await seedScope(tx, { tenantId: care, role: "system" });
  const [selected] = await tx
    .insert(typicalCases)
    .values({
      tenantId: care,
      title: "养老照护考核站点的标准化建设",
      summary: "闵行区考核站点统一设备清单与考务流程，考核一次通过率提升至 86%。",
      body: "组织依据考核站点建设要求，统一了实操考核设备和考务流程……",
    })
    .returning();
  await seedScope(tx, { tenantId: committee, tenantKind: "committee", role: "system" });
  await tx.insert(typicalCaseScores).values([
    { tenantId: care, caseId: selected.id, memberUserId: secretary, score: 90, comment: "可复制性强。" },
    { tenantId: care, caseId: selected.id, memberUserId: member, score: 86, comment: "" },
  ]);
  await tx
    .update(typicalCases)
    .set({ status: "selected", decidedAt: new Date(), decidedByUserId: secretary })
    .where(and(eq(typicalCases.tenantId, care), eq(typicalCases.id, selected.id)));
  await audit(tx, seedActor(committee), { action: "typical_case.select", entityType: "typical_case", entityId: selected.id, after: { via: "demo seed" } });
}
