import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { dayField, yuanField } from "~/ui/money";
import { text, uuid } from "~/ui/schema-fields";
import { effectiveOnField } from "~/modules/committee/schemas";

export const feeKinds = ["training", "assessment", "teacher_training"] as const;
export const feeUnits = ["per_person", "per_person_time", "per_session"] as const;
export type FeeKind = (typeof feeKinds)[number];

// The fields of a disclosure. Teacher training has no "mandatory" field on purpose: it is always
// voluntary (§二.10), and the pages say so.
export const disclosureFields = z.object({
  certificateId: uuid,
  level: z.enum(levels),
  kind: z.enum(feeKinds),
  amount: yuanField(),
  unit: z.enum(feeUnits),
  includes: text(1000, 0).optional().default(""),
  effectiveFrom: dayField,
  effectiveUntil: dayField.optional(),
  contact: text(200),
  changeReason: text(1000, 0).optional().default(""),
  supersedesId: uuid.optional(),
});

export const disclosureIntentSchema = z.discriminatedUnion("intent", [
  disclosureFields.extend({ intent: z.literal("save") }),
  disclosureFields.extend({ intent: z.literal("publish") }),
]);

export const withdrawSchema = z.object({
  intent: z.literal("withdraw"),
  reason: text(1000),
  effectiveFrom: dayField,
});

export const deleteDraftSchema = z.object({ intent: z.literal("delete") });

export const disclosureActionSchema = z.discriminatedUnion("intent", [
  disclosureFields.extend({ intent: z.literal("save") }),
  disclosureFields.extend({ intent: z.literal("publish") }),
  withdrawSchema,
  deleteDraftSchema,
]);

// From a later day, as the thresholds (decision 055): empty or today, at once.
export const noticePeriodSchema = z.object({
  intent: z.literal("notice"),
  days: z.coerce.number().int().min(0).max(365),
  effectiveOn: effectiveOnField,
  reason: text(500),
});

/** Withdraws a notice period set for a later day, before it takes effect. */
export const withdrawNoticeSchema = z.object({
  intent: z.literal("withdrawNotice"),
  settingId: uuid,
});

export const costCapSchema = z.object({
  intent: z.literal("cap"),
  certificateId: uuid,
  level: z.enum(levels),
  amount: yuanField(),
  reason: text(500),
});

export const committeeSettingsSchema = z.discriminatedUnion("intent", [noticePeriodSchema, costCapSchema]);

export const publicFeeFilterSchema = z.object({
  organization: z.string().max(60).optional().catch(undefined),
  certificate: z.string().max(60).optional().catch(undefined),
  level: z.enum(levels).optional().catch(undefined),
  kind: z.enum(feeKinds).optional().catch(undefined),
  asOf: dayField.optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(500).optional().catch(undefined),
});
