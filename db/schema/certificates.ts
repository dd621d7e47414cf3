import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

export const certificateLevel = pgEnum("certificate_level", ["junior", "intermediate", "senior"]);
export const certificateStatus = pgEnum("certificate_status", ["draft", "active", "retired"]);

// Shared reference list (Citus: reference table). Seeded by migration; the committee will edit it.
export const industries = pgTable("industries", {
  code: text("code").primaryKey(),
  nameZh: text("name_zh").notNull(),
  nameEn: text("name_en").notNull(),
  // "五个中心" / "四大品牌" / new occupations: the committee dashboard groups by it.
  priorityArea: text("priority_area"),
  sort: integer("sort").notNull().default(0),
});

// 职业技能等级证书, owned by one organization. Active certificates form the public catalogue.
export const certificates = pgTable(
  "certificates",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    industryCode: text("industry_code")
      .notNull()
      .references(() => industries.code),
    levels: certificateLevel("levels").array().notNull(),
    description: text("description").notNull().default(""),
    status: certificateStatus("status").notNull().default("draft"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("certificates_tenant_code_key").on(t.tenantId, sql`lower(${t.code})`),
    index("certificates_tenant_status_idx").on(t.tenantId, t.status),
  ],
);
