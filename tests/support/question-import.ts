import { expect } from "vitest";
import type { HttpClient } from "./app";

export interface FinishedImport<Job> {
  jobId: string;
  job: Job;
  errors: { row: number; column: string; message: string }[];
}

/**
 * Follows a question import of demo-ai (its job page's data) until it is done or failed. Rows like
 * questions already in the bank stop the job for the near-duplicate review (decision 051): answered
 * "keep all", as a user importing a file they know would. Polls for up to a minute (a loaded machine).
 */
export async function finishQuestionImport<Job extends { status: string }>(client: HttpClient, jobId: string): Promise<FinishedImport<Job>> {
  let job: Job | null = null;
  for (let i = 0; i < 600; i++) {
    const data = (await (await client.data(`/w/demo-ai/questions/import/${jobId}`, "routes/w.$slug.questions.import.$jobId")).json()) as {
      job: Job;
      errors: FinishedImport<Job>["errors"];
    };
    job = data.job;
    if (job.status === "done" || job.status === "failed") return { jobId, job, errors: data.errors };
    if (job.status === "review") expect((await client.post(`/w/demo-ai/questions/import/${jobId}/review`, { intent: "keep" })).status).toBeLessThan(400);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${jobId} did not finish: ${JSON.stringify(job)}`);
}

// Words for stems that do not resemble each other: a generated file whose rows differ only by a number
// is a file of near-duplicates (decision 057), flagged row by row and stopped for review.
const words = (
  "数据 标注 采集 清洗 质检 抽检 模型 训练 测试 验证 评估 召回 意图 识别 知识 客服 对话 日志 语音 转写 切分 图像 分类 拉框 关键 分割 文本 实体 " +
  "关系 抽取 脱敏 隐私 授权 合规 存储 传输 权限 巡检 运维 异常 上报 设备 用户 流程 业务 需求 方案 成本 风险 报告 图表 指标 统计 分析 迭代 优化"
).split(" ");

/** The i-th of a family of stems unlike each other (pg_trgm similarity well below 0.6), starting with `prefix` (which carries the number if one is wanted). */
export function distinctStem(prefix: string, i: number) {
  let state = (i * 2654435761 + 12345) >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return words[state % words.length];
  };
  return `${prefix}：${Array.from({ length: 12 }, next).join("")}？`;
}
