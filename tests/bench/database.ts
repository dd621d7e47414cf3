// The benchmark's database on the PostgreSQL server named by DATABASE_URL: `xcert_bench_<scale>`,
// migrated, with the demo (the committee account) and the scale data. Loading SCALE=1 takes many
// minutes, so a loaded database is kept and reused; `--reload` rebuilds it.
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, rowsOf } from "../../db/client.server";
import { seedDemo } from "../../db/seed/demo";
import { scaleCounts, seedScale } from "../../db/seed/scale";

export const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** BENCH_DATABASE names a copy of its own (`createdb -T xcert_bench_1 …`) for work that migrates it. */
export function benchDatabaseName(scale: number) {
  return process.env.BENCH_DATABASE ?? `xcert_bench_${String(scale).replace(/[^0-9]/g, "_")}`;
}

async function withAdmin<T>(fn: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export async function createDatabase(name: string) {
  await withAdmin((admin) => admin.unsafe(`create database ${name}`));
}

export async function dropDatabase(name: string) {
  await withAdmin((admin) => admin.unsafe(`drop database if exists ${name} with (force)`));
}

/** Returns the URL of the loaded benchmark database, loading it first when absent or incomplete. */
export async function prepareBenchDatabase(scale: number, reload: boolean): Promise<{ url: string; name: string; loadedNow: boolean }> {
  const name = benchDatabaseName(scale);
  const url = databaseUrl(name);
  const exists = await withAdmin(async (admin) => (await admin`select 1 from pg_database where datname = ${name}`).length > 0);
  if (exists && !reload) {
    // A load that died half-way leaves no marker row: start again rather than measure half a data set.
    const client = postgres(url, { max: 1, onnotice: () => {} });
    const complete = await client`select 1 from pg_tables where tablename = 'bench_loaded'`
      .then((rows) => rows.length > 0)
      .finally(() => client.end({ timeout: 5 }));
    if (complete) {
      // Migrations that landed since the load (new functions, indexes) apply to the loaded data too.
      const database = await openDatabase(url);
      await migrateDatabase(database).finally(() => database.close());
      return { url, name, loadedNow: false };
    }
    console.log(`${name} exists but its load did not finish: rebuilding it.`);
  }
  if (exists) await dropDatabase(name);
  await createDatabase(name);
  console.log(`Loading ${name} (SCALE=${scale}): migrate, demo seed, scale data …`);
  const started = performance.now();
  const database = await openDatabase(url);
  try {
    await migrateDatabase(database);
    // The seeds reach the database through the process-wide handle, as the server does.
    globalThis.__xcertDatabase = Promise.resolve(database);

    await seedDemo();
    await seedScale(database.db, scaleCounts(scale));
    // A table no migration knows, owned by the connecting role, marks a finished load (the role
    // check only looks at tables owned by app_user and at tables with tenant_id).
    await database.db.execute(sql`create table bench_loaded (scale numeric not null, loaded_at timestamptz not null default now())`);
    await database.db.execute(sql`insert into bench_loaded (scale) values (${scale})`);
    const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from questions`));
    console.log(`Loaded ${name} in ${((performance.now() - started) / 1000).toFixed(0)} s (${n.toLocaleString("en")} questions).`);
  } finally {
    globalThis.__xcertDatabase = undefined;
    await database.close();
  }
  return { url, name, loadedNow: true };
}
