import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { dayField } from "~/ui/money";
import { requirementIds, text, uuid } from "~/ui/schema-fields";

export const questionTypes = ["single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "practical"] as const;
export const pools = ["practice", "exam"] as const;
export const visibilities = ["private", "shared"] as const;
export type QuestionType = (typeof questionTypes)[number];

export const optionLetters = "ABCDEFGH";
const maxOptions = optionLetters.length;
const choiceTypes: readonly string[] = ["single_choice", "multiple_choice"];

/** One option per line; blank lines are dropped. */
const optionsField = z
  .string()
  .max(maxOptions * 2000)
  .optional()
  .default("")
  .transform((value) =>
    value
      .split(/\r?\n/)
      .map((line) => line.normalize("NFC").trim())
      .filter(Boolean),
  )
  .pipe(z.array(text(1000)).max(maxOptions));

const tagsField = z
  .string()
  .max(2000)
  .optional()
  .default("")
  .transform((value) => [
    ...new Set(
      value
        .split(/[,，;；\s]+/)
        .map((tag) => tag.normalize("NFC").trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(text(40)).max(20));

const trueWords = new Set(["true", "t", "yes", "y", "对", "正确", "是", "√", "✓"]);
const falseWords = new Set(["false", "f", "no", "n", "错", "错误", "否", "×", "✗"]);

/** The fields of a question as the form and every import format deliver them. */
const questionObject = z.object({
  certificateId: uuid,
  level: z.enum(levels),
  type: z.enum(questionTypes),
  stem: text(4000),
  options: optionsField,
  answer: text(2000),
  explanation: text(4000, 0).optional().default(""),
  rubric: text(4000, 0).optional().default(""),
  difficulty: z.coerce.number().int().min(1).max(5).default(3),
  requirementIds: requirementIds(50),
  tags: tagsField,
  pool: z.enum(pools).default("practice"),
  visibility: z.enum(visibilities).default("private"),
});

/**
 * The rules across fields. The answer is normalised by type: option letters for choices ("AC"),
 * "true"/"false" for true/false, the text otherwise.
 */
function normalizeQuestion<Q extends z.output<typeof questionObject>>(q: Q, ctx: z.RefinementCtx): Q {
  let answer = q.answer;
  if (choiceTypes.includes(q.type)) {
    if (q.options.length < 2) ctx.addIssue({ code: "custom", path: ["options"], params: { i18n: "questionOptions" } });
    const letters = [
      ...new Set(
        answer
          .toUpperCase()
          .replace(/[\s,，、]/g, "")
          .split(""),
      ),
    ].sort();
    const valid = letters.length > 0 && letters.every((l) => optionLetters.indexOf(l) >= 0 && optionLetters.indexOf(l) < q.options.length);
    if (!valid || (q.type === "single_choice" && letters.length !== 1) || (q.type === "multiple_choice" && letters.length < 2))
      ctx.addIssue({ code: "custom", path: ["answer"], params: { i18n: q.type === "single_choice" ? "questionAnswerSingle" : "questionAnswerMultiple" } });
    answer = letters.join("");
  } else {
    if (q.options.length) ctx.addIssue({ code: "custom", path: ["options"], params: { i18n: "questionNoOptions" } });
    if (q.type === "true_false") {
      const word = answer.toLowerCase();
      if (trueWords.has(word)) answer = "true";
      else if (falseWords.has(word)) answer = "false";
      else ctx.addIssue({ code: "custom", path: ["answer"], params: { i18n: "questionAnswerTrueFalse" } });
    }
  }
  if (q.type === "practical" && !q.rubric) ctx.addIssue({ code: "custom", path: ["rubric"], params: { i18n: "questionRubric" } });
  // 教考分离: an exam question is never shared.
  if (q.pool === "exam" && q.visibility === "shared") ctx.addIssue({ code: "custom", path: ["visibility"], params: { i18n: "questionExamShared" } });
  return { ...q, answer };
}

export const questionFields = questionObject.transform(normalizeQuestion);
export type QuestionInput = z.output<typeof questionFields>;

/** The question form: save a draft, publish (a new version), or delete a never-published question. */
export const questionFormSchema = z
  .discriminatedUnion("intent", [
    questionObject.extend({ intent: z.literal("save") }),
    questionObject.extend({ intent: z.literal("publish") }),
    z.object({ intent: z.literal("delete") }),
  ])
  .transform((value, ctx) => (value.intent === "delete" ? value : normalizeQuestion(value, ctx)));

export const questionFilterSchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  certificate: z.string().max(64).optional().catch(undefined),
  level: z.enum(levels).optional().catch(undefined),
  type: z.enum(questionTypes).optional().catch(undefined),
  difficulty: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  pool: z.enum(pools).optional().catch(undefined),
  requirement: z.string().max(64).optional().catch(undefined),
  updatedSince: dayField.optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type QuestionFilter = z.infer<typeof questionFilterSchema>;
