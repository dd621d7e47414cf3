import { boolean, date, foreignKey, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { certificateLevel, certificates } from "./certificates";
import { credentialRole, credentials } from "./credentials";
import { feeDisclosures } from "./fees";
import { pilotMajors } from "./school";
import { tenants } from "./tenancy";

// Issue 16 items 7 and 9: a school's teachers linked to their credentials (the 1:80 ratio), and the
// organizations' teacher-training sessions (师资培训) that schools enrol teachers in.

// A school's link from one of its pilot majors to a trainer credential of an organization. Written only
// by link_school_credential() (SECURITY DEFINER), which checks the organization's record: the number and
// the holder's name or the last 4 characters of the ID. `credential_id` is the organization's row; no
// foreign key crosses tenants, the function vouches for it.
export const credentialLinks = pgTable(
  "credential_links",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    majorId: uuid("major_id").notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => tenants.id),
    credentialId: uuid("credential_id").notNull(),
    credentialNumber: text("credential_number").notNull(),
    teacherName: text("teacher_name").notNull(),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("credential_links_once_key").on(t.tenantId, t.majorId, t.credentialNumber),
    foreignKey({ name: "credential_links_major_fk", columns: [t.tenantId, t.majorId], foreignColumns: [pilotMajors.tenantId, pilotMajors.id] }).onDelete(
      "cascade",
    ),
  ],
);

export const trainingMode = pgEnum("training_mode", ["onsite", "online"]);
export const enrolmentStatus = pgEnum("training_enrolment_status", ["enrolled", "completed", "withdrawn"]);

// A teacher-training session an organization offers. Always voluntary (§二.6: schools are never obliged
// to buy training); its fee, if any, is the linked teacher_training fee disclosure.
export const trainingSessions = pgTable(
  "training_sessions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    title: text("title").notNull(),
    certificateId: uuid("certificate_id").notNull(),
    levels: certificateLevel("levels").array().notNull(),
    role: credentialRole("role").notNull().default("trainer"),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    mode: trainingMode("mode").notNull(),
    place: text("place").notNull().default(""),
    capacity: integer("capacity").notNull(),
    feeDisclosureId: uuid("fee_disclosure_id"),
    cancelled: boolean("cancelled").notNull().default(false),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("training_sessions_list_idx").on(t.tenantId, t.startsOn, t.id),
    foreignKey({ name: "training_sessions_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
    foreignKey({ name: "training_sessions_fee_fk", columns: [t.tenantId, t.feeDisclosureId], foreignColumns: [feeDisclosures.tenantId, feeDisclosures.id] }),
  ],
);

// A school's teacher enrolled in a session: a row of the organization's (tenant_id) that the school
// writes and reads through school_tenant_id. The ID is kept as the holders' keyed hash and last 4, so
// completion can create the holder and a draft credential without the ID ever being stored in clear.
export const trainingEnrolments = pgTable(
  "training_enrolments",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    schoolTenantId: uuid("school_tenant_id")
      .notNull()
      .references(() => tenants.id),
    teacherName: text("teacher_name").notNull(),
    idHash: text("id_hash").notNull(),
    idLast4: text("id_last4").notNull(),
    contact: text("contact").notNull().default(""),
    status: enrolmentStatus("status").notNull().default("enrolled"),
    credentialId: uuid("credential_id"),
    createdByUserId: uuid("created_by_user_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("training_enrolments_once_key").on(t.tenantId, t.sessionId, t.idHash),
    index("training_enrolments_school_idx").on(t.tenantId, t.schoolTenantId),
    foreignKey({
      name: "training_enrolments_session_fk",
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [trainingSessions.tenantId, trainingSessions.id],
    }),
    foreignKey({ name: "training_enrolments_credential_fk", columns: [t.tenantId, t.credentialId], foreignColumns: [credentials.tenantId, credentials.id] }),
  ],
);
