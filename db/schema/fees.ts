import { sql } from "drizzle-orm";
import { bigint, boolean, date, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { certificateLevel, certificates } from "./certificates";
import { tenants } from "./tenancy";

// Money is integer fen (bigint, read as a JS number: safe up to 9e15 fen). Effective dates are
// calendar days in Asia/Shanghai (`date`); instants are timestamptz.

// Committee settings, each with its history: the row in force at T is the latest effective_from <= T.
// The notice period may be scheduled for a later day and withdrawn until then (decision 055, 060): one
// row per instant, so the period in force at T is never a tie.
export const noticePeriodSettings = pgTable(
  "notice_period_settings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    days: integer("days").notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    setByUserId: uuid("set_by_user_id"),
    reason: text("reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("notice_period_settings_effective_key").on(t.effectiveFrom)],
);

// 考核成本上限 per certificate level, set by the committee. Stored with the certificate's organization
// (tenant_id) so it is colocated with the certificate and its disclosures.
export const costCaps = pgTable(
  "cost_caps",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    setByUserId: uuid("set_by_user_id"),
    reason: text("reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("cost_caps_certificate_level_idx").on(t.tenantId, t.certificateId, t.level, t.effectiveFrom),
    foreignKey({ name: "cost_caps_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

export const feeKind = pgEnum("fee_kind", ["training", "assessment", "teacher_training"]);
export const feeUnit = pgEnum("fee_unit", ["per_person", "per_person_time", "per_session"]);
export const disclosureStatus = pgEnum("disclosure_status", ["draft", "published"]);

// 收费标准公示. Draft → published; a published row never changes (trigger). A change is a new
// disclosure with supersedes_id; a withdrawal is a row of fee_disclosure_withdrawals. The fee in force
// on day D for (certificate, level, kind) is the published disclosure with the latest
// effective_from <= D, unless it ended (effective_until <= D) or was withdrawn from a day <= D.
export const feeDisclosures = pgTable(
  "fee_disclosures",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    kind: feeKind("kind").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    unit: feeUnit("unit").notNull(),
    includes: text("includes").notNull().default(""),
    effectiveFrom: date("effective_from").notNull(),
    effectiveUntil: date("effective_until"),
    contact: text("contact").notNull(),
    changeReason: text("change_reason").notNull().default(""),
    status: disclosureStatus("status").notNull().default("draft"),
    supersedesId: uuid("supersedes_id"),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedByUserId: uuid("published_by_user_id"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("fee_disclosures_lookup_idx").on(t.tenantId, t.certificateId, t.level, t.kind, t.effectiveFrom),
    index("fee_disclosures_published_idx").on(t.tenantId, t.publishedAt),
    // The public list's order, newest publication first with id breaking ties, read backwards one
    // organization at a time (app/modules/fees/public.server.ts).
    index("fee_disclosures_public_order_idx")
      .on(t.tenantId, t.publishedAt, t.id)
      .where(sql`status = 'published'`),
    // The referencing side of the supersedes foreign key: "is this disclosure superseded?" is asked
    // for every row of the public fee list and the committee's audit (measured by the benchmark).
    index("fee_disclosures_supersedes_idx").on(t.tenantId, t.supersedesId),
    // One disclosure per day of effect and key: the fee in force is never ambiguous.
    uniqueIndex("fee_disclosures_one_per_day_key")
      .on(t.tenantId, t.certificateId, t.level, t.kind, t.effectiveFrom)
      .where(sql`status = 'published'`),
    foreignKey({ name: "fee_disclosures_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
    foreignKey({ name: "fee_disclosures_supersedes_fk", columns: [t.tenantId, t.supersedesId], foreignColumns: [t.tenantId, t.id] }),
  ],
);

export const feeDisclosureWithdrawals = pgTable(
  "fee_disclosure_withdrawals",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    disclosureId: uuid("disclosure_id").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    reason: text("reason").notNull(),
    withdrawnByUserId: uuid("withdrawn_by_user_id"),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("fee_disclosure_withdrawals_disclosure_key").on(t.tenantId, t.disclosureId),
    foreignKey({
      name: "fee_disclosure_withdrawals_disclosure_fk",
      columns: [t.tenantId, t.disclosureId],
      foreignColumns: [feeDisclosures.tenantId, feeDisclosures.id],
    }),
  ],
);

// Assessment orders live with the organization that sells the assessment (tenant_id), colocated with
// its certificates, disclosures and payments; the ordering school reads them by school_tenant_id.
export const orderStatus = pgEnum("order_status", ["pending", "paid", "cancelled"]);

export const assessmentOrders = pgTable(
  "assessment_orders",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    number: text("number").notNull(),
    schoolTenantId: uuid("school_tenant_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    disclosureId: uuid("disclosure_id"),
    examSite: text("exam_site").notNull(),
    examDate: date("exam_date").notNull(),
    orderDate: date("order_date").notNull(),
    headcount: integer("headcount").notNull(),
    unitPriceFen: bigint("unit_price_fen", { mode: "number" }).notNull(),
    totalFen: bigint("total_fen", { mode: "number" }).notNull(),
    currency: text("currency").notNull().default("CNY"),
    status: orderStatus("status").notNull().default("pending"),
    // Where the school wants its confirmation and receipt (the orderer's address at order time).
    contactEmail: text("contact_email").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    refundedFen: bigint("refunded_fen", { mode: "number" }).notNull().default(0),
    // The school's pilot major and cohort this assessment is for (null for older orders). They are
    // the school's rows: no foreign key across tenants; the order service checks them.
    pilotMajorId: uuid("pilot_major_id"),
    cohortId: uuid("cohort_id"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("assessment_orders_number_key").on(t.tenantId, t.number),
    index("assessment_orders_school_idx").on(t.tenantId, t.schoolTenantId, t.createdAt),
    index("assessment_orders_status_idx").on(t.tenantId, t.status, t.createdAt),
    // The fee key: the orders whose findings a disclosure, withdrawal or cap can change.
    index("assessment_orders_fee_key_idx").on(t.tenantId, t.certificateId, t.level, t.orderDate),
    foreignKey({ name: "assessment_orders_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
    foreignKey({
      name: "assessment_orders_disclosure_fk",
      columns: [t.tenantId, t.disclosureId],
      foreignColumns: [feeDisclosures.tenantId, feeDisclosures.id],
    }),
  ],
);

export const paymentMethod = pgEnum("payment_method", ["stripe", "bank_transfer"]);
export const paymentStatus = pgEnum("payment_status", ["pending", "succeeded", "failed"]);

export const payments = pgTable(
  "payments",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    orderId: uuid("order_id").notNull(),
    method: paymentMethod("method").notNull(),
    status: paymentStatus("status").notNull().default("pending"),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    currency: text("currency").notNull().default("CNY"),
    stripeCheckoutSessionId: text("stripe_checkout_session_id"),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    bankReference: text("bank_reference"),
    recordedByUserId: uuid("recorded_by_user_id"),
    confirmedByUserId: uuid("confirmed_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("payments_order_idx").on(t.tenantId, t.orderId),
    uniqueIndex("payments_checkout_session_key").on(t.tenantId, t.stripeCheckoutSessionId),
    foreignKey({ name: "payments_order_fk", columns: [t.tenantId, t.orderId], foreignColumns: [assessmentOrders.tenantId, assessmentOrders.id] }),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    orderId: uuid("order_id").notNull(),
    paymentId: uuid("payment_id").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    reason: text("reason").notNull(),
    stripeRefundId: text("stripe_refund_id"),
    recordedByUserId: uuid("recorded_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("refunds_order_idx").on(t.tenantId, t.orderId),
    foreignKey({ name: "refunds_order_fk", columns: [t.tenantId, t.orderId], foreignColumns: [assessmentOrders.tenantId, assessmentOrders.id] }),
    foreignKey({ name: "refunds_payment_fk", columns: [t.tenantId, t.paymentId], foreignColumns: [payments.tenantId, payments.id] }),
  ],
);

// The organization's own Stripe account (Connect); the platform takes no fee.
export const paymentAccounts = pgTable(
  "payment_accounts",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    stripeAccountId: text("stripe_account_id").notNull(),
    chargesEnabled: boolean("charges_enabled").notNull().default(false),
    detailsSubmitted: boolean("details_submitted").notNull().default(false),
    paymentMethods: text("payment_methods")
      .array()
      .notNull()
      .default(sql`'{card}'::text[]`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("payment_accounts_one_per_tenant_key").on(t.tenantId),
    index("payment_accounts_stripe_idx").on(t.tenantId, t.stripeAccountId),
  ],
);

// Each Stripe event is stored once, in the transaction of its effect: replays find it and do nothing.
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  account: text("account"),
  organizationId: uuid("organization_id"),
  payload: jsonb("payload").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

// Findings the committee has already been told about (digest), so each digest lists only new ones.
export const findingNotices = pgTable("finding_notices", {
  key: text("key").primaryKey(),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
  digestedAt: timestamp("digested_at", { withTimezone: true }),
});

// The committee's fee audit, stored (decision 011): written only by the database's own triggers and
// functions (the app role may read it, never write it), per fee key (organization, certificate, level).
export const feeFindings = pgTable(
  "fee_findings",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    type: text("type").notNull(),
    entityId: uuid("entity_id").notNull(),
    entityType: text("entity_type").notNull(),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actualFen: bigint("actual_fen", { mode: "number" }),
    expectedFen: bigint("expected_fen", { mode: "number" }),
    noticeGiven: integer("notice_given"),
    noticeRequired: integer("notice_required"),
    reference: text("reference").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.type, t.entityId] }),
    index("fee_findings_key_idx").on(t.tenantId, t.certificateId, t.level),
    foreignKey({ columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id], name: "fee_findings_certificate_fk" }),
  ],
);

// When the stored audit was last brought up to date with the calendar (one row): findings that depend
// on "today" (the fee in force, the cap in force) are refreshed for the keys whose dates passed since.
export const feeAuditState = pgTable("fee_audit_state", {
  id: boolean("id").primaryKey().default(true),
  refreshedAt: timestamp("refreshed_at", { withTimezone: true }).notNull(),
  nextChangeAt: timestamp("next_change_at", { withTimezone: true }).notNull().defaultNow(),
});

// Periodic jobs shared by every app instance: a row per job, claimed with FOR UPDATE SKIP LOCKED.
export const scheduledJobs = pgTable("scheduled_jobs", {
  name: text("name").primaryKey(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
});
