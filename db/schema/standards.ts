import { sql } from "drizzle-orm";
import { foreignKey, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { certificateLevel, certificates } from "./certificates";
import { tenants } from "./tenancy";

// 职业技能等级标准: versioned per certificate. A version is a tree per level:
// work area (工作领域) → work task (工作任务) → skill requirement (职业技能要求).
export const publicationStatus = pgEnum("publication_status", ["draft", "published", "superseded"]);
export const standardNodeKind = pgEnum("standard_node_kind", ["work_area", "work_task", "skill_requirement"]);

export const standardVersions = pgTable(
  "standard_versions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    version: integer("version").notNull(),
    status: publicationStatus("status").notNull().default("draft"),
    notes: text("notes").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("standard_versions_certificate_version_key").on(t.tenantId, t.certificateId, t.version),
    // At most one draft per certificate.
    uniqueIndex("standard_versions_one_draft_key")
      .on(t.tenantId, t.certificateId)
      .where(sql`status = 'draft'`),
    foreignKey({
      name: "standard_versions_certificate_fk",
      columns: [t.tenantId, t.certificateId],
      foreignColumns: [certificates.tenantId, certificates.id],
    }),
  ],
);

export const standardNodes = pgTable(
  "standard_nodes",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    versionId: uuid("version_id").notNull(),
    level: certificateLevel("level").notNull(),
    parentId: uuid("parent_id"),
    kind: standardNodeKind("kind").notNull(),
    // Order among siblings; `code` (1, 1.1, 1.1.1) is derived from positions and kept in step on reorder.
    position: integer("position").notNull(),
    code: text("code").notNull(),
    // The same requirement across versions: copied when a new draft starts from the latest version,
    // so questions and coverage follow a requirement from version to version.
    lineageId: uuid("lineage_id").notNull().defaultRandom(),
    titleZh: text("title_zh").notNull(),
    titleEn: text("title_en").notNull().default(""),
    description: text("description").notNull().default(""),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("standard_nodes_version_level_code_key").on(t.tenantId, t.versionId, t.level, t.code),
    index("standard_nodes_version_parent_idx").on(t.tenantId, t.versionId, t.parentId),
    index("standard_nodes_lineage_idx").on(t.tenantId, t.lineageId),
    index("standard_nodes_title_trgm_idx").using("gin", t.tenantId, sql`${t.titleZh} gin_trgm_ops`),
    foreignKey({
      name: "standard_nodes_version_fk",
      columns: [t.tenantId, t.versionId],
      foreignColumns: [standardVersions.tenantId, standardVersions.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "standard_nodes_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }).onDelete("cascade"),
  ],
);
