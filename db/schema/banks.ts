import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { certificateLevel, certificates } from "./certificates";
import { standardVersions } from "./standards";
import { tenants, users } from "./tenancy";

// An organization's certificate resources (§二.5, §二.6): teaching materials, the case bank and the
// question bank. Skill requirements are referenced by their lineage id (standard_nodes.lineage_id),
// so an item keeps covering a requirement when a new standard version is published.

export const resourceVisibility = pgEnum("resource_visibility", ["private", "shared"]);
export const materialKind = pgEnum("material_kind", ["textbook", "loose_leaf", "workbook", "courseware", "video", "digital"]);
export const questionType = pgEnum("question_type", ["single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "practical"]);
// 教考分离: exam-pool questions never leave the owning organization (RLS in 0010_banks_security).
export const questionPool = pgEnum("question_pool", ["practice", "exam"]);
export const bankItemStatus = pgEnum("bank_item_status", ["draft", "published"]);

/** A pg_trgm GIN key: substring search (LIKE '%…%') on the column, after tenant_id (btree_gin). */
export const trigram = (column: unknown) => sql`${column} gin_trgm_ops`;
/** The characters and character pairs of the column (search_grams, migration 0051): terms too short for a trigram (decision 056). */
export const grams = (column: unknown) => sql`search_grams(${column})`;

export const materials = pgTable(
  "materials",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    kind: materialKind("kind").notNull(),
    title: text("title").notNull(),
    isbn: text("isbn"),
    publisher: text("publisher").notNull().default(""),
    // 双主编制: a school and an enterprise chief editor.
    schoolEditor: text("school_editor").notNull().default(""),
    enterpriseEditor: text("enterprise_editor").notNull().default(""),
    levels: certificateLevel("levels")
      .array()
      .notNull()
      .default(sql`'{}'`),
    standardVersionId: uuid("standard_version_id"),
    requirementIds: uuid("requirement_ids")
      .array()
      .notNull()
      .default(sql`'{}'`),
    description: text("description").notNull().default(""),
    visibility: resourceVisibility("visibility").notNull().default("private"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("materials_certificate_idx").on(t.tenantId, t.certificateId),
    index("materials_updated_idx").on(t.tenantId, t.updatedAt.desc(), t.id),
    index("materials_title_trgm_idx").using("gin", t.tenantId, trigram(t.title)),
    // The library's newest shared materials of each organization (decision 033).
    index("materials_library_title_grams_idx")
      .using("gin", t.tenantId, grams(t.title))
      .where(sql`visibility = 'shared'`),
    index("materials_library_updated_idx")
      .on(t.tenantId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`visibility = 'shared'`),
    foreignKey({ name: "materials_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
    foreignKey({
      name: "materials_standard_version_fk",
      columns: [t.tenantId, t.standardVersionId],
      foreignColumns: [standardVersions.tenantId, standardVersions.id],
    }),
  ],
);

export const materialAttachments = pgTable(
  "material_attachments",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    materialId: uuid("material_id").notNull(),
    fileName: text("file_name").notNull(),
    // Detected from the file's first bytes, never taken from the browser.
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("material_attachments_material_idx").on(t.tenantId, t.materialId),
    foreignKey({ name: "material_attachments_material_fk", columns: [t.tenantId, t.materialId], foreignColumns: [materials.tenantId, materials.id] }).onDelete(
      "cascade",
    ),
  ],
);

export const cases = pgTable(
  "cases",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    title: text("title").notNull(),
    industryContext: text("industry_context").notNull().default(""),
    // Markdown, sanitized when rendered.
    body: text("body").notNull(),
    requirementIds: uuid("requirement_ids")
      .array()
      .notNull()
      .default(sql`'{}'`),
    visibility: resourceVisibility("visibility").notNull().default("private"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("cases_certificate_level_idx").on(t.tenantId, t.certificateId, t.level),
    index("cases_updated_idx").on(t.tenantId, t.updatedAt.desc(), t.id),
    index("cases_title_trgm_idx").using("gin", t.tenantId, trigram(t.title)),
    // The library's newest shared cases of each organization (decision 033).
    index("cases_library_title_grams_idx")
      .using("gin", t.tenantId, grams(t.title))
      .where(sql`visibility = 'shared'`),
    index("cases_library_updated_idx")
      .on(t.tenantId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`visibility = 'shared'`),
    index("cases_requirements_idx").using("gin", t.tenantId, t.requirementIds),
    foreignKey({ name: "cases_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

export const questions = pgTable(
  "questions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    certificateId: uuid("certificate_id").notNull(),
    level: certificateLevel("level").notNull(),
    type: questionType("type").notNull(),
    stem: text("stem").notNull(),
    // Choice questions: the options in order (A, B, C…); empty for the other types.
    options: jsonb("options")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // Choice: the option letters ("A", "AC"); true/false: "true"/"false"; others: the expected text.
    answer: text("answer").notNull(),
    explanation: text("explanation").notNull().default(""),
    // 实操: how a practical task is scored.
    rubric: text("rubric").notNull().default(""),
    difficulty: smallint("difficulty").notNull().default(3),
    requirementIds: uuid("requirement_ids")
      .array()
      .notNull()
      .default(sql`'{}'`),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'`),
    pool: questionPool("pool").notNull().default("practice"),
    visibility: resourceVisibility("visibility").notNull().default("private"),
    status: bankItemStatus("status").notNull().default("draft"),
    // The latest published version (0: never published). Saving a draft does not create a version.
    version: integer("version").notNull().default(0),
    importJobId: uuid("import_job_id"),
    // Choice questions imported with partial credit (Moodle/GIFT fractions, percent per option, negative
    // allowed); null when the answer letters say it all (decision 049).
    answerWeights: jsonb("answer_weights").$type<number[]>(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("questions_updated_idx").on(t.tenantId, t.updatedAt.desc(), t.id),
    // One certificate's bank newest first: the list's keyset pages and bankUpdatedAt without a sort,
    // its filters (level, pool, …) checked along the way. It replaces (tenant_id, certificate_id, level,
    // pool): under RLS both were estimated at one row, so the planner chose between them by a tie.
    // NULLS FIRST is what ORDER BY … DESC means; an index in any other null order still needs a sort.
    index("questions_certificate_updated_idx").on(t.tenantId, t.certificateId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("questions_stem_trgm_idx").using("gin", t.tenantId, trigram(t.stem)),
    // The library (library_items, decision 033) reads shared practice questions only, a sixth of the
    // bank: its stem search rechecks a sixth of the rows, its newest-first pages stop after a page.
    index("questions_library_stem_trgm_idx")
      .using("gin", t.tenantId, trigram(t.stem))
      .where(sql`pool = 'practice' AND visibility = 'shared' AND status = 'published'`),
    index("questions_library_stem_grams_idx")
      .using("gin", t.tenantId, grams(t.stem))
      .where(sql`pool = 'practice' AND visibility = 'shared' AND status = 'published'`),
    index("questions_library_updated_idx")
      .on(t.tenantId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`pool = 'practice' AND visibility = 'shared' AND status = 'published'`),
    index("questions_requirements_idx").using("gin", t.tenantId, t.requirementIds),
    index("questions_import_job_idx").on(t.tenantId, t.importJobId),
    foreignKey({ name: "questions_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

// How many items each bank holds and when it last changed, per organization, certificate, bank and
// level (decision 060): kept by statement triggers on questions, cases and materials (migration 0052),
// so the committee's overview and dashboard read these rows instead of counting a million questions.
// bank: practice | exam (questions by pool), cases, materials (per certificate: level '').
export const bankCounts = pgTable(
  "bank_counts",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    certificateId: uuid("certificate_id").notNull(),
    bank: text("bank").notNull(),
    level: text("level").notNull(),
    items: integer("items").notNull(),
    lastUpdated: timestamp("last_updated", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.certificateId, t.bank, t.level] }),
    foreignKey({ name: "bank_counts_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
    check("bank_counts_bank_check", sql`${t.bank} IN ('practice', 'exam', 'cases', 'materials')`),
    check("bank_counts_level_check", sql`${t.level} IN ('junior', 'intermediate', 'senior', '')`),
  ],
);

// One row per publication of a question: old versions stay readable and can be compared.
export const questionVersions = pgTable(
  "question_versions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    questionId: uuid("question_id").notNull(),
    version: integer("version").notNull(),
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    // Copied from the question so the exam-pool policy can be checked without a join.
    pool: questionPool("pool").notNull(),
    publishedByUserId: uuid("published_by_user_id").references(() => users.id),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.questionId, t.version] }),
    foreignKey({ name: "question_versions_question_fk", columns: [t.tenantId, t.questionId], foreignColumns: [questions.tenantId, questions.id] }).onDelete(
      "cascade",
    ),
  ],
);

// Media of a question (images, audio embedded in a Moodle XML file): readable exactly where the
// question is (the read policy asks the questions table, under its own RLS), so an exam-pool
// question's media is as confidential as the question (0044).
export const questionAttachments = pgTable(
  "question_attachments",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    questionId: uuid("question_id").notNull(),
    fileName: text("file_name").notNull(),
    // Detected from the file's first bytes, never taken from the file's name.
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("question_attachments_question_idx").on(t.tenantId, t.questionId),
    foreignKey({ name: "question_attachments_question_fk", columns: [t.tenantId, t.questionId], foreignColumns: [questions.tenantId, questions.id] }).onDelete(
      "cascade",
    ),
  ],
);

// The MinHash/LSH signature of each question's stem (decision 057, migration 0054): 30 band keys, kept by
// a trigger on questions; near-duplicate candidates share a band, then similarity(stem) is checked.
export const questionStemBands = pgTable(
  "question_stem_bands",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    questionId: uuid("question_id").notNull(),
    bands: integer("bands").array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.questionId] }),
    index("question_stem_bands_bands_idx").using("gin", t.tenantId, t.bands),
    foreignKey({ name: "question_stem_bands_question_fk", columns: [t.tenantId, t.questionId], foreignColumns: [questions.tenantId, questions.id] }).onDelete(
      "cascade",
    ),
  ],
);

export const importKind = pgEnum("import_kind", ["questions", "cases", "pilot_majors", "credentials"]);
export const importFormat = pgEnum("import_format", ["xlsx", "csv", "moodle", "gift"]);
// review: a question import whose rows resemble questions in the bank waits for the user (migration 0045).
export const importStatus = pgEnum("import_status", ["queued", "validating", "importing", "failed", "done", "review"]);

export interface ImportJobSettings {
  defaults?: { level?: string; pool?: string; difficulty?: string };
  /** Question numbers the file's problems were listed for; the user may import the rest (skip them). */
  skippable?: number[];
  /** Question numbers to leave out, as the user confirmed them. */
  skip?: number[];
  /** Entries left out without an error (Moodle descriptions), by number. */
  notes?: { row: number; key: string }[];
}

// An import runs as a job so a long one can be left and returned to; its file waits in import_files.
export const importJobs = pgTable(
  "import_jobs",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: uuid("id").notNull().defaultRandom(),
    kind: importKind("kind").notNull(),
    format: importFormat("format").notNull(),
    // The certificate a bank import goes into; null for imports that belong to no certificate (majors).
    certificateId: uuid("certificate_id"),
    fileName: text("file_name").notNull(),
    status: importStatus("status").notNull().default("queued"),
    totalRows: integer("total_rows").notNull().default(0),
    processedRows: integer("processed_rows").notNull().default(0),
    importedRows: integer("imported_rows").notNull().default(0),
    // Rows with at least one error (a row can have several): a failed job says how many rows to fix.
    failedRows: integer("failed_rows").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    // The first errors (row, column, message key and params); the full list is regenerated for download.
    errors: jsonb("errors")
      .$type<{ row: number; column: string; message: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // Near-duplicates (decision 051): staged rows resembling a question of the bank, and the user's
    // choice once shown them ('keep' imports them, 'skip' leaves them out; null: not asked yet).
    duplicateRows: integer("duplicate_rows").notNull().default(0),
    duplicates: text("duplicates").$type<"keep" | "skip">(),
    locale: text("locale").notNull().default("zh-CN"),
    // What the upload form chose for the whole file (defaults for questions that carry none), the
    // questions the user chose to skip, and what a Moodle/GIFT read noted (decision 049).
    settings: jsonb("settings")
      .$type<ImportJobSettings>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    // Whoever runs the job holds it until then; a job whose holder died is picked up again.
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    // Runs started (each claim counts one): a job whose runner keeps dying is failed, not resumed forever.
    attempts: integer("attempts").notNull().default(0),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("import_jobs_created_idx").on(t.tenantId, t.createdAt.desc()),
    foreignKey({ name: "import_jobs_certificate_fk", columns: [t.tenantId, t.certificateId], foreignColumns: [certificates.tenantId, certificates.id] }),
  ],
);

// The uploaded file of a job until the job ends, in the database rather than on one instance's disk:
// whichever app instance resumes a job finds its file, and the upload commits with its job.
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });
export const importFiles = pgTable(
  "import_files",
  {
    tenantId: uuid("tenant_id").notNull(),
    jobId: uuid("job_id").notNull(),
    bytes: bytea("bytes").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.jobId] }),
    foreignKey({ name: "import_files_job_fk", columns: [t.tenantId, t.jobId], foreignColumns: [importJobs.tenantId, importJobs.id] }).onDelete("cascade"),
  ],
);

// Rows of an import, validated and staged in short transactions (so progress shows and a job can
// resume), then moved into the bank by one INSERT … SELECT: the import is all or nothing.
export const importRows = pgTable(
  "import_rows",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    jobId: uuid("job_id").notNull(),
    rowNumber: integer("row_number").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    // The bank's question this row's stem resembles (decision 051), and how closely (pg_trgm similarity).
    duplicateOf: uuid("duplicate_of"),
    duplicateSimilarity: real("duplicate_similarity"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.jobId, t.rowNumber] }),
    foreignKey({ name: "import_rows_job_fk", columns: [t.tenantId, t.jobId], foreignColumns: [importJobs.tenantId, importJobs.id] }).onDelete("cascade"),
  ],
);

// A staged question's near-duplicate signature, computed once by the import's check (decision 063,
// migration 0056) and taken by the signature trigger when the row moves into the bank. Written only by
// the owner's check function; gone with its staged row.
export const importRowBands = pgTable(
  "import_row_bands",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    jobId: uuid("job_id").notNull(),
    rowNumber: integer("row_number").notNull(),
    certificateId: uuid("certificate_id").notNull(),
    type: questionType("type").notNull(),
    bands: integer("bands").array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.jobId, t.rowNumber] }),
    foreignKey({
      name: "import_row_bands_row_fk",
      columns: [t.tenantId, t.jobId, t.rowNumber],
      foreignColumns: [importRows.tenantId, importRows.jobId, importRows.rowNumber],
    }).onDelete("cascade"),
  ],
);
