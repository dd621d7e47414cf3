import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

// The committee's thresholds (issue 17, decision 044), each change a row: the value in force at T is
// the latest effective_from <= T (as notice_period_settings). Read with committee_setting_at().
export const committeeSettingKeys = ["bank_staleness_days", "site_students_per_site"] as const;
export type ThresholdKey = (typeof committeeSettingKeys)[number];
// The evaluation weights (decision 055): one key per criterion of app/modules/evaluations/criteria.ts,
// always written six together with one effective_from, summing to 100 (a deferred trigger checks).
export const weightSettingKeys = [
  "weight_certificate_quality",
  "weight_industry_recognition",
  "weight_integrity",
  "weight_non_profit",
  "weight_regional_service",
  "weight_no_violation",
] as const;
export type CommitteeSettingKey = ThresholdKey | (typeof weightSettingKeys)[number];

export const committeeSettings = pgTable(
  "committee_settings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").$type<CommitteeSettingKey>().notNull(),
    value: integer("value").notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    setByUserId: uuid("set_by_user_id"),
    reason: text("reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One value per key and instant: the value in force at T is never ambiguous (decision 055).
    uniqueIndex("committee_settings_key_effective_key").on(t.key, t.effectiveFrom),
    check(
      "committee_settings_key_check",
      sql`${t.key} IN ('bank_staleness_days', 'site_students_per_site', 'weight_certificate_quality', 'weight_industry_recognition', 'weight_integrity', 'weight_non_profit', 'weight_regional_service', 'weight_no_violation')`,
    ),
    check("committee_settings_value_check", sql`CASE WHEN ${t.key} LIKE 'weight_%' THEN ${t.value} BETWEEN 0 AND 100 ELSE ${t.value} BETWEEN 1 AND 100000 END`),
  ],
);

// The industry-field list's history: each row adds or renames a field; a trigger applies it to
// `industries` (migration 0040), which the app role only reads.
export const industryFieldChanges = pgTable(
  "industry_field_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    priorityArea: text("priority_area"),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    setByUserId: uuid("set_by_user_id"),
    reason: text("reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("industry_field_changes_code_idx").on(t.code, t.effectiveFrom),
    check("industry_field_changes_code_check", sql`${t.code} ~ '^[a-z][a-z0-9_-]{1,39}$'`),
  ],
);
