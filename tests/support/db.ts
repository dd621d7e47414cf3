import { randomBytes } from "node:crypto";
import { cp, readFile } from "node:fs/promises";
import { sql, type SQL } from "drizzle-orm";
import postgres from "postgres";
import { inject } from "vitest";
import { createPglite, fromPglite, getDatabase, openDatabase, rowsOf, type Database, type OpenOptions, type Tx } from "../../db/client.server";
import { storageDir } from "../../app/modules/storage/storage.server";
import { enterScopeStatement, type Scope } from "../../app/modules/tenancy/scope.server";
import { withDatabase } from "./global-setup";

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/**
 * A clean, migrated database for one test file, installed as the process's database; with `seeded`,
 * a copy of the demo the global setup seeded once (and the files the seed stored, copied into this
 * file's STORAGE_DIR), as `seedDemo()` would have left it.
 */
export async function createTestDatabase(options: OpenOptions & { seeded?: boolean } = {}): Promise<TestDatabase> {
  const template = inject(options.seeded ? "seededTemplate" : "pgTemplate");
  if (options.seeded) await cp(inject("seededFiles"), storageDir(), { recursive: true });
  let database: Database;
  let drop: () => Promise<void>;
  if (template) {
    const url = process.env.DATABASE_URL!;
    const name = `xcert_t_${randomBytes(6).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${template}`);
    database = await openDatabase(withDatabase(url, name), options);
    drop = async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const dump = await readFile(inject(options.seeded ? "seededDump" : "pgliteDump"));
    const pglite = await createPglite({ loadDataDir: new Blob([dump]) });
    database = fromPglite(pglite, options);
    drop = () => database.close();
  }
  globalThis.__xcertDatabase = Promise.resolve(database);
  return Object.assign(database, { drop });
}

/**
 * Raw SQL as the app role inside a request-like transaction with the given scope: the first statement
 * every request transaction sends, then `fn` (the app's own transactions are the wrappers' alone).
 */
// Tests also probe roles the app never uses: any string.
export async function asApp<T>(scope: Omit<Scope, "role"> & { role: string }, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { app } = await getDatabase();
  return app.transaction(async (tx) => {
    await tx.execute(enterScopeStatement(scope as Scope));
    return fn(tx);
  });
}

export async function query<T = Record<string, unknown>>(executor: { execute: (q: SQL) => Promise<unknown> }, statement: SQL) {
  return rowsOf<T>(await executor.execute(statement));
}

/** As the owning (migration) role: for assertions about what is really stored. */
export function owner(database: Database) {
  return {
    rows: <T = Record<string, unknown>>(statement: SQL) => query<T>(database.db, statement),
    count: async (table: string, where = sql`true`) =>
      Number((await query<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`))[0].n),
  };
}

/** The database's own message of a failed statement (drizzle wraps it as the error's cause). */
export async function databaseError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  throw new Error("expected the statement to fail");
}
