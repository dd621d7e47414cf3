import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql, type Logger } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { PostgresJsSession } from "drizzle-orm/postgres-js/session";
import postgres from "postgres";
import { preparesStatement } from "./prepare";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle's transaction type differs per driver
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  close(): Promise<void>;
  pglite?: PGlite;
  sql?: postgres.Sql;
  url?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const migrationsFolder = process.env.XCERT_MIGRATIONS_DIR ?? findMigrations();

function findMigrations() {
  // From the source (db/) and from the server build (build/index.js) alike: <root>/db/migrations.
  const candidates = [path.join(here, "migrations"), path.join(here, "..", "db", "migrations")];
  return candidates.find((dir) => existsSync(dir)) ?? path.join(process.cwd(), "db", "migrations");
}

export function pgliteDataDir() {
  return process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");
}

/** What a caller may add to a database it opens: a logger sees every query (the query-plan test). */
export interface OpenOptions {
  logger?: Logger;
}

// drizzle's postgres-js session marks a query as prepared when it has a name; give it one when
// `preparesStatement` (db/prepare.ts) says so. Patched on the prototype because drizzle builds the
// session of every transaction itself.
type PrepareQuery = (this: unknown, query: { params: unknown[] }, fields: unknown, name: string | undefined, ...rest: unknown[]) => unknown;
const prepareQuery = PostgresJsSession.prototype.prepareQuery as unknown as PrepareQuery;
(PostgresJsSession.prototype as unknown as { prepareQuery: PrepareQuery }).prepareQuery = function (query, fields, name, ...rest) {
  return prepareQuery.call(this, query, fields, name ?? (preparesStatement(query.params.length) ? "" : undefined), ...rest);
};

/** Opens the database named by the environment: PostgreSQL with DATABASE_URL, embedded PGlite without. */
export async function openDatabase(url = process.env.DATABASE_URL, options: OpenOptions = {}): Promise<Database> {
  if (url) {
    const client = postgres(url, {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      onnotice: () => {},
      connection: { application_name: "xcert" },
      ...(process.env.XCERT_SQL_TRACE ? { debug: sqlTrace(process.env.XCERT_SQL_TRACE) } : {}),
      // postgres.js's default reconnect backoff grows as 3^failures/100 s (shared by the pool) up to
      // 20 s: after a two-second restart it kept requests waiting 7–20 s after PostgreSQL was back.
      // Retry quickly and often instead: a refused connection costs nothing.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    });
    return { kind: "postgres", url, db: drizzlePostgres(client, { schema, logger: options.logger }) as unknown as Db, sql: client, close: () => client.end({ timeout: 5 }) };
  }
  const dir = pgliteDataDir();
  mkdirSync(dir, { recursive: true });
  return fromPglite(await createPglite({ dataDir: dir }), options);
}

/**
 * Opt-in (XCERT_SQL_TRACE=<file>): every statement the server sends, with its connection and
 * parameters, as JSON lines. The benchmark replays a page's exact statements in its floor server
 * (tests/bench/floor.ts); values JSON cannot carry are tagged so they revive as the same JS types.
 */
function sqlTrace(file: string) {
  const encode = (value: unknown): unknown =>
    value instanceof Date ? { $date: value.toISOString() }
    : value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString("base64") }
    : typeof value === "bigint" ? { $bigint: value.toString() }
    : Array.isArray(value) ? value.map(encode)
    : value;
  // Statements sent in one turn of the event loop did not wait for each other's results (a
  // Promise.all, or the scope before the first query): postgres.js writes them to a transaction's
  // connection together, and the floor sends them together too. The turn ends with the check phase.
  let batch = 0;
  let turnEnds = false;
  return (connection: number, query: string, parameters: unknown[], types: unknown[]) => {
    if (!turnEnds) {
      turnEnds = true;
      setImmediate(() => {
        turnEnds = false;
        batch++;
      });
    }
    // Synchronous on purpose: the trace must be complete when the response leaves the server.
    appendFileSync(file, `${JSON.stringify({ at: performance.timeOrigin + performance.now(), pid: process.pid, connection, batch, query, parameters: parameters.map(encode), types })}\n`);
  };
}

/** PGlite with the contrib extensions the migrations create (trigram search, btree_gin). */
export function createPglite(options: PGliteOptions = {}) {
  return PGlite.create({ ...options, extensions: { pg_trgm, btree_gin } });
}

export function fromPglite(pglite: PGlite, options: OpenOptions = {}): Database {
  return { kind: "pglite", db: drizzlePglite(pglite, { schema, logger: options.logger }) as unknown as Db, pglite, close: () => pglite.close() };
}

export async function migrateDatabase(database: Database) {
  if (database.kind === "pglite") {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  // One migrator at a time when several instances start together: a session advisory lock on a
  // dedicated connection.
  const client = postgres(database.url!, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(727001)`;
    // The lock is per database, but the app_user role is per cluster: two databases of one server
    // migrating at once (tests, or two deployments) can collide on it ("tuple concurrently updated").
    // Pending migrations run in one transaction, so trying again is safe.
    for (let attempt = 1; ; attempt++) {
      try {
        await migratePostgres(drizzlePostgres(client), { migrationsFolder });
        break;
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
        if (attempt >= 5 || !/tuple concurrently updated/.test(cause)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      }
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Rows of a raw `db.execute()` result: PGlite answers `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The server refuses to start when its query role could see past row-level security.
 * Returns the problems found; empty means safe.
 */
export async function checkQueryRole(db: Db, roleName = "app_user"): Promise<string[]> {
  const role = rowsOf<{ rolsuper: boolean; rolbypassrls: boolean }>(
    await db.execute(sql`select rolsuper, rolbypassrls from pg_roles where rolname = ${roleName}`),
  )[0];
  if (!role) return [`role ${roleName} does not exist (migrations not applied?)`];
  const problems: string[] = [];
  if (role.rolsuper) problems.push(`${roleName} is a superuser`);
  if (role.rolbypassrls) problems.push(`${roleName} has BYPASSRLS`);
  const owned = rowsOf<{ tablename: string }>(
    await db.execute(sql`select tablename from pg_tables where schemaname = 'public' and tableowner = ${roleName}`),
  );
  if (owned.length) problems.push(`${roleName} owns tables: ${owned.map((t) => t.tablename).join(", ")}`);
  const unforced = rowsOf<{ relname: string }>(
    await db.execute(sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not (c.relrowsecurity and c.relforcerowsecurity)`),
  );
  if (unforced.length) problems.push(`RLS not enabled and forced on: ${unforced.map((t) => t.relname).join(", ")}`);
  return problems;
}

declare global {
  // One database per process, shared by the server build, the worker and tests that host the build.
  var __xcertDatabase: Promise<Database> | undefined;
}

export function getDatabase(): Promise<Database> {
  globalThis.__xcertDatabase ??= (async () => {
    const database = await openDatabase();
    await migrateDatabase(database);
    const problems = await checkQueryRole(database.db);
    if (problems.length) {
      await database.close();
      throw new Error(`Refusing to start: the query role can bypass row-level security: ${problems.join("; ")}`);
    }
    return database;
  })();
  return globalThis.__xcertDatabase;
}
