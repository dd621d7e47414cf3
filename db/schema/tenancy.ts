import { sql } from "drizzle-orm";
import { boolean, foreignKey, index, inet, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

// Shared (not tenant-owned) tables: tenants, users, sessions, password resets, login attempts.
// In a Citus deployment they become reference tables; see db/citus.sql.

export const tenantKind = pgEnum("tenant_kind", ["organization", "school", "committee"]);

// Shanghai's 16 districts (exam sites and tenants are placed in one, §二.13).
export const shanghaiDistrict = pgEnum("shanghai_district", [
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
]);

// Admission (§二.2, decision 042): an organization or school that signs up is pending until the
// committee admits it; the committee may refuse it, or later suspend an admitted one. Only an
// admitted tenant publishes fees, shares to the library or issues credentials (database triggers).
export const admissionStatus = pgEnum("admission_status", ["pending", "admitted", "refused", "suspended"]);

export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: tenantKind("kind").notNull(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    // 统一社会信用代码, required for organizations and schools (checked in app and by a CHECK constraint).
    creditCode: text("credit_code"),
    district: shanghaiDistrict("district"),
    // Changed only through decide_admission() (the committee admin, or the system scope).
    admission: admissionStatus("admission").notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("tenants_slug_key").on(t.slug), uniqueIndex("tenants_credit_code_key").on(t.creditCode)],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    // Null while a self-service sign-up has not followed its emailed link (decision 041). Accounts
    // made any other way (an invitation link, the seed) are verified when created.
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }).defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    // sha256 of the cookie token: a database leak does not yield usable sessions.
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    // Moved forward at most every few minutes (not a write per request); idle past the window, the
    // session is over (SESSION_IDLE_MINUTES).
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

// A sign-up waiting for its email to be verified (decision 041): what the form collected, kept until
// the emailed link (its sha256 only) creates the tenant. Single use, expires, a newer one ends it.
export const signupVerifications = pgTable(
  "signup_verifications",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: tenantKind("kind").notNull(),
    tenantName: text("tenant_name").notNull(),
    slug: text("slug").notNull(),
    creditCode: text("credit_code").notNull(),
    businessScope: text("business_scope").notNull().default(""),
    proposedCertificates: text("proposed_certificates").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("signup_verifications_user_idx").on(t.userId)],
);

// Failed and successful logins, counted in the database so every app instance shares one limit.
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    ip: inet("ip"),
    success: boolean("success").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_attempts_email_idx").on(t.email, t.at), index("login_attempts_ip_idx").on(t.ip, t.at)],
);

// One row per counted attempt of a rate-limited action (app/modules/auth/limits.server.ts): login per IP
// and per account, sign-up and forgot-password per IP and per email. Counted and inserted under one
// advisory lock per key, so parallel attempts cannot race past the limit.
export const rateLimitHits = pgTable(
  "rate_limit_hits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_limit_hits_kind_key_idx").on(t.kind, t.key, t.at)],
);

// Tenant-owned tables: tenant_id leads the primary key, every index and every foreign key (Citus rule).

export const memberRole = pgEnum("member_role", ["owner", "admin", "editor", "finance", "viewer", "teacher", "member"]);

export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("memberships_tenant_user_key").on(t.tenantId, t.userId),
    index("memberships_tenant_user_idx").on(t.tenantId, t.userId),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    email: text("email").notNull(),
    role: memberRole("role").notNull(),
    tokenHash: text("token_hash").notNull(),
    // Null once the inviting member was removed (the invitation stays, as a record).
    invitedByMembershipId: uuid("invited_by_membership_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("invitations_tenant_token_key").on(t.tenantId, t.tokenHash),
    index("invitations_tenant_email_idx").on(t.tenantId, t.email),
    // ON DELETE SET NULL (invited_by_membership_id) only, in migration 0025: drizzle would null tenant_id too.
    foreignKey({
      name: "invitations_invited_by_fk",
      columns: [t.tenantId, t.invitedByMembershipId],
      foreignColumns: [memberships.tenantId, memberships.id],
    }),
  ],
);

// What an organization or school filed for admission (§二.2, decision 042): its credit code, business
// scope and the certificates it proposes, and the committee's decision on it. Written at sign-up (the
// system scope); the decision only through decide_admission(). One row per filing, newest counts.
export const tenantAdmissions = pgTable(
  "tenant_admissions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    creditCode: text("credit_code").notNull(),
    businessScope: text("business_scope").notNull().default(""),
    proposedCertificates: text("proposed_certificates").notNull().default(""),
    filedByUserId: uuid("filed_by_user_id"),
    filedAt: timestamp("filed_at", { withTimezone: true }).notNull().defaultNow(),
    status: admissionStatus("status").notNull().default("pending"),
    reason: text("reason").notNull().default(""),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedByUserId: uuid("decided_by_user_id"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("tenant_admissions_filed_idx").on(t.tenantId, t.filedAt)],
);
