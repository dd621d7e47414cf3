import { caseFields, type CaseInput } from "~/modules/cases/schemas";
import { zodErrorMap } from "~/ui/zod-errors";
import { labelIn, resolveRequirements, sheetHeader, valueIn, type RowContext, type RowResult, type Sheet, type SheetRow } from "~/modules/imports/sheet";

// The case spreadsheet: one template (headers in Chinese, English accepted too) for import and
// export, so an exported case bank imports back as the same bank.

export const caseColumns = [
  { key: "title", zh: "标题", en: "Title" },
  { key: "level", zh: "等级", en: "Level" },
  { key: "industryContext", zh: "行业背景", en: "Industry context" },
  { key: "body", zh: "正文", en: "Body" },
  { key: "requirements", zh: "技能要求", en: "Skill requirements" },
  { key: "visibility", zh: "可见范围", en: "Visibility" },
] as const;

export const caseSheet: Sheet = { columns: caseColumns, required: ["title", "level", "body"] };

const labels = {
  level: { junior: ["初级"], intermediate: ["中级"], senior: ["高级"] },
  visibility: { private: ["仅本机构", "私有", "不共享"], shared: ["共享", "共享给院校"] },
};

const fieldColumn: Record<string, string> = {
  title: "title",
  level: "level",
  industryContext: "industryContext",
  body: "body",
  requirementIds: "requirements",
  visibility: "visibility",
};

/** One row of the spreadsheet → a case, or the row's errors by column. */
export function parseCaseRow(row: SheetRow, rowNumber: number, context: RowContext): RowResult<CaseInput> {
  const header = (key: string) => sheetHeader(caseSheet, key, context.locale);
  const level = valueIn(labels, "level", row.level);
  const { ids: requirementIds, errors } = resolveRequirements(
    row.requirements,
    level,
    rowNumber,
    header("requirements"),
    context,
    "cases.import.unknownRequirement",
  );
  const parsed = caseFields.safeParse(
    {
      certificateId: context.certificateId,
      level,
      // An empty cell is a missing value ("required"), as in the form.
      title: row.title || undefined,
      industryContext: row.industryContext ?? "",
      body: row.body || undefined,
      requirementIds,
      visibility: valueIn(labels, "visibility", row.visibility),
    },
    { error: zodErrorMap(context.t) },
  );
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors.push({ row: rowNumber, column: header(fieldColumn[String(issue.path[0])] ?? String(issue.path[0])), message: issue.message });
  if (errors.length || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** A case as a spreadsheet row, in the template's columns (requirements as codes). */
export function caseToRow(c: Omit<CaseInput, "certificateId">, requirementCode: (id: string) => string | undefined): string[] {
  const cells: Record<string, string> = {
    title: c.title,
    level: labelIn(labels, "level", c.level),
    industryContext: c.industryContext,
    body: c.body,
    requirements: c.requirementIds
      .map((id) => requirementCode(id) ?? "")
      .filter(Boolean)
      .join("; "),
    visibility: labelIn(labels, "visibility", c.visibility),
  };
  return caseColumns.map((column) => cells[column.key] ?? "");
}
