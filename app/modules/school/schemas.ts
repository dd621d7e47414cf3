import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { dayField } from "~/ui/money";
import { email, text, uuid } from "~/ui/schema-fields";

export const educationLevels = ["secondary", "higher_vocational", "vocational_bachelor"] as const;
export type EducationLevel = (typeof educationLevels)[number];

// 职业教育专业目录 (2021) codes are six digits (e.g. 590302 智慧健康养老服务与管理).
export const majorCode = text(6).refine((value) => /^\d{6}$/.test(value), { params: { i18n: "majorCode" } });

export const majorFields = z.object({
  code: majorCode,
  name: text(100),
  educationLevel: z.enum(educationLevels),
});
export type MajorInput = z.infer<typeof majorFields>;

const year = z.coerce.number().int().min(2000).max(2100);
const count = (max = 100_000) => z.coerce.number().int().min(0).max(max);

export const cohortFields = z.object({
  entryYear: year,
  studentCount: count(),
  expectedGraduation: dayField,
});
export type CohortInput = z.infer<typeof cohortFields>;

/** One import row: a major, and optionally one of its cohorts (all three cohort cells or none). */
export const majorRowFields = majorFields.extend({ cohort: cohortFields.optional() });
export type MajorRowInput = z.infer<typeof majorRowFields>;

export const majorActionSchema = z.discriminatedUnion("intent", [
  majorFields.extend({ intent: z.literal("update") }),
  cohortFields.extend({ intent: z.literal("cohort") }),
  z.object({ intent: z.literal("deleteCohort"), cohortId: uuid }),
]);

// Adoptions. A certificate level is named by its certificate and level (there is no level table):
// the library links here with ?certificate=<certificate id>&level=<junior|intermediate|senior>.
// Checkboxes of one name: none, one (a string) or several (an array).
const idList = z.preprocess((value) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]), z.array(uuid).max(500));

export const adoptionFields = z.object({
  majorId: uuid,
  certificateId: uuid,
  level: z.enum(levels),
  questionIds: idList,
  caseIds: idList,
  materialIds: idList,
  proposalNote: text(1000, 0).optional().default(""),
});
export type AdoptionInput = z.infer<typeof adoptionFields>;

export const adoptionActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), decisionNote: text(1000, 0).optional().default("") }),
  z.object({ intent: z.literal("reject"), decisionNote: text(1000) }),
  z.object({ intent: z.literal("optIn"), versionId: uuid }),
]);

export const courseKinds = ["public_basic", "professional_basic", "professional_core", "professional_elective", "practice"] as const;

const credits = z
  .string()
  .max(16)
  .transform((value) => value.trim())
  .refine((value) => /^\d{1,3}(\.\d)?$/.test(value) && Number(value) <= 999, { params: { i18n: "credits" } });

export const courseFields = z.object({
  code: text(32),
  name: text(100),
  credits,
  semester: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).max(12).optional()),
  kind: z.enum(courseKinds),
  majorId: uuid.optional(),
});
export type CourseInput = z.infer<typeof courseFields>;

export const mappingActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("map"), lineageId: uuid, courseId: uuid }),
  z.object({ intent: z.literal("unmap"), lineageId: uuid, courseId: uuid }),
]);

export const exemptions = ["none", "exempt_course", "exempt_theory", "exempt_practical"] as const;

export const creditRuleFields = z.object({
  certificateId: uuid,
  level: z.enum(levels),
  courseCode: text(32),
  courseName: text(100),
  module: text(100, 0).optional().default(""),
  credits,
  exemption: z.enum(exemptions),
  validFrom: dayField,
  validUntil: dayField.optional(),
});
export type CreditRuleInput = z.infer<typeof creditRuleFields>;

/** The credit-rule page's two forms: record a rule, or end one of the tenant's own on a last day. */
export const creditRuleActionFields = z.discriminatedUnion("intent", [
  creditRuleFields.extend({ intent: z.literal("create") }),
  z.object({ intent: z.literal("end"), ruleId: uuid, lastDay: dayField }),
]);

export const creditRuleQuerySchema = z.object({
  certificate: uuid.optional().catch(undefined),
  course: text(32, 0).optional().catch(undefined),
  on: dayField.optional().catch(undefined),
  cursor: z.string().max(200).optional(),
});

export const filingFields = z.object({
  majorId: uuid,
  certificateId: uuid,
  level: z.enum(levels),
  expectedStudentsPerYear: z.coerce.number().int().min(1).max(100_000),
  examSitePlan: text(2000),
  responsibleOffice: text(100),
  responsiblePerson: text(50),
  contactEmail: email,
});
export type FilingInput = z.infer<typeof filingFields>;

export const filingActionSchema = z.discriminatedUnion("intent", [
  filingFields.extend({ intent: z.literal("save") }),
  z.object({ intent: z.literal("submit") }),
]);

export const filingDecisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), recordNumber: text(64), comment: text(2000, 0).optional().default("") }),
  z.object({ intent: z.literal("return"), comment: text(2000) }),
  z.object({ intent: z.literal("reject"), comment: text(2000) }),
]);

export const progressActionSchema = z
  .object({
    intent: z.enum(["save", "submit"]),
    studentsTrained: count(),
    studentsAssessed: count(),
    passCount: count(),
    credentialedTrainers: count(10_000),
    problems: text(4000, 0).optional().default(""),
    narrative: text(8000, 0).optional().default(""),
  })
  .refine((value) => value.passCount <= value.studentsAssessed, { path: ["passCount"], params: { i18n: "passOverAssessed" } });
export type ProgressInput = z.infer<typeof progressActionSchema>;

export const violationCategories = ["forced_paid_training", "fee_above_disclosure", "undisclosed_fee", "exam_irregularity", "other"] as const;
export const violationStatuses = ["received", "investigating", "upheld", "dismissed"] as const;

export const violationFields = z.object({
  organizationId: uuid,
  category: z.enum(violationCategories),
  description: text(8000, 10),
  // One optional evidence file (photo, scan, PDF) with the report.
  evidence: z.custom<File>((value) => value instanceof File).optional(),
});

// More evidence for a report still open (decision 056): one file a submission, required.
export const violationEvidenceSchema = z.object({
  evidence: z.custom<File>((value) => value instanceof File && value.size > 0, { params: { i18n: "chooseFile" } }),
});

export const violationUpdateSchema = z.object({
  intent: z.literal("status"),
  status: z.enum(violationStatuses),
  note: text(2000, 0).optional().default(""),
});

// Triage (issue 17 item 4): the status with a message to the reporter, an internal note, a finding
// disclosed to the reported organization.
export const violationNoteSchema = z.object({ intent: z.literal("note"), body: text(4000, 2) });
export const violationDisclosureSchema = z.object({ intent: z.literal("disclose"), finding: text(4000, 10) });
export const violationTriageSchema = z.discriminatedUnion("intent", [violationUpdateSchema, violationNoteSchema, violationDisclosureSchema]);
