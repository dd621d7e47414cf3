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
import { npmVersion as drizzleVersion } from "drizzle-orm/version";
import postgres from "postgres";
import { preparesStatement } from "./prepare";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle's transaction type differs per driver
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;

export interface Database {
  kind: "pglite" | "postgres";
  /** The login (owner) role: checks at start, the seed, tests' assertions. Never a request's queries. */
  db: Db;
  /**
   * Where request transactions run (decision 019). On PostgreSQL its connections are app_user from
   * the moment they open, so a statement that ever ran before the scope, or outside any transaction,
   * cannot see past RLS. PGlite has one in-process session: the same handle, the scope awaited.
   */
  app: Db;
  close(): Promise<void>;
  pglite?: PGlite;
  sql?: postgres.Sql;
  url?: string;
}

/** The role every request's statements run as (decision 001); the query pool connects as it (019). */
export const queryRole = "app_user";

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

/** The drizzle-orm releases the override below was written and tested for (its `name` argument). */
export const prepareQueryWrittenFor = ["0.45.4"];

/**
 * Refuses a drizzle-orm the override does not know: it relies on `prepareQuery`'s third argument
 * being the statement name and "prepared" meaning `name !== undefined` (0.45.4's session.js). A
 * release that changes either would silently stop preparing statements, or prepare them all.
 */
export function assertPrepareQueryFits(version: string, method: unknown) {
  if (!prepareQueryWrittenFor.includes(version) || typeof method !== "function" || method.length !== 7) {
    throw new Error(
      `db/client.server.ts overrides PostgresJsSession.prototype.prepareQuery for drizzle-orm ${prepareQueryWrittenFor.join(", ")}, not ${version}: check its arguments (decision 015) and update prepareQueryWrittenFor.`,
    );
  }
}

// Once per process: the server build and the tests' own import of this file share drizzle-orm.
const overridden = Symbol.for("xcert.prepareQuery");
const sessionPrototype = PostgresJsSession.prototype as unknown as { prepareQuery: PrepareQuery & { [overridden]?: true } };
if (!sessionPrototype.prepareQuery[overridden]) {
  assertPrepareQueryFits(drizzleVersion, sessionPrototype.prepareQuery);
  const prepareQuery = sessionPrototype.prepareQuery;
  sessionPrototype.prepareQuery = Object.assign(
    function (this: unknown, query: { params: unknown[] }, fields: unknown, name: string | undefined, ...rest: unknown[]) {
      return prepareQuery.call(this, query, fields, name ?? (preparesStatement(query.params.length) ? "" : undefined), ...rest);
    },
    { [overridden]: true as const },
  );
}

/** Opens the database named by the environment: PostgreSQL with DATABASE_URL, embedded PGlite without. */
export async function openDatabase(url = process.env.DATABASE_URL, options: OpenOptions = {}): Promise<Database> {
  if (url) {
    const pool = {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      onnotice: () => {},
      // postgres.js's default reconnect backoff grows as 3^failures/100 s (shared by the pool) up to
      // 20 s: after a two-second restart it kept requests waiting 7–20 s after PostgreSQL was back.
      // Retry quickly and often instead: a refused connection costs nothing.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    };
    // Both pools open connections only when first used: a server's owner pool serves the start-up
    // checks, the query pool everything a request does.
    const client = postgres(url, { ...pool, connection: { application_name: "xcert" } });
    const queryClient = postgres(url, {
      ...pool,
      // A startup parameter, as `SET ROLE app_user` at connect: the login role (often a superuser,
      // which bypasses even forced RLS) never runs a request's statement.
      connection: { application_name: "xcert", role: queryRole },
      ...(process.env.XCERT_SQL_TRACE ? { debug: sqlTrace(process.env.XCERT_SQL_TRACE) } : {}),
    });
    return {
      kind: "postgres",
      url,
      db: drizzlePostgres(client, { schema, logger: options.logger }) as unknown as Db,
      app: drizzlePostgres(queryClient, { schema, logger: options.logger }) as unknown as Db,
      sql: client,
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), queryClient.end({ timeout: 5 })]);
      },
    };
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
    value instanceof Date
      ? { $date: value.toISOString() }
      : value instanceof Uint8Array
        ? { $bytes: Buffer.from(value).toString("base64") }
        : typeof value === "bigint"
          ? { $bigint: value.toString() }
          : Array.isArray(value)
            ? value.map(encode)
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
    appendFileSync(
      file,
      `${JSON.stringify({ at: performance.timeOrigin + performance.now(), pid: process.pid, connection, batch, query, parameters: parameters.map(encode), types })}\n`,
    );
  };
}

/** PGlite with the contrib extensions the migrations create (trigram search, btree_gin). */
export function createPglite(options: PGliteOptions = {}) {
  return PGlite.create({ ...options, extensions: { pg_trgm, btree_gin } });
}

export function fromPglite(pglite: PGlite, options: OpenOptions = {}): Database {
  const db = drizzlePglite(pglite, { schema, logger: options.logger }) as unknown as Db;
  return { kind: "pglite", db, app: db, pglite, close: () => pglite.close() };
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
 * Write policies that do not check the role, each on purpose and with the reason. Everything else
 * that lets the app role write a row must check the role too: app_role(), app_can_edit(),
 * app_can_handle_fees() or app_is_system() (decision 019). An entry whose policy no longer exists
 * fails the catalog test, so the list cannot go stale.
 */
export const ungatedWritePolicies: Record<string, string> = {
  // Every mutation, by every role, writes its audit entry in its own tenant; the log is append-only.
  "audit_log.audit_log_write": "every role audits its own mutations",
};

/** What a policy expression must mention to count as checking the role. */
export const roleCheck = /\bapp_(role|can_edit|can_handle_fees|is_system)\(\)|current_setting\('app\.role'/;

/**
 * The server refuses to start when its query role could see past row-level security.
 * Returns the problems found; empty means safe.
 */
export async function checkQueryRole(db: Db, roleName = queryRole): Promise<string[]> {
  const role = rowsOf<{ rolsuper: boolean; rolbypassrls: boolean }>(
    await db.execute(sql`select rolsuper, rolbypassrls from pg_roles where rolname = ${roleName}`),
  )[0];
  if (!role) return [`role ${roleName} does not exist (migrations not applied?)`];
  const problems: string[] = [];
  if (role.rolsuper) problems.push(`${roleName} is a superuser`);
  if (role.rolbypassrls) problems.push(`${roleName} has BYPASSRLS`);
  const owned = rowsOf<{ tablename: string }>(await db.execute(sql`select tablename from pg_tables where schemaname = 'public' and tableowner = ${roleName}`));
  if (owned.length) problems.push(`${roleName} owns tables: ${owned.map((t) => t.tablename).join(", ")}`);
  // Every tenant-owned table, and every table the role can write (a column grant counts), has RLS
  // enabled and forced.
  const unforced = rowsOf<{ relname: string }>(
    await db.execute(sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not (c.relrowsecurity and c.relforcerowsecurity)
        and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
          or has_any_column_privilege(${roleName}, c.oid, 'INSERT') or has_any_column_privilege(${roleName}, c.oid, 'UPDATE')
          or has_table_privilege(${roleName}, c.oid, 'DELETE') or has_table_privilege(${roleName}, c.oid, 'TRUNCATE'))
      order by 1`),
  );
  if (unforced.length) problems.push(`RLS not enabled and forced on: ${unforced.map((t) => t.relname).join(", ")}`);
  const ungated = (await writePolicies(db)).filter(
    (p) => !(`${p.tablename}.${p.policyname}` in ungatedWritePolicies) && [p.qual, p.with_check].some((e) => e !== null && !roleCheck.test(e)),
  );
  if (ungated.length) problems.push(`write policies that do not check the role: ${ungated.map((p) => `${p.tablename}.${p.policyname}`).join(", ")}`);
  return problems;
}

/** The permissive policies that admit writes (INSERT, UPDATE, DELETE or ALL), with their expressions. */
export async function writePolicies(db: Db) {
  return rowsOf<{ tablename: string; policyname: string; cmd: string; qual: string | null; with_check: string | null }>(
    await db.execute(sql`
      select tablename, policyname, cmd, qual, with_check from pg_policies
      where schemaname = 'public' and permissive = 'PERMISSIVE' and cmd in ('INSERT', 'UPDATE', 'DELETE', 'ALL')
      order by tablename, policyname`),
  );
}

/**
 * On PostgreSQL the query pool must already be the query role when a connection opens (decision
 * 019); PGlite's one session is checked by the scope statement each transaction awaits.
 */
export async function checkQueryConnection(database: Database): Promise<string[]> {
  if (database.kind !== "postgres") return [];
  const [seen] = rowsOf<{ user: string }>(await database.app.execute(sql`select current_user as "user"`));
  return seen?.user === queryRole ? [] : [`the query pool runs as ${seen?.user}, not ${queryRole}`];
}

declare global {
  // One database per process, shared by the server build, the worker and tests that host the build.
  var __xcertDatabase: Promise<Database> | undefined;
}

export function getDatabase(): Promise<Database> {
  globalThis.__xcertDatabase ??= (async () => {
    const database = await openDatabase();
    await migrateDatabase(database);
    const problems = [...(await checkQueryRole(database.db)), ...(await checkQueryConnection(database))];
    if (problems.length) {
      await database.close();
      throw new Error(`Refusing to start: the query role can bypass row-level security: ${problems.join("; ")}`);
    }
    return database;
  })();
  return globalThis.__xcertDatabase;
}
