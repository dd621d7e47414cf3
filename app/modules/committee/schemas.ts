import { z } from "zod";
import { shanghaiDate } from "~/ui/format";
import { dayField } from "~/ui/money";
import { text, uuid } from "~/ui/schema-fields";
import { committeeSettingKeys } from "../../../db/schema/committee";

// The settings page's forms beyond the notice period and cost caps (those stay in fees/schemas):
// each section posts its own intent; the route dispatches on it.

/**
 * When a setting change takes effect (decision 055): empty or today, at once; a later day, from 00:00
 * Shanghai time that day. A past day is refused (the past stays as it was in force).
 */
export const effectiveOnField = dayField.optional().refine((day) => day === undefined || day >= shanghaiDate(), { params: { i18n: "effectiveOnPast" } });

export const thresholdSchema = z.object({
  intent: z.literal("threshold"),
  key: z.enum(committeeSettingKeys),
  value: z.coerce.number().int().min(1).max(100_000),
  effectiveOn: effectiveOnField,
  reason: text(500),
});

/** Withdraws a scheduled change (a threshold row, or the six rows of a weights change) before it takes effect. */
export const withdrawSettingSchema = z.object({
  intent: z.literal("withdraw"),
  settingId: uuid,
});

export const reportPeriodSchema = z
  .object({
    intent: z.literal("period"),
    code: z
      .string()
      .max(20)
      .refine((v) => /^\d{4}-\d{4}-[12]$/.test(v), { params: { i18n: "periodCode" } }),
    startsOn: dayField,
    endsOn: dayField,
    dueOn: dayField,
  })
  .refine((v) => v.startsOn <= v.endsOn, { path: ["endsOn"], params: { i18n: "endsBeforeStart" } });

export const movePeriodSchema = z.object({
  intent: z.literal("movePeriod"),
  periodId: uuid,
  dueOn: dayField,
  reason: text(500),
});

export const industryFieldSchema = z.object({
  intent: z.literal("industry"),
  code: z
    .string()
    .max(40)
    .refine((v) => /^[a-z][a-z0-9_-]{1,39}$/.test(v), { params: { i18n: "industryCode" } }),
  nameZh: text(60),
  nameEn: text(100),
  priorityArea: z.enum(["five-centres", "four-brands", "new-occupations", "new-infrastructure"]).optional(),
  reason: text(500),
});

// Filters from a link: anything odd is dropped, not an error ("none" is the bucket without a value).
const token = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .optional()
    .catch(undefined);

export const siteFilterSchema = z.object({
  flag: z.enum(["gap", "duplicate"]).optional().catch(undefined),
  district: token(40),
});

export const figureFilterSchema = z.object({
  organization: token(60),
  district: token(40),
  industry: token(40),
});
export type FigureFilter = z.infer<typeof figureFilterSchema>;
