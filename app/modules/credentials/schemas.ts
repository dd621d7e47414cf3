import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { dayField } from "~/ui/money";
import { optionalUuid, text, uuid } from "~/ui/schema-fields";

export const holderSources = ["school_teacher", "industry_expert"] as const;
export const credentialRoles = ["trainer", "examiner"] as const;
export const credentialStatuses = ["draft", "active", "suspended", "revoked", "expired"] as const;
export type CredentialStatus = (typeof credentialStatuses)[number];
/** The statuses a member may set by hand; `expired` is the date's, set by the nightly job. */
export const settableStatuses = ["active", "suspended", "revoked"] as const;
export const shanghaiDistricts = [
  "huangpu",
  "xuhui",
  "changning",
  "jingan",
  "putuo",
  "hongkou",
  "yangpu",
  "minhang",
  "baoshan",
  "jiading",
  "pudong",
  "jinshan",
  "songjiang",
  "qingpu",
  "fengxian",
  "chongming",
] as const;

/** An ID document number (身份证, passport…): letters and digits once spaces are gone. */
const idNumber = z
  .string()
  .max(64)
  .transform((value) => value.normalize("NFKC").replace(/\s+/g, "").toUpperCase())
  .pipe(z.string().refine((value) => /^[0-9A-Z]{6,30}$/.test(value), { params: { i18n: "idNumber" } }));

export const holderFields = z.object({
  name: text(60),
  idNumber,
  source: z.enum(holderSources),
  employerTenantId: optionalUuid,
  employerName: text(120, 0).optional().default(""),
  contact: text(120, 0).optional().default(""),
});

export const credentialFields = holderFields.extend({
  role: z.enum(credentialRoles),
  certificateId: uuid,
  levels: z.array(z.enum(levels)).min(1).max(3),
  issuedOn: dayField,
  expiresOn: dayField,
  draft: z.literal("on").optional(),
});
export type CredentialInput = z.infer<typeof credentialFields>;

export const statusChangeSchema = z.object({
  intent: z.literal("status"),
  status: z.enum(settableStatuses),
  reason: text(500),
});

export const credentialFilterSchema = z.object({
  cursor: z.string().max(500).optional(),
  status: z.enum(credentialStatuses).optional().catch(undefined),
  role: z.enum(credentialRoles).optional().catch(undefined),
});
export type CredentialFilter = z.infer<typeof credentialFilterSchema>;

export const verifyFormSchema = z.object({ number: z.string().max(64) });

export const examSiteFields = z.object({
  name: text(120),
  hostTenantId: optionalUuid,
  hostName: text(120, 0).optional().default(""),
  district: z.enum(shanghaiDistricts),
  certificateId: uuid,
  levels: z.array(z.enum(levels)).min(1).max(3),
  capacity: z.coerce.number().int().min(1).max(10_000),
  equipment: text(1000, 0).optional().default(""),
});

export const sessionFields = z.object({ intent: z.literal("session"), siteId: uuid, heldOn: dayField, level: z.enum(levels) });

export const assignmentFields = z.object({ intent: z.literal("assign"), sessionId: uuid, credentialNumber: text(40) });

export const siteActionSchema = z.discriminatedUnion("intent", [
  examSiteFields.extend({ intent: z.literal("site") }),
  z.object({ intent: z.literal("approve"), siteId: uuid }),
  z.object({ intent: z.literal("decline"), siteId: uuid }),
  sessionFields,
  assignmentFields,
]);

// 1:80: a school links a trainer credential to a major by its number and the holder's name or ID ending.
export const linkFields = z.object({ number: text(40), proof: text(60) });
export const linkActionSchema = z.discriminatedUnion("intent", [
  linkFields.extend({ intent: z.literal("link") }),
  z.object({ intent: z.literal("unlink"), linkId: uuid }),
]);

// Teacher-training sessions (师资培训), always voluntary.
export const trainingModes = ["onsite", "online"] as const;
export const trainingSessionFields = z.object({
  title: text(120),
  certificateId: uuid,
  levels: z.array(z.enum(levels)).min(1).max(3),
  role: z.enum(credentialRoles),
  startsOn: dayField,
  endsOn: dayField,
  mode: z.enum(trainingModes),
  place: text(200, 0).optional().default(""),
  capacity: z.coerce.number().int().min(1).max(10_000),
  feeDisclosureId: optionalUuid,
});
export type TrainingSessionInput = z.infer<typeof trainingSessionFields>;

export const enrolmentFields = z.object({
  sessionId: uuid,
  teacherName: text(60),
  idNumber,
  contact: text(120, 0).optional().default(""),
});
export type EnrolmentInput = z.infer<typeof enrolmentFields>;

export const trainingActionSchema = z.discriminatedUnion("intent", [
  trainingSessionFields.extend({ intent: z.literal("session") }),
  z.object({ intent: z.literal("cancel"), sessionId: uuid }),
  enrolmentFields.extend({ intent: z.literal("enrol") }),
  z.object({
    intent: z.literal("complete"),
    enrolmentId: uuid,
    draft: z.literal("on").optional(),
    validYears: z.coerce.number().int().min(1).max(10).optional().default(3),
  }),
]);

export const districtSchema = z.object({ district: z.enum(shanghaiDistricts) });

/** A credential's evidence form: add a file, or remove one (the browser validates with it too). */
export const evidenceActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("evidence"), file: z.custom<File>((value) => value instanceof File && value.size > 0, { params: { i18n: "required" } }) }),
  z.object({ intent: z.literal("removeEvidence"), evidenceId: uuid }),
]);
