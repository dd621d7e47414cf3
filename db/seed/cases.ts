import type { Tx } from "../client.server";
import { cases } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { skillRequirements } from "../../app/modules/standards/requirements.server";
import { seedScope } from "./scope";
import { seedActor } from "./actor";

// The case bank of AI-TRAINER as a new user should find it: real project settings in Markdown
// (headings, lists, a table), every level, shared and private cases, linked to the published
// standard's skill requirements when the standard has them.

type Level = "junior" | "intermediate" | "senior";
type Seed = { level: Level; title: string; industryContext: string; body: string; shared: boolean; requirements: number[] };

const bank: Seed[] = [
  {
    level: "junior",
    title: "城市交通摄像头图像数据清洗",
    industryContext: "智慧交通 · 城市道路监控",
    shared: true,
    requirements: [0, 1],
    body: `## 项目背景

某区交通管理部门计划训练车辆与行人检测模型，从 120 路路口摄像头导出了 30 万张图片。原始数据中存在夜间过暗、镜头被遮挡、重复帧等问题，需要在标注前完成清洗。

## 任务

1. 按《图像数据清洗规范》剔除模糊、过曝、全黑和镜头遮挡的图片；
2. 用感知哈希去除相邻帧中的重复图片；
3. 对车牌和人脸做脱敏处理（打码），满足个人信息保护要求；
4. 输出清洗报告。

## 清洗前后对比

| 指标 | 清洗前 | 清洗后 |
| --- | ---: | ---: |
| 图片数量 | 300,000 | 186,420 |
| 重复帧比例 | 27.5% | 0.3% |
| 无效图片比例 | 9.8% | 0.6% |

> 提示：剔除的图片须保留清单，便于复核和追溯。`,
  },
  {
    level: "junior",
    title: "社区养老服务热线语音转写与标注",
    industryContext: "智慧养老 · 语音数据",
    shared: false,
    requirements: [1],
    body: `## 项目背景

社区养老服务热线每天接听约 800 通老人来电，为训练方言语音识别模型，需要对 200 小时录音做转写和说话人标注。

## 要求

- 转写忠实于原始语音，听不清的部分标注为 \`[听不清]\`，不得臆测补全；
- 标注说话人（坐席 / 来电老人）和方言类型（上海话、普通话）；
- 来电人的姓名、住址、电话一律替换为占位符。

## 验收

抽检 5% 的音频，字准确率不低于 **95%** 方可交付。`,
  },
  {
    level: "intermediate",
    title: "某电商平台智能客服意图标注项目",
    industryContext: "电子商务 · 智能客服",
    shared: true,
    requirements: [0, 1],
    body: `## 项目背景

某电商平台在“双十一”前升级智能客服，需要对 2 万条用户咨询标注意图，用于训练意图识别模型。

## 意图体系（节选）

| 一级意图 | 二级意图 | 示例 |
| --- | --- | --- |
| 订单 | 查询物流 | 我的快递到哪了？ |
| 订单 | 修改地址 | 地址填错了能改吗？ |
| 售后 | 申请退货 | 衣服尺码不合适想退 |
| 售后 | 催促退款 | 退款怎么还没到账？ |

## 任务

1. 阅读意图体系和标注规范，完成 200 条试标并与标准答案比对；
2. 正式标注，每条只标一个最主要的意图，无法判断的标为“其他”；
3. 两人交叉标注 10% 的数据，计算一致率；
4. 汇总各意图占比，提出需要补充语料的意图。

参考资料：[个人信息保护法](https://www.npc.gov.cn/)`,
  },
  {
    level: "intermediate",
    title: "银行反欺诈模型训练数据质检",
    industryContext: "金融 · 风险控制",
    shared: false,
    requirements: [1],
    body: `## 项目背景

某商业银行上海分行的反欺诈团队使用 50 万笔交易记录训练欺诈识别模型，其中欺诈样本只占 0.4%。外包标注的“是否欺诈”标签质量参差不齐，需要在训练前做质检。

## 质检方案

- 对欺诈样本 **全量复核**，对正常样本按 2% 分层抽样；
- 检查字段缺失、金额异常（负数、超出限额）、时间戳错乱；
- 统计每位标注员的差错率，差错率超过 3% 的批次退回重标。

## 质检结果

| 批次 | 抽检数 | 差错数 | 差错率 | 结论 |
| --- | ---: | ---: | ---: | --- |
| A | 2,000 | 18 | 0.9% | 通过 |
| B | 2,000 | 75 | 3.8% | 退回 |
| C | 2,000 | 31 | 1.6% | 通过 |

## 思考

欺诈样本极少时，为什么不能只看总体准确率？应补充哪些指标？`,
  },
  {
    level: "senior",
    title: "三甲医院影像辅助诊断模型上线前测试",
    industryContext: "医疗健康 · 医学影像",
    shared: true,
    requirements: [0],
    body: `## 项目背景

某三甲医院引入肺结节 CT 影像辅助诊断模型，上线前需由训练师设计测试方案，验证模型在本院设备和人群上的表现。

## 测试设计

1. **测试集**：从本院近一年 CT 中抽取 1,500 例，覆盖三种设备型号和不同年龄段；
2. **金标准**：两名副主任医师独立阅片，意见不一致时由主任医师裁定；
3. **指标**：敏感度、特异度、每例假阳性数，按设备和年龄分组报告；
4. **回归测试**：模型每次更新后在同一测试集上重跑并对比。

## 交付物

- 测试计划与测试集说明；
- 分组指标对比表；
- 风险与局限说明（如小结节、术后患者）。`,
  },
  {
    level: "senior",
    title: "制造企业质检视觉系统的数据闭环优化",
    industryContext: "智能制造 · 工业视觉",
    shared: false,
    requirements: [0],
    body: `## 项目背景

某汽车零部件工厂的表面缺陷检测系统上线半年后，漏检率从 0.8% 升到 2.1%，原因是新批次原材料的纹理变化。

## 任务

- 建立“线上误判 → 人工复核 → 回流标注 → 增量训练 → 灰度发布”的数据闭环；
- 设计回流样本的抽样策略，优先收集低置信度和人工改判的样本；
- 制定模型发布前的验收标准和回滚条件。

## 关键指标

| 指标 | 目标 |
| --- | --- |
| 漏检率 | ≤ 1.0% |
| 误检率 | ≤ 3.0% |
| 单件检测耗时 | ≤ 200 ms |`,
  },
];

export async function seedCases(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const tenantId = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("AI-TRAINER")!;
  await seedScope(tx, { tenantId, role: "system" });
  const requirements = await skillRequirements(tx, tenantId, certificateId);
  for (const seed of bank) {
    const ofLevel = requirements.filter((r) => r.level === seed.level);
    const requirementIds = [...new Set(seed.requirements.map((n) => ofLevel[n]?.lineageId).filter((id): id is string => Boolean(id)))];
    const [row] = await tx
      .insert(cases)
      .values({
        tenantId,
        certificateId,
        level: seed.level,
        title: seed.title,
        industryContext: seed.industryContext,
        body: seed.body,
        requirementIds,
        visibility: seed.shared ? "shared" : "private",
      })
      .returning();
    await audit(tx, seedActor(tenantId), { action: "case.create", entityType: "case", entityId: row.id, after: row });
  }
}
