import { foreignKey, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants, users } from "./tenancy";
import { violationCategory, violationReports } from "./school";

// The committee's supervision (issue 17 items 2, 4, 6). Evaluation tables are the committee's own
// rows (tenant_id = the committee). The committee's private rows about another tenant's record
// (notes on a violation report, scores of a typical case) live in that record's tenant, so their
// foreign key leads with the same tenant_id, and only committee policies read them (decision 047).

// 动态遴选: the notice's criteria for keeping an organization in the pilot.
export const evaluationCriterion = pgEnum("evaluation_criterion", [
  "certificate_quality",
  "industry_recognition",
  "integrity",
  "non_profit",
  "regional_service",
  "no_violation",
]);
export const evaluationPeriodStatus = pgEnum("evaluation_period_status", ["open", "finalized"]);
export const evaluationDecision = pgEnum("evaluation_decision", ["retain", "warn", "suspend"]);

export const evaluationPeriods = pgTable(
  "evaluation_periods",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    // The public address: /evaluations/<code>, e.g. 2025.
    code: text("code").notNull(),
    title: text("title").notNull(),
    status: evaluationPeriodStatus("status").notNull().default("open"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finalizedAt: timestamp("finalized_at", { withTimezone: true }),
    finalizedByUserId: uuid("finalized_by_user_id").references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("evaluation_periods_code_key").on(t.tenantId, t.code)],
);

// Weights are never overwritten: each change is a row; the newest row of a criterion is in force.
export const evaluationWeights = pgTable(
  "evaluation_weights",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    periodId: uuid("period_id").notNull(),
    criterion: evaluationCriterion("criterion").notNull(),
    weight: smallint("weight").notNull(),
    setByUserId: uuid("set_by_user_id").references(() => users.id),
    setAt: timestamp("set_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("evaluation_weights_period_idx").on(t.tenantId, t.periodId, t.criterion, t.setAt),
    foreignKey({ name: "evaluation_weights_period_fk", columns: [t.tenantId, t.periodId], foreignColumns: [evaluationPeriods.tenantId, evaluationPeriods.id] }),
  ],
);

// One member's score (0–100) of one organization on one criterion, with a comment.
export const evaluationScores = pgTable(
  "evaluation_scores",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    periodId: uuid("period_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    criterion: evaluationCriterion("criterion").notNull(),
    memberUserId: uuid("member_user_id")
      .notNull()
      .references(() => users.id),
    score: smallint("score").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("evaluation_scores_key").on(t.tenantId, t.periodId, t.organizationId, t.criterion, t.memberUserId),
    foreignKey({ name: "evaluation_scores_period_fk", columns: [t.tenantId, t.periodId], foreignColumns: [evaluationPeriods.tenantId, evaluationPeriods.id] }),
  ],
);

// The admin's decision per organization, with the evidence as it stood when decided.
export const evaluationResults = pgTable(
  "evaluation_results",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    periodId: uuid("period_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    decision: evaluationDecision("decision").notNull(),
    weightedScore: numeric("weighted_score", { precision: 5, scale: 2 }),
    note: text("note").notNull().default(""),
    evidence: jsonb("evidence").notNull(),
    decidedByUserId: uuid("decided_by_user_id").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.periodId, t.organizationId] }),
    foreignKey({ name: "evaluation_results_period_fk", columns: [t.tenantId, t.periodId], foreignColumns: [evaluationPeriods.tenantId, evaluationPeriods.id] }),
  ],
);

// Violation triage: the committee's internal notes on a report (a row of the reporting school,
// read by the committee only: neither the reporter nor the reported ever read them).
export const violationReportNotes = pgTable(
  "violation_report_notes",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    reportId: uuid("report_id").notNull(),
    body: text("body").notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("violation_report_notes_report_idx").on(t.tenantId, t.reportId, t.createdAt),
    foreignKey({
      name: "violation_report_notes_report_fk",
      columns: [t.tenantId, t.reportId],
      foreignColumns: [violationReports.tenantId, violationReports.id],
    }).onDelete("cascade"),
  ],
);

// The finding the committee chooses to disclose to the reported organization: a row of the
// organization, carrying nothing of the reporter (no school, no reporter, no report text).
export const violationDisclosureOutcome = pgEnum("violation_disclosure_outcome", ["upheld", "dismissed"]);
export const violationDisclosures = pgTable(
  "violation_disclosures",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    // The report's id: the committee finds its disclosure by it; it opens nothing to the organization
    // (no policy lets an organization read a report, decision 037).
    reference: text("reference").notNull(),
    category: violationCategory("category").notNull(),
    outcome: violationDisclosureOutcome("outcome").notNull(),
    finding: text("finding").notNull(),
    disclosedByUserId: uuid("disclosed_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("violation_disclosures_created_idx").on(t.tenantId, t.createdAt, t.id)],
);

// 典型案例: a school or an organization submits; committee members score; the committee selects.
export const typicalCaseStatus = pgEnum("typical_case_status", ["submitted", "selected", "declined"]);
export const typicalCases = pgTable(
  "typical_cases",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    body: text("body").notNull(),
    status: typicalCaseStatus("status").notNull().default("submitted"),
    submittedByUserId: uuid("submitted_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedByUserId: uuid("decided_by_user_id").references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("typical_cases_created_idx").on(t.tenantId, t.createdAt, t.id),
    index("typical_cases_status_idx").on(t.tenantId, t.status),
  ],
);

// A member's score of a case: a row of the case's tenant that only the committee reads.
export const typicalCaseScores = pgTable(
  "typical_case_scores",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    caseId: uuid("case_id").notNull(),
    memberUserId: uuid("member_user_id")
      .notNull()
      .references(() => users.id),
    score: integer("score").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("typical_case_scores_key").on(t.tenantId, t.caseId, t.memberUserId),
    foreignKey({ name: "typical_case_scores_case_fk", columns: [t.tenantId, t.caseId], foreignColumns: [typicalCases.tenantId, typicalCases.id] }).onDelete(
      "cascade",
    ),
  ],
);
