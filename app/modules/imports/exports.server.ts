import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { cases, questions } from "../../../db/schema";
import { readablePools } from "~/modules/questions/service.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { attachmentDisposition, exportResponse } from "~/ui/export.server";
import { caseColumns, caseToRow } from "~/modules/cases/import-rows";
import { toGift, toMoodleXml } from "./formats.server";
import { questionColumns, questionToRow } from "~/modules/questions/import-rows";

type BankFormat = "xlsx" | "csv" | "moodle" | "gift";

/** Moodle XML or GIFT as a download (the spreadsheets go through the shared exporter). */
function moodleDownload(text: string, name: string, format: "moodle" | "gift" = "moodle") {
  const type = format === "gift" ? "text/plain" : "application/xml";
  return new Response(text, {
    headers: { "Content-Type": `${type}; charset=utf-8`, "Content-Disposition": attachmentDisposition(`${name}.${format === "gift" ? "gift" : "xml"}`) },
  });
}

const columns = questionColumns.map((column, i) => ({ header: column.zh, value: (row: string[]) => row[i], width: column.key === "stem" ? 50 : 14 }));

/** The empty template: the Chinese headers and one example row. */
export async function templateResponse(format: "xlsx" | "csv") {
  const example = questionToRow(
    {
      level: "intermediate",
      type: "single_choice",
      stem: "数据标注中，用矩形框标出图像中目标位置的方法称为？",
      options: ["语义分割", "拉框标注", "关键点标注", "文本转写"],
      answer: "B",
      explanation: "拉框标注（bounding box）用矩形框标出目标。",
      rubric: "",
      difficulty: 2,
      requirementIds: [],
      tags: ["数据标注"],
      pool: "practice",
      visibility: "private",
    },
    () => undefined,
  );
  example[questionColumns.findIndex((c) => c.key === "requirements")] = "1.1.1";
  return exportResponse(format, "xcert-question-template", columns, [example], "试题");
}

/** A certificate's whole bank in the template's columns (XLSX, CSV) or as Moodle XML: importable back as the same bank. */
export async function bankExportResponse(tx: Tx, ctx: TenantContext, certificate: { id: string; code: string }, format: BankFormat) {
  const rows = await tx
    .select()
    .from(questions)
    .where(and(eq(questions.tenantId, ctx.tenant.id), eq(questions.certificateId, certificate.id), readablePools(ctx)))
    .orderBy(asc(questions.createdAt), asc(questions.id));
  const codes = new Map((await skillRequirements(tx, ctx.tenant.id, certificate.id)).map((r) => [r.lineageId, r.code]));
  const name = `questions-${certificate.code}`;
  if (format === "moodle" || format === "gift") {
    const exported = rows.map((q) => ({ ...q, requirementCodes: q.requirementIds.map((id) => codes.get(id)).filter((code): code is string => Boolean(code)) }));
    return moodleDownload(format === "gift" ? toGift(exported, certificate.code) : toMoodleXml(exported, certificate.code), name, format);
  }
  const table = rows.map((q) => questionToRow(q, (id) => codes.get(id)));
  return exportResponse(format, name, columns, table, certificate.code);
}

const caseSheetColumns = caseColumns.map((column, i) => ({
  header: column.zh,
  value: (row: string[]) => row[i],
  width: column.key === "body" ? 80 : column.key === "title" ? 36 : 14,
}));

const exampleCase = {
  title: "某电商平台智能客服意图标注项目",
  level: "intermediate" as const,
  industryContext: "电子商务 · 智能客服",
  body: "## 项目背景\n\n某电商平台需要为智能客服标注 2 万条用户咨询的意图。\n\n## 任务\n\n1. 阅读标注规范\n2. 完成意图标注\n3. 抽检 5% 并计算准确率\n\n| 意图 | 示例 |\n| --- | --- |\n| 查询订单 | 我的快递到哪了？ |",
  requirementIds: [],
  visibility: "private" as const,
};

/** The empty case template: the Chinese headers and one example row. */
export async function caseTemplateResponse(format: "xlsx" | "csv") {
  const example = caseToRow(exampleCase, () => undefined);
  example[caseColumns.findIndex((c) => c.key === "requirements")] = "1.1.1";
  return exportResponse(format, "xcert-case-template", caseSheetColumns, [example], "案例");
}

/** A certificate's whole case bank in the template's columns: importable back as the same bank. */
export async function caseBankExportResponse(tx: Tx, ctx: TenantContext, certificate: { id: string; code: string }, format: "xlsx" | "csv") {
  const rows = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.certificateId, certificate.id)))
    .orderBy(asc(cases.level), asc(cases.title), asc(cases.id));
  const codes = new Map((await skillRequirements(tx, ctx.tenant.id, certificate.id)).map((r) => [r.lineageId, r.code]));
  const table = rows.map((c) => caseToRow(c, (id) => codes.get(id)));
  return exportResponse(format, `cases-${certificate.code}`, caseSheetColumns, table, certificate.code);
}
