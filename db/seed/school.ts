import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import {
  adoptionItems,
  adoptions,
  cases,
  cohorts,
  creditRules,
  filingEvents,
  filings,
  materials,
  pilotMajorCertificates,
  pilotMajors,
  progressReports,
  questions,
  questionVersions,
  reportPeriods,
  requirementMappings,
  schoolCourses,
  standardNodes,
  standardVersions,
  users,
  violationEvidence,
  violationReports,
} from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { snapshotOf } from "../../app/modules/questions/service.server";
import { semesterOf } from "../../app/modules/school/progress.server";
import { seedScope } from "./scope";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { seedActor } from "./actor";
import { boxesPng } from "./question-media";
import { newStorageKey, storage } from "../../app/modules/storage/storage.server";

// The school side's demo (issue 15): demo-care's 老年照护 standard in two published versions with
// shared practice questions, a case and a material; demo-school's majors and cohorts, an adoption
// pinned to version 1 (so "update available" shows), a 书证融通 mapping with two uncovered
// requirements, a submitted filing, a progress report due within 14 days, a violation report.

const day = 86_400_000;

// Intermediate level of 老年照护: work areas → tasks → requirements. Version 2 rewords one requirement
// and adds one (the diff the school sees).
const careTree = [
  {
    area: "生活照护",
    tasks: [
      { task: "饮食照护", reqs: ["能为老年人进行进食、进水照护", "能识别吞咽障碍风险并采取预防措施"] },
      { task: "清洁照护", reqs: ["能为卧床老年人进行床上擦浴"] },
    ],
  },
  { area: "基础照护", tasks: [{ task: "生命体征观测", reqs: ["能测量并记录体温、脉搏、呼吸和血压", "能识别异常体征并及时报告"] }] },
];

async function insertVersion(tx: Tx, tenantId: string, certificateId: string, version: number, lineages: Map<string, string>, publishedAt: Date) {
  const [v] = await tx
    .insert(standardVersions)
    .values({ tenantId, certificateId, version, status: "draft", createdAt: new Date(publishedAt.getTime() - 3 * day) })
    .returning();
  for (const [a, area] of careTree.entries()) {
    const [areaNode] = await tx
      .insert(standardNodes)
      .values({
        tenantId,
        versionId: v.id,
        level: "intermediate",
        kind: "work_area",
        position: a + 1,
        code: `${a + 1}`,
        titleZh: area.area,
        lineageId: lineages.get(area.area),
      })
      .returning();
    lineages.set(area.area, areaNode.lineageId);
    for (const [t, task] of area.tasks.entries()) {
      const [taskNode] = await tx
        .insert(standardNodes)
        .values({
          tenantId,
          versionId: v.id,
          level: "intermediate",
          parentId: areaNode.id,
          kind: "work_task",
          position: t + 1,
          code: `${a + 1}.${t + 1}`,
          titleZh: task.task,
          lineageId: lineages.get(task.task),
        })
        .returning();
      lineages.set(task.task, taskNode.lineageId);
      const reqs = version === 2 && task.task === "生命体征观测" ? [...task.reqs, "能使用电子监测设备记录健康数据"] : task.reqs;
      for (const [r, req] of reqs.entries()) {
        const title = version === 2 && req === "能为卧床老年人进行床上擦浴" ? "能为卧床老年人进行床上擦浴和口腔清洁" : req;
        const [node] = await tx
          .insert(standardNodes)
          .values({
            tenantId,
            versionId: v.id,
            level: "intermediate",
            parentId: taskNode.id,
            kind: "skill_requirement",
            position: r + 1,
            code: `${a + 1}.${t + 1}.${r + 1}`,
            titleZh: title,
            lineageId: lineages.get(req),
          })
          .returning();
        lineages.set(req, node.lineageId);
      }
    }
  }
  return v;
}

export async function seedSchool(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const care = tenantIds.get("demo-care")!;
  const school = tenantIds.get("demo-school")!;
  const ai = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("ELDERLY-CARE")!;
  const today = shanghaiDate();

  // demo-care: standard v1 (later superseded) and v2, both published.
  await seedScope(tx, { tenantId: care, tenantKind: "organization", role: "system" });
  const lineages = new Map<string, string>();
  const v1 = await insertVersion(tx, care, certificateId, 1, lineages, new Date(Date.now() - 200 * day));
  await tx
    .update(standardVersions)
    .set({ status: "published", publishedAt: new Date(Date.now() - 200 * day) })
    .where(and(eq(standardVersions.tenantId, care), eq(standardVersions.id, v1.id)));
  const v2 = await insertVersion(tx, care, certificateId, 2, lineages, new Date(Date.now() - 5 * day));
  await tx
    .update(standardVersions)
    .set({ status: "superseded", supersededAt: new Date(Date.now() - 5 * day) })
    .where(and(eq(standardVersions.tenantId, care), eq(standardVersions.id, v1.id)));
  await tx
    .update(standardVersions)
    .set({ status: "published", publishedAt: new Date(Date.now() - 5 * day) })
    .where(and(eq(standardVersions.tenantId, care), eq(standardVersions.id, v2.id)));
  for (const v of [v1, v2])
    await audit(tx, seedActor(care), {
      action: "standard.publish",
      entityType: "standard_version",
      entityId: v.id,
      after: { version: v.version, via: "demo seed" },
    });

  const sharedQuestions = [
    {
      stem: "老年照护实操：为有吞咽障碍风险的老人喂食时，正确的体位是？",
      options: ["平卧", "坐位或半坐卧位", "俯卧", "头低脚高位"],
      answer: "B",
      requirement: "能识别吞咽障碍风险并采取预防措施",
    },
    {
      stem: "老年照护实操：测量血压前，老人应安静休息至少多长时间？",
      options: ["1 分钟", "5 分钟", "30 分钟", "无需休息"],
      answer: "B",
      requirement: "能测量并记录体温、脉搏、呼吸和血压",
    },
  ];
  const questionRows = [];
  for (const q of sharedQuestions) {
    const [row] = await tx
      .insert(questions)
      .values({
        tenantId: care,
        certificateId,
        level: "intermediate",
        type: "single_choice",
        stem: q.stem,
        options: q.options,
        answer: q.answer,
        difficulty: 2,
        requirementIds: [lineages.get(q.requirement)!],
        tags: ["实操"],
        pool: "practice",
        visibility: "shared",
        status: "published",
        version: 1,
        publishedAt: new Date(),
      })
      .returning();
    await tx.insert(questionVersions).values({ tenantId: care, questionId: row.id, version: 1, snapshot: snapshotOf(row), pool: row.pool });
    await audit(tx, seedActor(care), { action: "question.publish", entityType: "question", entityId: row.id, after: row });
    questionRows.push(row);
  }
  const [careCase] = await tx
    .insert(cases)
    .values({
      tenantId: care,
      certificateId,
      level: "intermediate",
      title: "老年照护实操案例：失能老人的居家饮食照护",
      industryContext: "社区居家养老服务中心",
      body: "## 背景\n张奶奶 82 岁，脑卒中后右侧肢体活动不便，近期进食时常呛咳。\n\n## 任务\n1. 评估吞咽功能风险；\n2. 制定进食照护方案并示范。",
      requirementIds: [lineages.get("能识别吞咽障碍风险并采取预防措施")!],
      visibility: "shared",
    })
    .returning();
  await audit(tx, seedActor(care), { action: "case.create", entityType: "case", entityId: careCase.id, after: careCase });
  const [careMaterial] = await tx
    .insert(materials)
    .values({
      tenantId: care,
      certificateId,
      title: "老年照护（中级）活页式实训手册",
      kind: "loose_leaf",
      publisher: "上海颐康职业培训中心",
      schoolEditor: "周航（上海城市职业技术学院）",
      enterpriseEditor: "赵颐（上海颐康）",
      levels: ["intermediate"],
      requirementIds: [lineages.get("能为老年人进行进食、进水照护")!],
      visibility: "shared",
    })
    .returning();
  await audit(tx, seedActor(care), { action: "material.create", entityType: "material", entityId: careMaterial.id, after: careMaterial });

  // demo-school.
  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "system" });
  const [admin] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "school-admin@demo.xcert.test"));
  const [teacher] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "school-teacher@demo.xcert.test"));
  const [elderly, computing] = await tx
    .insert(pilotMajors)
    .values([
      { tenantId: school, code: "590302", name: "智慧健康养老服务与管理", educationLevel: "higher_vocational", createdByUserId: admin?.id },
      { tenantId: school, code: "510201", name: "计算机应用技术", educationLevel: "higher_vocational", createdByUserId: admin?.id },
    ])
    .returning();
  const year = Number(today.slice(0, 4));
  await tx.insert(cohorts).values([
    // Graduates within six months, never assessed: flagged on the assessment coverage page.
    { tenantId: school, majorId: elderly.id, entryYear: year - 3, studentCount: 42, expectedGraduation: addDays(today, 150) },
    { tenantId: school, majorId: elderly.id, entryYear: year - 1, studentCount: 48, expectedGraduation: `${year + 2}-06-30` },
    { tenantId: school, majorId: computing.id, entryYear: year - 1, studentCount: 80, expectedGraduation: `${year + 2}-06-30` },
  ]);
  for (const m of [elderly, computing])
    await audit(tx, seedActor(school), { action: "pilot_major.create", entityType: "pilot_major", entityId: m.id, after: m });

  const [adoption] = await tx
    .insert(adoptions)
    .values({
      tenantId: school,
      majorId: elderly.id,
      organizationId: care,
      certificateId,
      level: "intermediate",
      standardVersionId: v1.id,
      standardVersion: 1,
      certificateName: "老年照护",
      organizationName: "上海颐康老年照护服务有限公司",
      status: "approved",
      proposalNote: "纳入 2024 级人才培养方案。",
      proposedByUserId: teacher?.id,
      decidedByUserId: admin?.id,
      decidedAt: new Date(Date.now() - 150 * day),
      createdAt: new Date(Date.now() - 160 * day),
    })
    .returning();
  await tx.insert(adoptionItems).values([
    ...questionRows.map((q) => ({
      tenantId: school,
      adoptionId: adoption.id,
      kind: "question" as const,
      itemId: q.id,
      organizationId: care,
      version: 1,
      title: q.stem,
    })),
    { tenantId: school, adoptionId: adoption.id, kind: "case" as const, itemId: careCase.id, organizationId: care, version: null, title: careCase.title },
    {
      tenantId: school,
      adoptionId: adoption.id,
      kind: "material" as const,
      itemId: careMaterial.id,
      organizationId: care,
      version: null,
      title: careMaterial.title,
    },
  ]);
  await tx.insert(pilotMajorCertificates).values({ tenantId: school, majorId: elderly.id, organizationId: care, certificateId, level: "intermediate" });
  await audit(tx, seedActor(school), {
    action: "adoption.approve",
    entityType: "adoption",
    entityId: adoption.id,
    after: { standardVersion: 1, via: "demo seed" },
  });

  // Courses and the mapping: of v1's five requirements, three are covered, two are not.
  const courses = await tx
    .insert(schoolCourses)
    .values([
      { tenantId: school, majorId: elderly.id, code: "ZH101", name: "老年生活照护", credits: "4", semester: 2, kind: "professional_core" as const },
      { tenantId: school, majorId: elderly.id, code: "ZH102", name: "老年人健康评估", credits: "3", semester: 3, kind: "professional_core" as const },
      { tenantId: school, majorId: elderly.id, code: "ZH201", name: "养老照护综合实训", credits: "2", semester: null, kind: "practice" as const },
    ])
    .returning();
  const map = (requirement: string, course: number) => ({
    tenantId: school,
    adoptionId: adoption.id,
    lineageId: lineages.get(requirement)!,
    courseId: courses[course].id,
  });
  await tx
    .insert(requirementMappings)
    .values([map("能为老年人进行进食、进水照护", 0), map("能为卧床老年人进行床上擦浴", 0), map("能测量并记录体温、脉搏、呼吸和血压", 1)]);

  await tx.insert(creditRules).values({
    tenantId: school,
    organizationId: care,
    certificateId,
    level: "intermediate",
    courseCode: "ZH201",
    courseName: "养老照护综合实训",
    credits: "2",
    exemption: "exempt_practical",
    validFrom: `${year - 1}-09-01`,
    createdByUserId: admin?.id,
  });

  const [filing] = await tx
    .insert(filings)
    .values({
      tenantId: school,
      majorId: elderly.id,
      organizationId: care,
      certificateId,
      level: "intermediate",
      certificateName: "老年照护",
      expectedStudentsPerYear: 45,
      examSitePlan: "校内老年照护实训中心（闵行校区）设考核站点，可同时容纳 20 人实操考核。",
      responsibleOffice: "教务处",
      responsiblePerson: "周航",
      contactEmail: "school-admin@demo.xcert.test",
      status: "submitted",
      submittedAt: new Date(Date.now() - 2 * day),
      createdByUserId: admin?.id,
    })
    .returning();
  await tx.insert(filingEvents).values([
    { tenantId: school, filingId: filing.id, toStatus: "draft", actorUserId: admin?.id, actorSide: "school" },
    { tenantId: school, filingId: filing.id, fromStatus: "draft", toStatus: "submitted", actorUserId: admin?.id, actorSide: "school" },
  ]);
  await audit(tx, seedActor(school), { action: "filing.submit", entityType: "filing", entityId: filing.id, after: { status: "submitted", via: "demo seed" } });

  // This semester's report is due within 14 days (the committee moved the due day for the demo).
  const current = semesterOf(today);
  const [period] = await tx
    .insert(reportPeriods)
    .values({ ...current, dueOn: addDays(today, 10) })
    .onConflictDoUpdate({ target: reportPeriods.code, set: { dueOn: addDays(today, 10) } })
    .returning();
  await tx.insert(progressReports).values({
    tenantId: school,
    periodId: period.id,
    studentsTrained: 42,
    studentsAssessed: 0,
    passCount: 0,
    credentialedTrainers: 3,
    problems: "实训设备不足。",
    createdByUserId: teacher?.id,
  });

  const [violation] = await tx
    .insert(violationReports)
    .values({
      tenantId: school,
      organizationId: ai,
      category: "forced_paid_training",
      description: "该组织要求我校学生参加其收费培训后方可报名考核，培训费每人 1,800 元，未见公示。",
      createdByUserId: teacher?.id,
    })
    .returning();
  await audit(tx, seedActor(school), {
    action: "violation_report.create",
    entityType: "violation_report",
    entityId: violation.id,
    after: { category: violation.category, via: "demo seed" },
  });
  // Two evidence files: the receipt filed with the report and a photo added afterwards (decision 056).
  const receipt = new TextEncoder().encode("%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% 培训费收据 1,800 元\ntrailer<< /Root 1 0 R >>\n%%EOF\n");
  for (const [fileName, contentType, bytes] of [
    ["培训费收据.pdf", "application/pdf", receipt],
    ["培训通知照片.png", "image/png", boxesPng()],
  ] as const) {
    const storageKey = newStorageKey(school);
    await storage().put(storageKey, bytes);
    await tx.insert(violationEvidence).values({
      tenantId: school,
      reportId: violation.id,
      fileName,
      contentType,
      sizeBytes: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey,
    });
    await audit(tx, seedActor(school), {
      action: "violation_report.evidence",
      entityType: "violation_report",
      entityId: violation.id,
      after: { fileName, contentType, via: "demo seed" },
    });
  }
}
