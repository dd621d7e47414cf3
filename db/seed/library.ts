import type { Tx } from "../client.server";
import { cases, materials, questions, questionVersions } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { snapshotOf } from "../../app/modules/questions/service.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";

// The shared course library (/library) as a school teacher should find it: searching
// "老年照护 实操" finds shared cases and practice questions of two organizations (demo-ai's elder-care
// speech data, demo-care's own certificate), and never demo-care's private case or exam question,
// which carry the same words on purpose. Titles are the library's own (prefixed nothing else seeds).

type Level = "junior" | "intermediate" | "senior";

const libraryCases: { tenant: string; certificate: string; level: Level; title: string; industryContext: string; body: string; shared: boolean }[] = [
  {
    tenant: "demo-ai",
    certificate: "AI-TRAINER",
    level: "junior",
    title: "老年照护陪护机器人方言语音标注实操",
    industryContext: "智慧养老 · 陪护机器人",
    shared: true,
    body: "## 项目背景\n\n某养老机构引入陪护机器人，老人多用沪语交流，识别率不足 60%。\n\n## 任务\n\n1. 按《方言语音标注规范》转写 200 段沪语对话；\n2. 标出呼救、身体不适等关键意图；\n3. 抽检互评，准确率达到 95% 以上。",
  },
  {
    tenant: "demo-care",
    certificate: "ELDERLY-CARE",
    level: "intermediate",
    title: "失能老人床上擦浴实操",
    industryContext: "养老机构 · 失能照护",
    shared: true,
    body: "## 情境\n\n张奶奶，82 岁，脑卒中后右侧偏瘫，长期卧床。\n\n## 操作要点\n\n1. 评估皮肤与身体状况，调节室温 24–26 ℃；\n2. 由上至下、由健侧到患侧擦浴，注意保暖与隐私；\n3. 观察受压部位皮肤，记录并报告异常。",
  },
  {
    tenant: "demo-care",
    certificate: "ELDERLY-CARE",
    level: "intermediate",
    title: "内部：照护员实操考核评分细则（不共享）",
    industryContext: "内部资料",
    shared: false,
    body: "仅供本机构考评员使用。",
  },
];

const libraryQuestions: {
  tenant: string;
  certificate: string;
  level: Level;
  type: "single_choice" | "true_false" | "practical";
  stem: string;
  options: string[];
  answer: string;
  explanation: string;
  pool: "practice" | "exam";
  shared: boolean;
}[] = [
  {
    tenant: "demo-ai",
    certificate: "AI-TRAINER",
    level: "junior",
    type: "single_choice",
    stem: "在老年照护陪护机器人的语音标注实操中，老人说话含糊、夹杂方言时，正确的做法是？",
    options: ["直接跳过该段语音", "按听到的内容转写，并标注“方言/含糊”属性", "改写成标准普通话", "只标注意图，不转写"],
    answer: "B",
    explanation: "如实转写并标注属性，模型才能学到真实语音的特征。",
    pool: "practice",
    shared: true,
  },
  {
    tenant: "demo-care",
    certificate: "ELDERLY-CARE",
    level: "intermediate",
    type: "single_choice",
    stem: "老年照护实操：为偏瘫老人穿脱上衣时，正确的顺序是？",
    options: ["先脱患侧、先穿健侧", "先脱健侧、先穿患侧", "先脱患侧、先穿患侧", "先脱健侧、先穿健侧"],
    answer: "B",
    explanation: "脱衣先健侧后患侧，穿衣先患侧后健侧，减少患侧肢体的活动范围。",
    pool: "practice",
    shared: true,
  },
  {
    tenant: "demo-care",
    certificate: "ELDERLY-CARE",
    level: "intermediate",
    type: "true_false",
    stem: "老年照护实操中，为卧床老人翻身后应检查骶尾部等受压部位皮肤。",
    options: [],
    answer: "true",
    explanation: "受压部位是压疮的好发部位，每次翻身后都要观察。",
    pool: "practice",
    shared: true,
  },
  {
    tenant: "demo-care",
    certificate: "ELDERLY-CARE",
    level: "intermediate",
    type: "practical",
    stem: "【考核题库】老年照护实操考核：完成一次轮椅转移并说明安全要点。",
    options: [],
    answer: "见评分细则",
    explanation: "",
    pool: "exam",
    shared: false,
  },
];

export async function seedLibrary(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  for (const seed of libraryCases) {
    const tenantId = tenantIds.get(seed.tenant)!;
    await seedScope(tx, { tenantId, role: "system" });
    const [row] = await tx
      .insert(cases)
      .values({
        tenantId,
        certificateId: certificateIds.get(seed.certificate)!,
        level: seed.level,
        title: seed.title,
        industryContext: seed.industryContext,
        body: seed.body,
        requirementIds: [],
        visibility: seed.shared ? "shared" : "private",
      })
      .returning();
    await audit(tx, seedActor(tenantId), { action: "case.create", entityType: "case", entityId: row.id, after: row });
  }
  for (const seed of libraryQuestions) {
    const tenantId = tenantIds.get(seed.tenant)!;
    await seedScope(tx, { tenantId, role: "system" });
    const [row] = await tx
      .insert(questions)
      .values({
        tenantId,
        certificateId: certificateIds.get(seed.certificate)!,
        level: seed.level,
        type: seed.type,
        stem: seed.stem,
        options: seed.options,
        answer: seed.answer,
        explanation: seed.explanation,
        rubric: "",
        difficulty: 2,
        requirementIds: [],
        tags: ["实操"],
        pool: seed.pool,
        visibility: seed.shared ? "shared" : "private",
        status: "published",
        version: 1,
        publishedAt: new Date(),
      })
      .returning();
    await tx.insert(questionVersions).values({ tenantId, questionId: row.id, version: 1, snapshot: snapshotOf(row), pool: row.pool });
    await audit(tx, seedActor(tenantId), { action: "question.publish", entityType: "question", entityId: row.id, after: row });
  }
  const care = tenantIds.get("demo-care")!;
  await seedScope(tx, { tenantId: care, role: "system" });
  const [material] = await tx
    .insert(materials)
    .values({
      tenantId: care,
      certificateId: certificateIds.get("ELDERLY-CARE")!,
      kind: "loose_leaf",
      title: "老年照护实操活页式教程（中级）",
      publisher: "上海颐康培训中心",
      schoolEditor: "上海城市职业技术学院 刘芳",
      enterpriseEditor: "上海颐康老年照护服务有限公司 赵颐",
      levels: ["intermediate"],
      requirementIds: [],
      description: "按工作任务编排的活页式实操教程，配操作视频二维码。",
      visibility: "shared",
    })
    .returning();
  await audit(tx, seedActor(care), { action: "material.create", entityType: "material", entityId: material.id, after: material });
}
