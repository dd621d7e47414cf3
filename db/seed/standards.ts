import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { standardNodes, standardVersions } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";

// The skill standard (职业技能等级标准) of AI-TRAINER 人工智能训练师: version 1 published, then
// superseded by version 2, which adds one skill requirement, removes one and retitles one, so the
// diff shows all three. The question seed links questions to the first two skill requirements of
// each level (in code order), so those come first and the rest of each level stays uncovered.

type Level = "junior" | "intermediate" | "senior";
type Kind = "work_area" | "work_task" | "skill_requirement";

/** A node of the seed tree; `key` names it across versions (its lineage). */
interface SeedNode {
  key: string;
  zh: string;
  en: string;
  description?: string;
  children?: SeedNode[];
}

const r = (key: string, zh: string, en: string, description?: string): SeedNode => ({ key, zh, en, description });

const aiTrainerV1: Record<Level, SeedNode[]> = {
  junior: [
    {
      key: "j-annotation",
      zh: "数据标注",
      en: "Data annotation",
      children: [
        {
          key: "j-annotation-basic",
          zh: "原始数据标注",
          en: "Raw data annotation",
          children: [
            r(
              "j-r1",
              "能在取得合法授权的前提下采集图像、文本、语音数据，并按标注规范完成拉框、分类等基础标注",
              "Can collect image, text and speech data with lawful authorization and annotate it (bounding boxes, classification) to the guideline",
              "含标注规范的理解与疑问上报。",
            ),
            r(
              "j-r2",
              "能按质检规范对标注数据进行清洗、转写校对与抽检，计算标注准确率",
              "Can clean annotated data, proofread transcriptions, sample-check and compute annotation accuracy",
            ),
            r("j-r3", "能使用标注工具完成语音数据的切分与转写", "Can segment and transcribe speech data with an annotation tool"),
          ],
        },
        {
          key: "j-annotation-review",
          zh: "标注结果整理",
          en: "Annotation result handling",
          children: [
            r("j-r4", "能按要求整理、归档标注结果并填写交付记录", "Can organize and archive annotation results and fill in the delivery record"),
            r("j-r5", "能发现并反馈标注规范中的歧义", "Can spot and report ambiguities in the annotation guideline"),
          ],
        },
      ],
    },
    {
      key: "j-collection",
      zh: "数据采集和处理",
      en: "Data collection and processing",
      children: [
        {
          key: "j-collection-business",
          zh: "业务数据采集",
          en: "Business data collection",
          children: [
            r("j-r6", "能使用采集工具从业务系统中导出结构化数据", "Can export structured data from business systems with collection tools"),
            r("j-r7", "能对采集的数据进行去重、补缺和格式统一", "Can deduplicate, fill gaps in and normalize the format of collected data"),
          ],
        },
        {
          key: "j-collection-privacy",
          zh: "数据安全与合规",
          en: "Data security and compliance",
          children: [
            r("j-r8", "能按个人信息保护要求对数据进行脱敏处理", "Can de-identify data as personal information protection requires"),
            r("j-r9", "能按权限要求存储和传输数据", "Can store and transfer data under the access rules"),
          ],
        },
      ],
    },
    {
      key: "j-ops",
      zh: "智能系统运维",
      en: "Intelligent system operation",
      children: [
        {
          key: "j-ops-daily",
          zh: "智能系统日常维护",
          en: "Daily maintenance of intelligent systems",
          children: [
            r("j-r10", "能完成智能系统的日常巡检", "Can carry out the daily inspection of an intelligent system"),
            r("j-r11", "能记录并上报系统运行中的异常", "Can record and report anomalies in system operation"),
          ],
        },
        {
          key: "j-ops-service",
          zh: "智能设备使用指导",
          en: "Guidance on intelligent devices",
          children: [
            r("j-r12", "能指导用户完成智能设备的基本操作", "Can guide users through the basic operation of intelligent devices"),
            r("j-r13", "能解答用户使用中的常见问题", "Can answer users' common questions"),
          ],
        },
      ],
    },
  ],
  intermediate: [
    {
      key: "i-training",
      zh: "智能训练",
      en: "Intelligent training",
      children: [
        {
          key: "i-training-data",
          zh: "训练数据与知识库构建",
          en: "Training data and knowledge base",
          children: [
            r(
              "i-r1",
              "能分析智能客服等业务场景中的用户意图，构建并维护问答知识库",
              "Can analyse user intents in scenarios such as customer-service bots and build and maintain a Q&A knowledge base",
            ),
            r(
              "i-r2",
              "能划分训练集、验证集与测试集，完成模型训练并用准确率、混淆矩阵评估效果",
              "Can split training, validation and test sets, train a model and evaluate it with accuracy and a confusion matrix",
            ),
            r("i-r3", "能根据评估结果调整训练数据，迭代优化模型", "Can adjust the training data from evaluation results and iterate on the model"),
          ],
        },
        {
          key: "i-training-test",
          zh: "智能系统测试",
          en: "Intelligent system testing",
          children: [
            r("i-r4", "能按测试用例对智能系统进行功能测试", "Can test the functions of an intelligent system from test cases"),
            r("i-r5", "能记录测试结果并编写测试记录", "Can record test results and write the test log"),
          ],
        },
      ],
    },
    {
      key: "i-analysis",
      zh: "业务分析",
      en: "Business analysis",
      children: [
        {
          key: "i-analysis-process",
          zh: "业务流程梳理",
          en: "Business process mapping",
          children: [
            r("i-r6", "能梳理业务流程并识别可由智能系统完成的环节", "Can map a business process and find the steps an intelligent system can take over"),
            r("i-r7", "能整理业务数据需求并形成数据需求说明", "Can collect the data needs of a business and write them down"),
          ],
        },
        {
          key: "i-analysis-report",
          zh: "业务数据分析",
          en: "Business data analysis",
          children: [
            r("i-r8", "能使用统计方法分析业务数据并形成分析报告", "Can analyse business data with statistical methods and write an analysis report"),
            r("i-r9", "能用图表呈现业务指标的变化", "Can present changes in business indicators with charts"),
          ],
        },
      ],
    },
  ],
  senior: [
    {
      key: "s-training",
      zh: "智能训练",
      en: "Intelligent training",
      children: [
        {
          key: "s-training-test",
          zh: "算法测试",
          en: "Algorithm testing",
          children: [
            r(
              "s-r1",
              "能设计并执行算法测试（A/B 测试、回归测试、分组评估），输出测试报告",
              "Can design and run algorithm tests (A/B tests, regression tests, evaluation by group) and report on them",
            ),
            r("s-r2", "能分析测试结果，定位模型缺陷并提出优化建议", "Can analyse test results, locate model defects and propose improvements"),
          ],
        },
        {
          key: "s-training-tuning",
          zh: "训练策略优化",
          en: "Training strategy optimisation",
          children: [
            r("s-r3", "能根据业务目标设计数据采集与标注方案", "Can design data collection and annotation plans from business goals"),
            r("s-r4", "能制定模型迭代计划并评估迭代效果", "Can plan model iterations and evaluate their effect"),
          ],
        },
      ],
    },
    {
      key: "s-design",
      zh: "智能系统设计",
      en: "Intelligent system design",
      children: [
        {
          key: "s-design-solution",
          zh: "智能解决方案设计",
          en: "Intelligent solution design",
          children: [
            r("s-r5", "能根据业务需求设计智能系统的整体方案", "Can design the overall solution of an intelligent system from business needs"),
            r("s-r6", "能评估方案的成本、风险与合规要求", "Can assess the cost, risks and compliance requirements of a solution"),
            r("s-r7", "能编写智能系统的需求规格说明书", "Can write the requirements specification of an intelligent system"),
          ],
        },
        {
          key: "s-design-interaction",
          zh: "人机交互流程设计",
          en: "Human–machine interaction design",
          children: [
            r("s-r8", "能设计智能客服等场景的对话流程", "Can design dialogue flows for scenarios such as customer-service bots"),
            r("s-r9", "能根据用户反馈优化交互流程", "Can improve interaction flows from user feedback"),
          ],
        },
      ],
    },
    {
      key: "s-coaching",
      zh: "培训与指导",
      en: "Training and guidance",
      children: [
        {
          key: "s-coaching-training",
          zh: "培训",
          en: "Training",
          children: [
            r("s-r10", "能编写数据标注与智能训练的培训讲义", "Can write training notes on data annotation and intelligent training"),
            r("s-r11", "能对初级、中级人员进行理论与实操培训", "Can give junior and intermediate staff theory and practical training"),
          ],
        },
        {
          key: "s-coaching-guidance",
          zh: "指导",
          en: "Guidance",
          children: [
            r("s-r12", "能指导初级、中级人员解决工作中的技术问题", "Can guide junior and intermediate staff through technical problems at work"),
            r("s-r13", "能总结并推广训练工作中的经验做法", "Can sum up and spread good practice in training work"),
          ],
        },
      ],
    },
  ],
};

/** Version 2: one requirement added, one removed (its later sibling is renumbered), one retitled. */
function aiTrainerV2(): Record<Level, SeedNode[]> {
  const copy = structuredClone(aiTrainerV1);
  const find = (nodes: SeedNode[], key: string): SeedNode | undefined => {
    for (const node of nodes) {
      const hit = node.key === key ? node : find(node.children ?? [], key);
      if (hit) return hit;
    }
    return undefined;
  };
  find(copy.junior, "j-r10")!.zh = "能完成智能系统的日常巡检并填写巡检日志";
  find(copy.junior, "j-r10")!.en = "Can carry out the daily inspection of an intelligent system and keep the inspection log";
  find(copy.intermediate, "i-analysis-report")!.children!.push(
    r("i-r10", "能使用大模型工具辅助完成业务数据分析，并核验其结果", "Can use large-model tools to assist business data analysis and verify their output"),
  );
  const solution = find(copy.senior, "s-design-solution")!;
  solution.children = solution.children!.filter((n) => n.key !== "s-r6");
  return copy;
}

const kinds: Kind[] = ["work_area", "work_task", "skill_requirement"];

/** The rows of one version: codes from positions, lineage ids by key (shared across versions). */
function nodeRows(tenantId: string, versionId: string, tree: Record<Level, SeedNode[]>, lineage: Map<string, string>) {
  const rows: (typeof standardNodes.$inferInsert)[] = [];
  const walk = (level: Level, nodes: SeedNode[], parentId: string | null, prefix: string, depth: number) => {
    for (const [i, node] of nodes.entries()) {
      const id = randomUUID();
      const code = prefix ? `${prefix}.${i + 1}` : String(i + 1);
      if (!lineage.has(node.key)) lineage.set(node.key, randomUUID());
      rows.push({
        tenantId,
        id,
        versionId,
        level,
        parentId,
        kind: kinds[depth],
        position: i + 1,
        code,
        lineageId: lineage.get(node.key)!,
        titleZh: node.zh,
        titleEn: node.en,
        description: node.description ?? "",
      });
      walk(level, node.children ?? [], id, code, depth + 1);
    }
  };
  for (const level of ["junior", "intermediate", "senior"] as const) walk(level, tree[level], null, "", 0);
  return rows;
}

export async function seedStandards(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const tenantId = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("AI-TRAINER")!;
  await seedScope(tx, { tenantId, role: "system" });
  const actor = seedActor(tenantId);
  const lineage = new Map<string, string>();
  const day = 24 * 60 * 60 * 1000;
  const published = [new Date(Date.now() - 400 * day), new Date(Date.now() - 60 * day)];
  let previous: string | null = null;
  for (const [i, tree] of [aiTrainerV1, aiTrainerV2()].entries()) {
    // Inserted as a draft (nodes may only be added to a draft), then published.
    const [draft] = await tx
      .insert(standardVersions)
      .values({ tenantId, certificateId, version: i + 1, status: "draft", createdAt: new Date(published[i].getTime() - 7 * day) })
      .returning();
    const rows = nodeRows(tenantId, draft.id, tree, lineage);
    await tx.insert(standardNodes).values(rows);
    if (previous)
      await tx
        .update(standardVersions)
        .set({ status: "superseded", supersededAt: published[i] })
        .where(and(eq(standardVersions.tenantId, tenantId), eq(standardVersions.id, previous)));
    const [version] = await tx
      .update(standardVersions)
      .set({ status: "published", publishedAt: published[i] })
      .where(and(eq(standardVersions.tenantId, tenantId), eq(standardVersions.id, draft.id)))
      .returning();
    await audit(tx, actor, {
      action: "standard.publish",
      entityType: "standard_version",
      entityId: version.id,
      after: { ...version, nodes: rows.length, via: "demo seed" },
    });
    previous = version.id;
  }
}
