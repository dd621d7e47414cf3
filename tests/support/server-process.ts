import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createPglite } from "../../db/client.server";

// The real production server, as `npm start` runs it: `node --import tsx server/index.ts` in a process
// of its own (the build comes from `remix build`, which `npm test` runs first), on a free loopback
// port, with a database nobody else uses: a temporary PGlite directory, or, with DATABASE_URL, a
// fresh database created on that PostgreSQL server and dropped afterwards.

const root = path.resolve(import.meta.dirname, "../..");
const serverEntry = path.join(root, "server/index.ts");

export type Env = Record<string, string | undefined>;

export interface ServerDatabase {
  kind: "pglite" | "postgres";
  /** The variables that point a process at this database (PGLITE_DIR or DATABASE_URL). */
  env: Env;
  /** PGlite: the data directory. */
  dir?: string;
  /** PostgreSQL: the database's URL. */
  url?: string;
  drop(): Promise<void>;
}

/** An empty database of its own: nothing migrated, nothing seeded. */
export async function createServerDatabase(): Promise<ServerDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-e2e-pglite-"));
    return {
      kind: "pglite",
      env: { PGLITE_DIR: dir, DATABASE_URL: undefined },
      dir,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const name = `xcert_e2e_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  let dropped = false;
  return {
    kind: "postgres",
    env: { DATABASE_URL: url, PGLITE_DIR: undefined },
    url,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** The environment of a child process: ours, minus what must not leak in, plus `overrides`. */
export function childEnv(...overrides: Env[]): NodeJS.ProcessEnv {
  const env: Env = { ...process.env };
  // No real email provider: without a key, emails stay in the outbox (and /dev/mail shows them).
  delete env.RESEND_API_KEY;
  delete env.RESEND_BASE_URL;
  for (const override of overrides) Object.assign(env, override);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args…` from the repository root and collects its output. Never rejects on exit code. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `npx tsx <script>` (db/migrate.ts, db/seed/index.ts) against the given environment; throws unless it exits 0. */
export async function runScript(script: string, env: NodeJS.ProcessEnv): Promise<ScriptResult> {
  const result = await runCommand("npx", ["tsx", script], env);
  if (result.code !== 0) {
    throw new Error(`npx tsx ${script} exited with ${result.code ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A free TCP port on loopback (another process may still take it before it is used). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  /** The server process itself (node runs server/index.ts directly; with WEB_CONCURRENCY > 1 the cluster's primary). */
  pid: number;
  database: ServerDatabase;
  /** What the server printed so far (stdout and stderr interleaved), for failure messages. */
  output(): string;
  /** Ends the process (SIGTERM, then SIGKILL after a few seconds) and drops its database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * How the database is prepared before the server starts:
   * - "demo" (default): `npx tsx db/seed/index.ts`, which migrates and seeds the demo, as `npm start` does
   *   (run without NODE_ENV, as `npm start` runs it: the seed refuses NODE_ENV=production); under vitest,
   *   a copy of the demo the global setup seeded once (request-size.test.ts runs the script itself);
   * - "migrate": `npx tsx db/migrate.ts` only, an empty product (production has no demo);
   * - "none": nothing (the caller already prepared `database`).
   */
  data?: "demo" | "migrate" | "none";
  /**
   * The server's environment on top of the defaults (NODE_ENV=production, XCERT_DEMO=1, one process,
   * request log at warn). `undefined` removes a variable.
   */
  env?: Env;
  /** A database made with createServerDatabase(); by default a new one, dropped by stop(). */
  database?: ServerDatabase;
  /** How long to wait for /healthz. */
  startTimeoutMs?: number;
}

/** The demo seeded once for the run (global-setup.ts), when the tests run under vitest. */
let seededDemo: { pgliteDump: string; pgTemplate: string; files: string } | undefined;
export function startServersFromSeededDemo(source: typeof seededDemo) {
  seededDemo = source;
}

/** The seeded copy lives on DATABASE_URL's server: a database on another server (the fault test's own) is seeded by the script. */
function copiable(database: ServerDatabase) {
  if (database.kind === "pglite") return true;
  return !!process.env.DATABASE_URL && new URL(database.url!).host === new URL(process.env.DATABASE_URL).host;
}

/** Copies the demo seeded once into `database` and its files into `storage`: what the seed script would write. */
async function copySeededDemo(source: NonNullable<typeof seededDemo>, database: ServerDatabase, storage: string) {
  await cp(source.files, storage, { recursive: true });
  if (database.kind === "pglite") {
    const pglite = await createPglite({ dataDir: database.dir!, loadDataDir: new Blob([await readFile(source.pgliteDump)]) });
    await pglite.close();
    return;
  }
  const name = new URL(database.url!).pathname.slice(1);
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database ${name} with (force)`);
    await admin.unsafe(`create database ${name} template ${source.pgTemplate}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Starts the production server (server/index.ts) on its own database and waits until /healthz answers 200. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createServerDatabase());
  try {
    const seedEnv = childEnv(options.env ?? {}, database.env, { NODE_ENV: undefined });
    if ((options.data ?? "demo") === "demo") {
      if (seededDemo && copiable(database)) await copySeededDemo(seededDemo, database, seedEnv.STORAGE_DIR ?? path.join(root, ".data/storage"));
      else await runScript("db/seed/index.ts", seedEnv);
    } else if (options.data === "migrate") await runScript("db/migrate.ts", childEnv(options.env ?? {}, database.env));
  } catch (error) {
    if (ownsDatabase) await database.drop().catch(() => {});
    throw error;
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(database, ownsDatabase, options);
    } catch (error) {
      lastError = error;
      // Another process may have taken the port between freePort() and listen(): try another one.
      if (!/EADDRINUSE/.test(String((error as Error).message))) break;
    }
  }
  if (ownsDatabase) await database.drop().catch(() => {});
  throw lastError;
}

async function launch(database: ServerDatabase, ownsDatabase: boolean, options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = childEnv(
    // As `npm start` serves it: NODE_ENV=production with demo mode; the worker on. One process unless
    // the run (the reliability suite on PostgreSQL) or a test asks for more; the request log quiet
    // unless LOG_LEVEL is set.
    {
      NODE_ENV: "production",
      XCERT_DEMO: "1",
      EMAIL_WORKER: "on",
      APP_URL: url,
      WEB_CONCURRENCY: process.env.WEB_CONCURRENCY ?? "1",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    options.env ?? {},
    database.env,
    { PORT: String(port), HOST: "127.0.0.1" },
  );
  // node runs the server directly (no npx in between), in a process group of its own, so signals
  // reach the server itself and the whole group can be killed.
  const child = spawn(process.execPath, ["--import", "tsx", serverEntry], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of running) killGroup(c, "SIGKILL");
    });
  }
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => {
      running.delete(child);
      resolve();
    });
    child.on("error", () => {
      running.delete(child);
      resolve();
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!hasExited) {
        killGroup(child, "SIGTERM");
        const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 12_000).unref());
        if ((await Promise.race([exited.then(() => "exited" as const), timer])) === "timeout") {
          killGroup(child, "SIGKILL");
          await exited;
        }
      }
      // Anything else left in the group (there should be nothing).
      killGroup(child, "SIGKILL");
      if (ownsDatabase) await database.drop();
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) {
      if (ownsDatabase && !/EADDRINUSE/.test(output)) await database.drop().catch(() => {});
      throw new Error(`the server exited with ${child.exitCode ?? child.signalCode} before answering /healthz:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`the server did not answer ${url}/healthz within ${options.startTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid!, database, output: () => output, stop };
}
