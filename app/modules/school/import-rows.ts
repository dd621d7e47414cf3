import { zodErrorMap } from "~/ui/zod-errors";
import { labelIn, sheetHeader, valueIn, type RowContext, type RowResult, type Sheet, type SheetRow } from "~/modules/imports/sheet";
import { majorRowFields, type MajorRowInput } from "./schemas";

// The majors spreadsheet: one row per cohort (the major's cells repeated), or a row without cohort
// cells for a major alone. The same template serves import and export.

export const majorColumns = [
  { key: "code", zh: "专业代码", en: "Major code" },
  { key: "name", zh: "专业名称", en: "Major name" },
  { key: "educationLevel", zh: "层次", en: "Level" },
  { key: "entryYear", zh: "入学年份", en: "Entry year" },
  { key: "studentCount", zh: "学生人数", en: "Students" },
  { key: "expectedGraduation", zh: "预计毕业日期", en: "Expected graduation" },
] as const;

export const majorSheet: Sheet = { columns: majorColumns, required: ["code", "name", "educationLevel"] };

const labels = {
  educationLevel: { secondary: ["中职"], higher_vocational: ["高职专科", "高职"], vocational_bachelor: ["职业本科", "本科"] },
};

const fieldColumn: Record<string, string> = {
  code: "code",
  name: "name",
  educationLevel: "educationLevel",
  entryYear: "entryYear",
  studentCount: "studentCount",
  expectedGraduation: "expectedGraduation",
};

/** One row → a major (with its cohort), or the row's errors by column. */
export function parseMajorRow(row: SheetRow, rowNumber: number, context: RowContext): RowResult<MajorRowInput> {
  const header = (key: string) => sheetHeader(majorSheet, key, context.locale);
  const cohortCells = [row.entryYear, row.studentCount, row.expectedGraduation].map((v) => (v ?? "").trim());
  const hasCohort = cohortCells.some(Boolean);
  const parsed = majorRowFields.safeParse(
    {
      code: row.code || undefined,
      name: row.name || undefined,
      educationLevel: valueIn(labels, "educationLevel", row.educationLevel),
      cohort: hasCohort
        ? { entryYear: cohortCells[0] || undefined, studentCount: cohortCells[1] || undefined, expectedGraduation: cohortCells[2] || undefined }
        : undefined,
    },
    { error: zodErrorMap(context.t) },
  );
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] === "cohort" ? issue.path[1] : issue.path[0]);
      return { row: rowNumber, column: header(fieldColumn[key] ?? key), message: issue.message };
    }),
  };
}

/** A major (and one cohort, or none) as a spreadsheet row in the template's columns. */
export function majorToRow(
  major: { code: string; name: string; educationLevel: string },
  cohort: { entryYear: number; studentCount: number; expectedGraduation: string } | null,
): string[] {
  const cells: Record<string, string> = {
    code: major.code,
    name: major.name,
    educationLevel: labelIn(labels, "educationLevel", major.educationLevel),
    entryYear: cohort ? String(cohort.entryYear) : "",
    studentCount: cohort ? String(cohort.studentCount) : "",
    expectedGraduation: cohort?.expectedGraduation ?? "",
  };
  return majorColumns.map((column) => cells[column.key] ?? "");
}
