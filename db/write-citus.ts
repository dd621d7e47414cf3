// `npm run db:citus`: regenerates db/citus.sql from the schema (an in-memory PGlite, migrated).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { citusScript } from "./citus";
import { createPglite, fromPglite, migrateDatabase } from "./client.server";

const database = fromPglite(await createPglite());
try {
  await migrateDatabase(database);
  const target = path.join(import.meta.dirname, "citus.sql");
  await writeFile(target, await citusScript(database.db));
  console.log(`Wrote ${path.relative(process.cwd(), target)}.`);
} finally {
  await database.close();
}
