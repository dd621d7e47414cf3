import { z } from "zod";
import { dayField } from "~/ui/money";
import { text } from "~/ui/schema-fields";

export const educationLevels = ["secondary", "higher_vocational", "vocational_bachelor"] as const;
export type EducationLevel = (typeof educationLevels)[number];

// 职业教育专业目录 (2021) codes: six digits (中职 7xxxxx, 高职专科 4xxxxx–5xxxxx, 职业本科 2xxxxx–3xxxxx).
export const majorCode = text(6).refine((value) => /^\d{6}$/.test(value), { params: { i18n: "majorCode" } });

export const majorFields = z.object({
  code: majorCode,
  name: text(100),
  educationLevel: z.enum(educationLevels),
});
export type MajorInput = z.infer<typeof majorFields>;

const year = z.coerce.number().int().min(2000).max(2100);
const count = z.coerce.number().int().min(0).max(100_000);

export const cohortFields = z.object({
  entryYear: year,
  studentCount: count,
  expectedGraduation: dayField,
});
export type CohortInput = z.infer<typeof cohortFields>;

/** One import row: a major, and optionally one of its cohorts (all three cohort cells or none). */
export const majorRowFields = majorFields.extend({ cohort: cohortFields.optional() });
export type MajorRowInput = z.infer<typeof majorRowFields>;
