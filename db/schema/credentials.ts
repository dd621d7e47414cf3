import { sql } from "drizzle-orm";
import { date, foreignKey, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { certificateLevel, certificates } from "./certificates";
import { shanghaiDistrict, tenants } from "./tenancy";

// Trainers and examiners (培训师 / 考评员, §二.8–§二.13): the people an organization credentials, their
// credentials with a public number, the exam sites and the examiners assigned to assess there.

export const holderSource = pgEnum("holder_source", ["school_teacher", "industry_expert"]);
export const credentialRole = pgEnum("credential_role", ["trainer", "examiner"]);
export const credentialStatus = pgEnum("credential_status", ["draft", "active", "suspended", "revoked", "expired"]);

// A person as the organization knows them. The ID document is never stored: only its keyed hash
// (HMAC-SHA-256 with CREDENTIAL_ID_KEY, to find the same person again) and its last 4 characters.
export const credentialHolders = pgTable(
  "credential_holders",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    idHash: text("id_hash").notNull(),
    idLast4: text("id_last4").notNull(),
    source: holderSource("source").notNull(),
    // The employer: a school tenant (a school teacher) or another tenant of the platform, else by name.
    employerTenantId: uuid("employer_tenant_id").references(() => tenants.id),
    employerName: text("employer_name").notNull().default(""),
    contact: text("contact").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("credential_holders_id_hash_key").on(t.tenantId, t.idHash),
    index("credential_holders_list_idx").on(t.tenantId, t.createdAt, t.id),
  ],
);

export const credentials = pgTable(
  "credentials",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    holderId: uuid("holder_id").notNull(),
    role: credentialRole("role").notNull(),
    certificateId: uuid("certificate_id").notNull(),
    levels: certificateLevel("levels").array().notNull(),
    // XC-2026-000123-K: readable, with a check character (app/modules/credentials/number.ts).
    number: text("number").notNull(),
    issuedOn: date("issued_on").notNull(),
    expiresOn: date("expires_on").notNull(),
    status: credentialStatus("status").notNull().default("active"),
    statusReason: text("status_reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("credentials_number_key").on(t.tenantId, t.number),
    index("credentials_list_idx").on(t.tenantId, t.createdAt, t.id),
    index("credentials_holder_idx").on(t.tenantId, t.holderId),
    index("credentials_expiry_idx")
      .on(t.tenantId, t.expiresOn)
      .where(sql`status in ('active', 'suspended')`),
    foreignKey({ name: "credentials_holder_fk", columns: [t.tenantId, t.holderId], foreignColumns: [credentialHolders.tenantId, credentialHolders.id] }),
    foreignKey({ name: "credentials_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

// The platform-wide register of numbers: a public lookup (/verify/:number) knows no tenant. Written
// only by the credentials trigger; read only through verify_credential() (SECURITY DEFINER).
// `organization_id`, not tenant_id: a shared (Citus reference) table, like the tenants it points into.
export const credentialNumbers = pgTable("credential_numbers", {
  number: text("number").primaryKey(),
  organizationId: uuid("organization_id").notNull(),
  credentialId: uuid("credential_id").notNull(),
});

// Append-only: every status a credential had, with its reason and who set it.
export const credentialStatusHistory = pgTable(
  "credential_status_history",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    credentialId: uuid("credential_id").notNull(),
    status: credentialStatus("status").notNull(),
    reason: text("reason").notNull().default(""),
    changedByUserId: uuid("changed_by_user_id"),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("credential_status_history_credential_idx").on(t.tenantId, t.credentialId, t.changedAt),
    foreignKey({
      name: "credential_status_history_credential_fk",
      columns: [t.tenantId, t.credentialId],
      foreignColumns: [credentials.tenantId, credentials.id],
    }),
  ],
);

export const credentialEvidence = pgTable(
  "credential_evidence",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    credentialId: uuid("credential_id").notNull(),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    byteSize: integer("byte_size").notNull(),
    storageKey: text("storage_key").notNull(),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("credential_evidence_credential_idx").on(t.tenantId, t.credentialId),
    foreignKey({ name: "credential_evidence_credential_fk", columns: [t.tenantId, t.credentialId], foreignColumns: [credentials.tenantId, credentials.id] }),
  ],
);

// Expiry reminders sent (60, 30, 7 days before): the primary key makes each threshold go out once.
export const credentialReminders = pgTable(
  "credential_reminders",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    credentialId: uuid("credential_id").notNull(),
    daysBefore: integer("days_before").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.credentialId, t.daysBefore] }),
    foreignKey({ name: "credential_reminders_credential_fk", columns: [t.tenantId, t.credentialId], foreignColumns: [credentials.tenantId, credentials.id] }),
  ],
);

export const examSiteStatus = pgEnum("exam_site_status", ["proposed", "approved", "declined"]);

// 考核站点 of an organization (§二.13). The host is a school or another tenant; a school proposes
// hosting a site (a row in the organization's tenant, status proposed) and the organization approves.
export const examSites = pgTable(
  "exam_sites",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    hostTenantId: uuid("host_tenant_id").references(() => tenants.id),
    hostName: text("host_name").notNull().default(""),
    district: shanghaiDistrict("district").notNull(),
    certificateId: uuid("certificate_id").notNull(),
    levels: certificateLevel("levels").array().notNull(),
    capacity: integer("capacity").notNull(),
    equipment: text("equipment").notNull().default(""),
    status: examSiteStatus("status").notNull().default("proposed"),
    proposedByTenantId: uuid("proposed_by_tenant_id").references(() => tenants.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("exam_sites_list_idx").on(t.tenantId, t.createdAt, t.id),
    index("exam_sites_host_idx").on(t.tenantId, t.hostTenantId),
    foreignKey({ name: "exam_sites_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

// An assessment held at a site on a day, for a certificate level, optionally serving an order.
export const assessmentSessions = pgTable(
  "assessment_sessions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    siteId: uuid("site_id").notNull(),
    heldOn: date("held_on").notNull(),
    level: certificateLevel("level").notNull(),
    orderId: uuid("order_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("assessment_sessions_site_idx").on(t.tenantId, t.siteId, t.heldOn),
    foreignKey({ name: "assessment_sessions_site_fk", columns: [t.tenantId, t.siteId], foreignColumns: [examSites.tenantId, examSites.id] }),
  ],
);

// Examiners assigned to a session. The trigger examiner_assignments_conflict refuses an examiner
// whose employer hosts the site (教考分离 at the site level).
export const examinerAssignments = pgTable(
  "examiner_assignments",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    credentialId: uuid("credential_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("examiner_assignments_once_key").on(t.tenantId, t.sessionId, t.credentialId),
    foreignKey({
      name: "examiner_assignments_session_fk",
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [assessmentSessions.tenantId, assessmentSessions.id],
    }),
    foreignKey({ name: "examiner_assignments_credential_fk", columns: [t.tenantId, t.credentialId], foreignColumns: [credentials.tenantId, credentials.id] }),
  ],
);
