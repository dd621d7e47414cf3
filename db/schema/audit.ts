import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

// Append-only: triggers reject UPDATE, DELETE and TRUNCATE and the app role may only SELECT and INSERT
// (db/migrations/*_security.sql). Tenant actions land in audit_log; account actions that belong to no
// tenant (login, logout, password reset) land in account_audit_log.
export const auditLog = pgTable(
  "audit_log",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid("actor_user_id"),
    actorRole: text("actor_role"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    requestId: text("request_id"),
    ip: text("ip"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("audit_log_tenant_at_idx").on(t.tenantId, t.at),
    index("audit_log_tenant_entity_idx").on(t.tenantId, t.entityType, t.entityId),
  ],
);

export const accountAuditLog = pgTable(
  "account_audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    userId: uuid("user_id"),
    action: text("action").notNull(),
    detail: jsonb("detail"),
    requestId: text("request_id"),
    ip: text("ip"),
  },
  (t) => [index("account_audit_log_user_idx").on(t.userId, t.at)],
);
