import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createPglite, fromPglite, migrateDatabase, openDatabase, type Database } from "../../db/client.server";
import { seedDemo } from "../../db/seed/demo";
import { applyTestEnv } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string;
    seededDump: string;
    seededTemplate: string;
    seededFiles: string;
  }
}

// Migrate once, then give every test file a copy: a PGlite data-dir dump, or a PostgreSQL template.
// The demo is seeded once too (a second dump or template, and the files it stored): seeding it per
// file cost most files more than their own tests did.
export default async function setup(project: TestProject) {
  applyTestEnv();
  const files = await mkdtemp(path.join(os.tmpdir(), "xcert-seeded-files-"));
  project.provide("seededFiles", files);
  const seed = async (database: Database) => {
    const storage = process.env.STORAGE_DIR;
    process.env.STORAGE_DIR = files;
    globalThis.__xcertDatabase = Promise.resolve(database);
    try {
      await seedDemo();
    } finally {
      globalThis.__xcertDatabase = undefined;
      if (storage === undefined) delete process.env.STORAGE_DIR;
      else process.env.STORAGE_DIR = storage;
    }
  };

  const url = process.env.DATABASE_URL;
  if (!url) {
    const base = await createPglite();
    await migrateDatabase(fromPglite(base));
    const dumpFile = async (name: string) => {
      const file = path.join(os.tmpdir(), `xcert-${name}-${process.pid}.tar`);
      await writeFile(file, Buffer.from(await (await base.dumpDataDir("none")).arrayBuffer()));
      return file;
    };
    const migrated = await dumpFile("template");
    await seed(fromPglite(base));
    const seeded = await dumpFile("seeded");
    await base.close();
    project.provide("pgliteDump", migrated);
    project.provide("pgTemplate", "");
    project.provide("seededDump", seeded);
    project.provide("seededTemplate", "");
    return async () => {
      await Promise.all([migrated, seeded, files].map((file) => rm(file, { recursive: true, force: true })));
    };
  }
  const template = `xcert_template_${process.pid}`;
  const seededTemplate = `xcert_seeded_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  for (const name of [seededTemplate, template]) await admin.unsafe(`drop database if exists ${name}`);
  await admin.unsafe(`create database ${template}`);
  const database = await openDatabase(withDatabase(url, template));
  await migrateDatabase(database);
  await database.close();
  await admin.unsafe(`create database ${seededTemplate} template ${template}`);
  const seededDatabase = await openDatabase(withDatabase(url, seededTemplate));
  try {
    await seed(seededDatabase);
  } finally {
    // Closed, or the template cannot be copied (it must have no connections).
    await seededDatabase.close();
  }
  project.provide("pgliteDump", "");
  project.provide("pgTemplate", template);
  project.provide("seededDump", "");
  project.provide("seededTemplate", seededTemplate);
  return async () => {
    for (const name of [seededTemplate, template]) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(files, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, name: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
