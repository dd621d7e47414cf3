import { z } from "zod";
import { effectiveOnField } from "~/modules/committee/schemas";
import { text, uuid } from "~/ui/schema-fields";

// 动态遴选 (issue 17 item 2, decision 046): the notice's criteria, the admin's decisions, and the
// forms of the evaluation pages. Not a .server module: the pages name the criteria too.

export const criteria = ["certificate_quality", "industry_recognition", "integrity", "non_profit", "regional_service", "no_violation"] as const;
export type Criterion = (typeof criteria)[number];
export const decisions = ["retain", "warn", "suspend"] as const;
export type Decision = (typeof decisions)[number];

/** The weights a new period starts with (percent, summing to 100); the admin changes them. */
export const defaultWeights: Record<Criterion, number> = {
  certificate_quality: 25,
  industry_recognition: 15,
  integrity: 20,
  non_profit: 15,
  regional_service: 10,
  no_violation: 15,
};

const weight = z.coerce.number().int().min(0).max(100);

export const periodSchema = z.object({
  code: z
    .string()
    .max(80)
    .transform((value) => value.trim())
    .refine((value) => /^[0-9A-Za-z-]{1,20}$/.test(value), { params: { i18n: "evaluationCode" } }),
  title: text(200),
});

// The weights are a committee setting (/committee/settings, decision 055): six together, summing to
// 100, at once or from a later day, with a reason.
export const weightsSchema = z
  .object({
    intent: z.literal("weights"),
    ...(Object.fromEntries(criteria.map((c) => [c, weight])) as Record<Criterion, typeof weight>),
    effectiveOn: effectiveOnField,
    reason: text(500),
  })
  .refine((value) => criteria.reduce((sum, c) => sum + value[c], 0) === 100, { path: ["certificate_quality"], params: { i18n: "weightsSum" } });

// One schema per form of the period's page (the client validates its own); the action parses the union.
export const scoreSchema = z.object({
  intent: z.literal("score"),
  organizationId: uuid,
  criterion: z.enum(criteria),
  score: z.coerce.number().int().min(0).max(100),
  comment: text(2000, 0).optional().default(""),
});
export const decideSchema = z.object({
  intent: z.literal("decide"),
  organizationId: uuid,
  decision: z.enum(decisions),
  note: text(2000, 0).optional().default(""),
});
export const finalizeSchema = z.object({ intent: z.literal("finalize") });
export const evaluationActionSchema = z.discriminatedUnion("intent", [scoreSchema, decideSchema, finalizeSchema]);
export type EvaluationAction = z.infer<typeof evaluationActionSchema>;

/** A weighted score from each criterion's mean member score; criteria nobody scored are left out. */
export function weightedScore(means: Partial<Record<Criterion, number>>, weights: Record<Criterion, number>): number | null {
  let total = 0;
  let weightSum = 0;
  for (const c of criteria) {
    const mean = means[c];
    if (mean === undefined) continue;
    total += mean * weights[c];
    weightSum += weights[c];
  }
  return weightSum === 0 ? null : Math.round((total / weightSum) * 100) / 100;
}

/** Evidence of one organization, computed from the data by organization_evaluation_evidence(). */
export interface Evidence {
  organizationId: string;
  organizationName: string;
  organizationNameEn: string | null;
  feeFindings: number;
  upheldViolations: number;
  openViolations: number;
  trainers: number;
  industryTrainers: number;
  /** Percent of active trainers from industry (§二.10 asks at least 40), null with no trainers. */
  industryShare: number | null;
  bankUpdatedAt: string | null;
  /** Days since any bank item changed, null with empty banks. */
  bankAgeDays: number | null;
  reportsSubmitted: number;
  reportsLate: number;
  filingsApproved: number;
  filingsPending: number;
  filingsRefused: number;
}
