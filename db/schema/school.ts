import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { certificateLevel } from "./certificates";
import { tenants, users } from "./tenancy";

// The school side (issue 15). Every table here is owned by the school (tenant_id = the school),
// except credit_rules (owned by whoever records the rule: an organization or a school) and
// report_periods (shared, set by the committee). References to an organization's certificate,
// standard version or bank items carry the organization's id beside the item's id and have no
// foreign key: a foreign key between tenant tables must lead with the same tenant_id.

// 职业教育专业目录 (2021) levels: 中职 / 高职专科 / 职业本科.
export const pilotMajorLevel = pgEnum("pilot_major_level", ["secondary", "higher_vocational", "vocational_bachelor"]);

// 试点专业: the school's major that pilots certificate levels.
export const pilotMajors = pgTable(
  "pilot_majors",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    // The catalogue code (e.g. 590302) and name as in the national catalogue.
    code: text("code").notNull(),
    name: text("name").notNull(),
    educationLevel: pilotMajorLevel("education_level").notNull(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("pilot_majors_code_key").on(t.tenantId, t.code),
    index("pilot_majors_created_idx").on(t.tenantId, t.createdAt, t.id),
  ],
);

// The certificate levels a major pilots (an approved adoption adds its level here).
export const pilotMajorCertificates = pgTable(
  "pilot_major_certificates",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    majorId: uuid("major_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.majorId, t.certificateId, t.level] }),
    index("pilot_major_certificates_certificate_idx").on(t.tenantId, t.certificateId, t.level),
    foreignKey({
      name: "pilot_major_certificates_major_fk",
      columns: [t.tenantId, t.majorId],
      foreignColumns: [pilotMajors.tenantId, pilotMajors.id],
    }).onDelete("cascade"),
  ],
);

// A cohort (年级) of a major: the students who entered in one year.
export const cohorts = pgTable(
  "cohorts",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    majorId: uuid("major_id").notNull(),
    entryYear: integer("entry_year").notNull(),
    studentCount: integer("student_count").notNull(),
    expectedGraduation: date("expected_graduation").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("cohorts_major_entry_year_key").on(t.tenantId, t.majorId, t.entryYear),
    foreignKey({ name: "cohorts_major_fk", columns: [t.tenantId, t.majorId], foreignColumns: [pilotMajors.tenantId, pilotMajors.id] }).onDelete("cascade"),
  ],
);

// Adoption of a certificate level into a major's plan: proposed by a teacher, approved by the school
// admin. It pins the standard version; bank items adopted with it are pinned in adoption_items.
export const adoptionStatus = pgEnum("adoption_status", ["proposed", "approved", "rejected"]);

export const adoptions = pgTable(
  "adoptions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    majorId: uuid("major_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    // The pinned standard version (the organization's row) and its number, kept for display even if
    // the organization's row is no longer readable.
    standardVersionId: uuid("standard_version_id"),
    standardVersion: integer("standard_version"),
    // Names at proposal time: the adoption stays readable when the organization withdraws things.
    certificateName: text("certificate_name").notNull(),
    organizationName: text("organization_name").notNull(),
    status: adoptionStatus("status").notNull().default("proposed"),
    proposalNote: text("proposal_note").notNull().default(""),
    decisionNote: text("decision_note").notNull().default(""),
    proposedByUserId: uuid("proposed_by_user_id").references(() => users.id),
    decidedByUserId: uuid("decided_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // One live adoption per major and certificate level (a rejected one may be proposed again).
    uniqueIndex("adoptions_one_live_key")
      .on(t.tenantId, t.majorId, t.certificateId, t.level)
      .where(sql`status <> 'rejected'`),
    index("adoptions_created_idx").on(t.tenantId, t.createdAt, t.id),
    foreignKey({ name: "adoptions_major_fk", columns: [t.tenantId, t.majorId], foreignColumns: [pilotMajors.tenantId, pilotMajors.id] }),
  ],
);

export const adoptionItemKind = pgEnum("adoption_item_kind", ["question", "case", "material"]);

// Bank items adopted with an adoption. Questions pin a version; cases and materials are live (not
// versioned). The title is kept so an item the organization stops sharing shows as withdrawn.
export const adoptionItems = pgTable(
  "adoption_items",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    adoptionId: uuid("adoption_id").notNull(),
    kind: adoptionItemKind("kind").notNull(),
    itemId: uuid("item_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    version: integer("version"),
    title: text("title").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.adoptionId, t.kind, t.itemId] }),
    foreignKey({ name: "adoption_items_adoption_fk", columns: [t.tenantId, t.adoptionId], foreignColumns: [adoptions.tenantId, adoptions.id] }).onDelete(
      "cascade",
    ),
  ],
);

// The school's courses (书证融通 maps skill requirements onto them).
export const courseKind = pgEnum("course_kind", ["public_basic", "professional_basic", "professional_core", "professional_elective", "practice"]);

export const schoolCourses = pgTable(
  "school_courses",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    majorId: uuid("major_id"),
    code: text("code").notNull(),
    name: text("name").notNull(),
    // Credits in tenths are not needed: numeric(4,1) holds 0.5 steps exactly.
    credits: numeric("credits", { precision: 4, scale: 1 }).notNull(),
    // 1–12, or null when the course is in no semester of the plan (the coverage report flags it).
    semester: smallint("semester"),
    kind: courseKind("kind").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("school_courses_code_key").on(t.tenantId, t.code),
    foreignKey({ name: "school_courses_major_fk", columns: [t.tenantId, t.majorId], foreignColumns: [pilotMajors.tenantId, pilotMajors.id] }),
  ],
);

// 书证融通: a skill requirement (by lineage, so it survives new standard versions) of an adopted
// certificate level maps to zero or more courses.
export const requirementMappings = pgTable(
  "requirement_mappings",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    adoptionId: uuid("adoption_id").notNull(),
    lineageId: uuid("lineage_id").notNull(),
    courseId: uuid("course_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.adoptionId, t.lineageId, t.courseId] }),
    index("requirement_mappings_course_idx").on(t.tenantId, t.courseId),
    foreignKey({ name: "requirement_mappings_adoption_fk", columns: [t.tenantId, t.adoptionId], foreignColumns: [adoptions.tenantId, adoptions.id] }).onDelete(
      "cascade",
    ),
    foreignKey({
      name: "requirement_mappings_course_fk",
      columns: [t.tenantId, t.courseId],
      foreignColumns: [schoolCourses.tenantId, schoolCourses.id],
    }).onDelete("cascade"),
  ],
);

// 学分转换规则, recorded by an organization or a school (tenant_id = who recorded it). For one key
// (recorder, certificate, level, course code) at most one rule is in force on any day: the database
// refuses overlapping validity (trigger, decision 036). valid_until is the last valid day (inclusive).
export const creditExemption = pgEnum("credit_exemption", ["none", "exempt_course", "exempt_theory", "exempt_practical"]);

export const creditRules = pgTable(
  "credit_rules",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    courseCode: text("course_code").notNull(),
    courseName: text("course_name").notNull(),
    // A module of the course (e.g. 实训模块), empty for the whole course.
    module: text("module").notNull().default(""),
    credits: numeric("credits", { precision: 4, scale: 1 }).notNull(),
    exemption: creditExemption("exemption").notNull(),
    validFrom: date("valid_from").notNull(),
    validUntil: date("valid_until"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("credit_rules_key_idx").on(t.tenantId, t.certificateId, t.level, t.courseCode, t.validFrom),
    index("credit_rules_course_idx").on(t.tenantId, t.courseCode),
  ],
);

// 申报备案: a school's application to pilot a certificate level for a major.
export const filingStatus = pgEnum("filing_status", ["draft", "submitted", "returned", "resubmitted", "approved", "rejected"]);

export const filings = pgTable(
  "filings",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    majorId: uuid("major_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    certificateName: text("certificate_name").notNull(),
    expectedStudentsPerYear: integer("expected_students_per_year").notNull(),
    examSitePlan: text("exam_site_plan").notNull(),
    responsibleOffice: text("responsible_office").notNull(),
    responsiblePerson: text("responsible_person").notNull(),
    contactEmail: text("contact_email").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    status: filingStatus("status").notNull().default("draft"),
    // 备案结果以教育部平台为准: the national platform's record number, entered on approval.
    recordNumber: text("record_number"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("filings_created_idx").on(t.tenantId, t.createdAt, t.id),
    index("filings_status_idx").on(t.tenantId, t.status),
    foreignKey({ name: "filings_major_fk", columns: [t.tenantId, t.majorId], foreignColumns: [pilotMajors.tenantId, pilotMajors.id] }),
  ],
);

// Every step of a filing, with the comment given (the committee's return comments are read here).
export const filingEvents = pgTable(
  "filing_events",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    filingId: uuid("filing_id").notNull(),
    fromStatus: filingStatus("from_status"),
    toStatus: filingStatus("to_status").notNull(),
    comment: text("comment").notNull().default(""),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    // 'school' or 'committee': whose step it was.
    actorSide: text("actor_side").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("filing_events_filing_idx").on(t.tenantId, t.filingId, t.createdAt),
    foreignKey({ name: "filing_events_filing_fk", columns: [t.tenantId, t.filingId], foreignColumns: [filings.tenantId, filings.id] }).onDelete("cascade"),
  ],
);

// Reporting periods for progress reports (shared; the committee will edit them). Default: one per
// semester, due 15 January and 15 July.
export const reportPeriods = pgTable(
  "report_periods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    code: text("code").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    dueOn: date("due_on").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("report_periods_code_key").on(t.code), index("report_periods_due_idx").on(t.dueOn)],
);

export const progressReportStatus = pgEnum("progress_report_status", ["draft", "submitted"]);

// 动态定期报送: a school's report for one period.
export const progressReports = pgTable(
  "progress_reports",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    periodId: uuid("period_id")
      .notNull()
      .references(() => reportPeriods.id),
    status: progressReportStatus("status").notNull().default("draft"),
    studentsTrained: integer("students_trained").notNull().default(0),
    studentsAssessed: integer("students_assessed").notNull().default(0),
    passCount: integer("pass_count").notNull().default(0),
    credentialedTrainers: integer("credentialed_trainers").notNull().default(0),
    problems: text("problems").notNull().default(""),
    narrative: text("narrative").notNull().default(""),
    // Set on submission: submitted after the due day (Asia/Shanghai).
    late: boolean("late").notNull().default(false),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("progress_reports_period_key").on(t.tenantId, t.periodId)],
);

// Reminders sent, one row per school, period and lead time: inserted in the transaction that
// enqueues the emails, so a second scheduler run (or a restart) finds it and sends nothing.
export const progressReportReminders = pgTable(
  "progress_report_reminders",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    periodId: uuid("period_id")
      .notNull()
      .references(() => reportPeriods.id),
    daysBefore: smallint("days_before").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.periodId, t.daysBefore] })],
);

// Violation reports: owned by the reporting school. The reported organization has no policy that
// reads them (decision 037); the committee reads them and updates their status.
export const violationCategory = pgEnum("violation_category", [
  "forced_paid_training",
  "fee_above_disclosure",
  "undisclosed_fee",
  "exam_irregularity",
  "other",
]);
// Triage (issue 17 item 4, migration 0041 renamed submitted/under_review/resolved): received →
// investigating → upheld | dismissed.
export const violationStatus = pgEnum("violation_status", ["received", "investigating", "upheld", "dismissed"]);

export const violationReports = pgTable(
  "violation_reports",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    category: violationCategory("category").notNull(),
    description: text("description").notNull(),
    status: violationStatus("status").notNull().default("received"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("violation_reports_created_idx").on(t.tenantId, t.createdAt, t.id)],
);

export const violationEvidence = pgTable(
  "violation_evidence",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    reportId: uuid("report_id").notNull(),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("violation_evidence_report_idx").on(t.tenantId, t.reportId),
    foreignKey({
      name: "violation_evidence_report_fk",
      columns: [t.tenantId, t.reportId],
      foreignColumns: [violationReports.tenantId, violationReports.id],
    }).onDelete("cascade"),
  ],
);

// Status updates from the committee, which the reporting school reads.
export const violationReportUpdates = pgTable(
  "violation_report_updates",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    reportId: uuid("report_id").notNull(),
    status: violationStatus("status").notNull(),
    note: text("note").notNull().default(""),
    byUserId: uuid("by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("violation_report_updates_report_idx").on(t.tenantId, t.reportId, t.createdAt),
    foreignKey({
      name: "violation_report_updates_report_fk",
      columns: [t.tenantId, t.reportId],
      foreignColumns: [violationReports.tenantId, violationReports.id],
    }).onDelete("cascade"),
  ],
);
