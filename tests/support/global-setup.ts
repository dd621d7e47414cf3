import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createPglite, fromPglite, migrateDatabase, openDatabase } from "../../db/client.server";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string;
  }
}

// Migrate once, then give every test file a copy: a PGlite data-dir dump, or a PostgreSQL template.
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const base = await createPglite();
    await migrateDatabase(fromPglite(base));
    const dump = await base.dumpDataDir("none");
    const file = path.join(os.tmpdir(), `xcert-template-${process.pid}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    await base.close();
    project.provide("pgliteDump", file);
    project.provide("pgTemplate", "");
    return;
  }
  const template = `xcert_template_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  const database = await openDatabase(withDatabase(url, template));
  await migrateDatabase(database);
  await database.close();
  project.provide("pgliteDump", "");
  project.provide("pgTemplate", template);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, name: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
