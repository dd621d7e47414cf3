import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { questions, questionVersions } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { snapshotOf } from "../../app/modules/questions/service.server";
import { skillRequirements } from "../../app/modules/standards/requirements.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";

// The question bank of AI-TRAINER as a new user should find it: every type, both pools, linked to
// the published standard's skill requirements (one requirement left uncovered, for the coverage
// page), a question with two published versions (for the diff), and a draft; a near-duplicate pair
// and two questions without requirements (issue 19: similar questions, requirement suggestions).

type Level = "junior" | "intermediate" | "senior";
type Seed = {
  level: Level;
  type: "single_choice" | "multiple_choice" | "true_false" | "fill_blank" | "short_answer" | "practical";
  stem: string;
  options?: string[];
  answer: string;
  explanation?: string;
  rubric?: string;
  difficulty: number;
  /** The n-th skill requirement of the level (in code order), if the standard has it. */
  requirement?: number;
  tags?: string[];
  pool?: "practice" | "exam";
  shared?: boolean;
};

const bank: Seed[] = [
  {
    level: "junior",
    type: "single_choice",
    stem: "数据标注中，用矩形框标出图像中目标位置的方法称为？",
    options: ["语义分割", "拉框标注", "关键点标注", "文本转写"],
    answer: "B",
    explanation: "拉框标注（bounding box）用矩形框标出目标。",
    difficulty: 1,
    requirement: 0,
    tags: ["数据标注", "图像"],
    shared: true,
  },
  {
    level: "junior",
    type: "single_choice",
    stem: "采集业务数据前，首先应确认的是？",
    options: ["数据的存储格式", "数据采集的合法授权与用途", "服务器的型号", "标注工具的界面颜色"],
    answer: "B",
    explanation: "个人信息保护法要求采集前取得授权并明确用途。",
    difficulty: 2,
    requirement: 0,
    tags: ["数据采集", "合规"],
    shared: true,
  },
  {
    level: "junior",
    type: "multiple_choice",
    stem: "以下哪些属于数据清洗的常见操作？",
    options: ["去除重复记录", "填补或删除缺失值", "统一日期格式", "随意修改异常值使其符合预期"],
    answer: "ABC",
    explanation: "异常值须核实后处理，不能随意修改。",
    difficulty: 2,
    requirement: 1,
    tags: ["数据清洗"],
    shared: true,
  },
  {
    level: "junior",
    type: "true_false",
    stem: "语音数据转写时，可以根据自己的理解补全说话人没有说出的内容。",
    answer: "false",
    explanation: "转写须忠实于原始语音，不得臆测补全。",
    difficulty: 1,
    requirement: 1,
    tags: ["数据标注", "语音"],
    shared: true,
  },
  {
    level: "junior",
    type: "fill_blank",
    stem: "标注质量常用的抽检指标是标注的（　　）率。",
    answer: "准确",
    explanation: "准确率 = 正确标注数 / 抽检总数。",
    difficulty: 2,
    requirement: 1,
    tags: ["质检"],
  },
  {
    level: "junior",
    type: "single_choice",
    stem: "对一批图片做分类标注时，发现类别定义有歧义，正确的做法是？",
    options: ["按自己的理解继续标注", "暂停并向项目负责人确认标注规范", "跳过这些图片", "随机选择一个类别"],
    answer: "B",
    difficulty: 2,
    requirement: 0,
    pool: "exam",
  },
  { level: "junior", type: "true_false", stem: "数据标注完成后不需要做质量检验。", answer: "false", difficulty: 1, requirement: 1, pool: "exam" },
  {
    level: "intermediate",
    type: "single_choice",
    stem: "智能客服训练中，“意图识别”指的是？",
    options: ["识别用户的情绪", "判断用户话语想要完成的目标", "识别说话人的身份", "把语音转成文字"],
    answer: "B",
    explanation: "意图识别判断用户想做什么，如查询订单、退货。",
    difficulty: 2,
    requirement: 0,
    tags: ["智能客服", "NLP"],
    shared: true,
  },
  {
    level: "intermediate",
    type: "multiple_choice",
    stem: "构建智能客服知识库时，应做到哪些？",
    options: ["问题与答案一一对应", "覆盖高频问题", "定期根据对话日志更新", "答案越长越好"],
    answer: "ABC",
    difficulty: 3,
    requirement: 0,
    tags: ["智能客服", "知识库"],
    shared: true,
  },
  {
    level: "intermediate",
    type: "short_answer",
    stem: "简述训练数据集划分为训练集、验证集和测试集的目的。",
    answer: "训练集用于拟合模型参数；验证集用于调参与选择模型；测试集用于评估最终模型在未见数据上的泛化能力，三者互不重叠以避免信息泄漏。",
    difficulty: 3,
    requirement: 1,
    tags: ["模型训练"],
  },
  {
    level: "intermediate",
    type: "practical",
    stem: "使用给定的 500 条客服对话日志，完成意图标注并统计各意图占比。",
    answer: "提交标注结果文件与意图占比统计表。",
    rubric: "标注规范理解 20 分；标注准确率≥95% 40 分；统计表正确 20 分；操作规范与时间 20 分。",
    difficulty: 4,
    requirement: 1,
    tags: ["实操", "智能客服"],
    pool: "exam",
  },
  {
    level: "intermediate",
    type: "single_choice",
    stem: "模型在训练集上准确率很高、在测试集上很低，最可能的原因是？",
    options: ["欠拟合", "过拟合", "数据量过大", "学习率为零"],
    answer: "B",
    difficulty: 3,
    requirement: 1,
    pool: "exam",
  },
  {
    level: "intermediate",
    type: "fill_blank",
    stem: "混淆矩阵中，实际为正、预测为负的样本称为假（　　）例。",
    answer: "负",
    difficulty: 3,
    requirement: 1,
    pool: "exam",
  },
  {
    level: "senior",
    type: "single_choice",
    stem: "对智能系统做 A/B 测试时，评价指标应在何时确定？",
    options: ["测试结束后根据结果选择", "测试开始前", "任意时间", "由用户投票决定"],
    answer: "B",
    explanation: "事先确定指标，避免结果导向地挑选指标。",
    difficulty: 4,
    requirement: 0,
    tags: ["算法测试"],
    shared: true,
  },
  {
    level: "senior",
    type: "multiple_choice",
    stem: "以下哪些做法有助于发现模型的偏差（bias）？",
    options: ["按人群分组评估指标", "检查训练数据的分布", "只看总体准确率", "构造对照测试样本"],
    answer: "ABD",
    difficulty: 4,
    requirement: 0,
    tags: ["算法测试", "公平性"],
  },
  // Issue 19 item 4: a near-duplicate of the first question (same type, stems alike), shown under "similar questions".
  {
    level: "junior",
    type: "single_choice",
    stem: "数据标注中，用矩形框标出图像中目标所在位置的方法称为？",
    options: ["拉框标注", "语义分割", "关键点标注", "文本转写"],
    answer: "A",
    difficulty: 1,
    tags: ["数据标注", "图像"],
  },
  // Issue 19 item 5: questions without skill requirements, for which the question page suggests some.
  {
    level: "junior",
    type: "single_choice",
    stem: "对采集到的个人信息数据进行脱敏处理，是为了满足哪项要求？",
    options: ["个人信息保护要求", "数据格式统一", "标注效率", "存储空间"],
    answer: "A",
    difficulty: 2,
    tags: ["合规"],
  },
  {
    level: "intermediate",
    type: "true_false",
    stem: "用图表呈现业务指标的变化，有助于发现业务数据中的趋势。",
    answer: "true",
    difficulty: 1,
    tags: ["数据分析"],
  },
  {
    level: "senior",
    type: "practical",
    stem: "为一个图像分类模型设计并执行一轮回归测试，输出测试报告。",
    answer: "测试计划、测试集说明、结果对比表与结论。",
    rubric: "测试计划完整 30 分；测试集代表性 20 分；结果分析 30 分；报告规范 20 分。",
    difficulty: 5,
    requirement: 0,
    pool: "exam",
  },
];

export async function seedQuestions(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const tenantId = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("AI-TRAINER")!;
  await seedScope(tx, { tenantId, role: "system" });
  const requirements = await skillRequirements(tx, tenantId, certificateId);
  const byLevel = (level: Level) => requirements.filter((r) => r.level === level);
  for (const [i, seed] of bank.entries()) {
    const requirement = seed.requirement === undefined ? undefined : byLevel(seed.level)[seed.requirement];
    const values = {
      tenantId,
      certificateId,
      level: seed.level,
      type: seed.type,
      stem: seed.stem,
      options: seed.options ?? [],
      answer: seed.answer,
      explanation: seed.explanation ?? "",
      rubric: seed.rubric ?? "",
      difficulty: seed.difficulty,
      requirementIds: requirement ? [requirement.lineageId] : [],
      tags: seed.tags ?? [],
      pool: seed.pool ?? ("practice" as const),
      visibility: seed.shared ? ("shared" as const) : ("private" as const),
      // The last one stays a draft; the rest are published.
      status: i === bank.length - 1 ? ("draft" as const) : ("published" as const),
      version: i === bank.length - 1 ? 0 : 1,
      publishedAt: i === bank.length - 1 ? null : new Date(),
    };
    const [row] = await tx.insert(questions).values(values).returning();
    if (row.version) await tx.insert(questionVersions).values({ tenantId, questionId: row.id, version: 1, snapshot: snapshotOf(row), pool: row.pool });
    await audit(tx, seedActor(tenantId), {
      action: row.version ? "question.publish" : "question.create",
      entityType: "question",
      entityId: row.id,
      after: row,
    });
    // The first question was revised once: version 2 has a fuller explanation and a harder rating.
    if (i === 0) {
      const [revised] = await tx
        .update(questions)
        .set({
          explanation: "拉框标注（bounding box）用矩形框标出目标的位置和范围，常用于目标检测数据集。",
          difficulty: 2,
          version: 2,
          publishedAt: new Date(),
        })
        .where(and(eq(questions.tenantId, tenantId), eq(questions.id, row.id)))
        .returning();
      await tx.insert(questionVersions).values({ tenantId, questionId: row.id, version: 2, snapshot: snapshotOf(revised), pool: revised.pool });
      await audit(tx, seedActor(tenantId), { action: "question.publish", entityType: "question", entityId: row.id, before: row, after: revised });
    }
  }
}
