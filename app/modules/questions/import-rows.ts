import { optionLetters, questionFields, type QuestionInput } from "~/modules/questions/schemas";
import { zodErrorMap } from "~/ui/zod-errors";
import { labelIn, resolveRequirements, sheetHeader, valueIn, type RowContext, type RowResult, type Sheet, type SheetRow } from "~/modules/imports/sheet";

// The question spreadsheet: one template (headers in Chinese, English accepted too) for import,
// export and the Moodle bridge, so an exported bank imports back as the same bank.

export const questionColumns = [
  { key: "type", zh: "题型", en: "Type" },
  { key: "stem", zh: "题干", en: "Stem" },
  ...[...optionLetters].map((letter) => ({ key: `option${letter}`, zh: `选项${letter}`, en: `Option ${letter}` })),
  { key: "answer", zh: "答案", en: "Answer" },
  { key: "explanation", zh: "解析", en: "Explanation" },
  { key: "rubric", zh: "评分标准", en: "Rubric" },
  { key: "difficulty", zh: "难度", en: "Difficulty" },
  { key: "level", zh: "等级", en: "Level" },
  { key: "requirements", zh: "技能要求", en: "Skill requirements" },
  { key: "tags", zh: "标签", en: "Tags" },
  { key: "pool", zh: "题库", en: "Pool" },
  { key: "visibility", zh: "可见范围", en: "Visibility" },
] as const;

export type QuestionRow = SheetRow;

export const questionSheet: Sheet = { columns: questionColumns, required: ["type", "stem", "answer", "level"] };

const labels = {
  type: {
    single_choice: ["单选题", "单选", "single choice"],
    multiple_choice: ["多选题", "多选", "multiple choice"],
    true_false: ["判断题", "判断", "true/false", "true false"],
    fill_blank: ["填空题", "填空", "fill in the blank", "fill-in-the-blank"],
    short_answer: ["简答题", "简答", "short answer"],
    practical: ["实操题", "实操", "practical", "practical task"],
  },
  level: { junior: ["初级"], intermediate: ["中级"], senior: ["高级"] },
  pool: { practice: ["练习", "练习题库", "练习库"], exam: ["考试", "考试题库", "考试库"] },
  visibility: { private: ["仅本机构", "私有", "不共享"], shared: ["共享", "共享给院校"] },
} as const;

/** The Chinese label written on export (the first of each list). */
export function labelOf(column: keyof typeof labels, value: string) {
  return labelIn(labels, column, value);
}

function fromLabel(column: keyof typeof labels, raw: string | undefined) {
  return valueIn(labels, column, raw);
}

/** Maps a header row to column keys; unknown headers are ignored, missing required ones reported. */
const fieldColumn: Record<string, string> = {
  type: "type",
  stem: "stem",
  options: "optionA",
  answer: "answer",
  explanation: "explanation",
  rubric: "rubric",
  difficulty: "difficulty",
  level: "level",
  requirementIds: "requirements",
  tags: "tags",
  pool: "pool",
  visibility: "visibility",
};

export function columnHeader(key: string, locale: "zh-CN" | "en") {
  return sheetHeader(questionSheet, key, locale);
}

/**
 * One row of the spreadsheet → a question, or the row's errors by column. Requirement codes
 * (1.1.1) are resolved against the certificate's latest published standard, per level.
 */
export function parseQuestionRow(row: QuestionRow, rowNumber: number, context: RowContext): RowResult<QuestionInput> {
  const level = fromLabel("level", row.level);
  const { ids: requirementIds, errors } = resolveRequirements(
    row.requirements,
    level,
    rowNumber,
    columnHeader("requirements", context.locale),
    context,
    "questions.import.unknownRequirement",
  );
  const options = [...optionLetters].map((letter) => (row[`option${letter}`] ?? "").trim());
  // A gap among the options (A, C filled, B empty) would shift the letters: refuse it.
  const lastFilled = options.reduce((last, option, i) => (option ? i : last), -1);
  if (options.slice(0, lastFilled + 1).some((option) => !option))
    errors.push({ row: rowNumber, column: columnHeader("optionA", context.locale), message: context.t("questions.import.optionGap") });
  const parsed = questionFields.safeParse(
    {
      certificateId: context.certificateId,
      level,
      type: fromLabel("type", row.type),
      stem: row.stem ?? "",
      options: options.filter(Boolean).join("\n"),
      answer: row.answer ?? "",
      explanation: row.explanation ?? "",
      rubric: row.rubric ?? "",
      difficulty: row.difficulty?.trim() || undefined,
      requirementIds,
      tags: row.tags ?? "",
      pool: fromLabel("pool", row.pool),
      visibility: fromLabel("visibility", row.visibility),
    },
    { error: zodErrorMap(context.t) },
  );
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = fieldColumn[String(issue.path[0])] ?? String(issue.path[0]);
      errors.push({ row: rowNumber, column: columnHeader(key, context.locale), message: issue.message });
    }
  if (errors.length || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** A question as a spreadsheet row, in the template's columns (requirements as codes). */
export function questionToRow(q: Omit<QuestionInput, "certificateId">, requirementCode: (id: string) => string | undefined): string[] {
  const cells: Record<string, string> = {
    type: labelOf("type", q.type),
    stem: q.stem,
    answer: q.type === "true_false" ? (q.answer === "true" ? "正确" : "错误") : q.answer,
    explanation: q.explanation,
    rubric: q.rubric,
    difficulty: String(q.difficulty),
    level: labelOf("level", q.level),
    requirements: q.requirementIds
      .map((id) => requirementCode(id) ?? "")
      .filter(Boolean)
      .join("; "),
    tags: q.tags.join(", "),
    pool: labelOf("pool", q.pool),
    visibility: labelOf("visibility", q.visibility),
  };
  [...optionLetters].forEach((letter, i) => (cells[`option${letter}`] = q.options[i] ?? ""));
  return questionColumns.map((column) => cells[column.key] ?? "");
}
