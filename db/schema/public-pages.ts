import { bigint, pgTable, text } from "drizzle-orm/pg-core";

// The data version of the public pages (decision 026): one row per group of pages, bumped in the same
// transaction as any statement that writes a table the group reads (statement triggers, migration
// 0026), so a new version is visible exactly when its data is. The pages' ETags and shared cache key on
// it. Not tenant-owned and holding nothing secret: every scope reads it; only the trigger writes it.
export const publicDataVersions = pgTable("public_data_versions", {
  name: text("name").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(1),
});
