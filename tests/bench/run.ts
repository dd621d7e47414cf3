// `npm run bench`: the production server on the scale data, driven over loopback from a separate
// process at 1, 10 and 50 connections, each key page next to its floor (the same SQL replayed by a
// bare postgres.js server, tests/bench/floor.ts), plus import vs COPY and cold start. Writes
// tests/bench/results/<date>.json and regenerates the results section of docs/PERFORMANCE.md.
//
// Environment: DATABASE_URL (the admin URL of a PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres),
// SCALE (default 1), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 1,10,50), BENCH_PAGES (a
// comma-separated list of page names to measure alone while working on them: the results then go to
// tests/bench/results/tmp/ and PERFORMANCE.md is left as it is).
// Flags: --reload (rebuild the loaded database), --skip-import, --skip-cold-start, --workers-only (only
// pages/s with 1 and 2 server processes), --trace-only (write
// tests/bench/results/tmp/plans.json for tests/bench/explain.ts and stop).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { childEnv, freePort, runCommand, startServer, type ServerProcess } from "../support/server-process";
import { password } from "../support/demo";
import { scaleCounts } from "../../db/seed/scale";
import { adminUrl, prepareBenchDatabase } from "./database";
import { benchImport } from "./import";
import { credentialKeys, formHeaders, load, login } from "./client";
import type { LoadSpec } from "./load";
import { checkTargets, textTable, writePerformanceDoc, type BenchResults, type PageResult } from "./report";
import { parseTrace, planOf, roundTrips, statementCount, type Plan } from "./trace";
import { formatCredentialNumber } from "../../app/modules/credentials/number";

const root = path.resolve(import.meta.dirname, "../..");
const scale = Number(process.env.SCALE ?? 1);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Math.min(3, seconds);
const levels = (process.env.BENCH_CONNECTIONS ?? "1,10,50").split(",").map(Number);
const flags = new Set(process.argv.slice(2));
const accounts = { committee: "committee@demo.xcert.test", org: "admin@org-00001.scale.xcert.test", school: "admin@school-00001.scale.xcert.test" };
// The scale stems are "<scene>在开展<subject>项目时…": 数据标注 is one of the 19 subjects, so about a
// nineteenth of an organization's questions match — a search with real work to do, not an empty one.
const term = encodeURIComponent("数据标注");

interface PageSpec {
  name: string;
  path: string;
  method?: "GET" | "POST";
  as?: keyof typeof accounts;
  /** Pages the issue names for later: measured once the route exists and answers 200. */
  optional?: boolean;
  /** Each request from another client address (a page limited per address). */
  distinctClients?: boolean;
  /**
   * Answered from the shared public cache (decision 026). Its floor is the SQL of a cache miss (the
   * trace server runs with the cache off); it is measured as visitors without the page (a cache hit)
   * and, in a twin row, as visitors who have it (If-None-Match → 304). Target: p50 ≤ 1× floor.
   */
  publicCache?: boolean;
  /** Measured only when it answers with an ETag (a page joining the public cache). */
  requireEtag?: boolean;
  /** The twin: If-None-Match with the ETag of `floorOf`'s answer, every answer a 304; floor: that page's. */
  conditional?: boolean;
  floorOf?: string;
  /** Sent as a browser sends it, for an answer whose size makes transfer the cost (the register's CSV). */
  acceptEncoding?: string;
}

// The committee's last finalized evaluation period: the demo seeds last year's (db/seed/supervision.ts).
const evaluationPeriod = String(new Date().getFullYear() - 1);

const basePages: PageSpec[] = [
  { name: "/fees", path: "/fees", publicCache: true },
  // The whole register (about 15 MB): fetched as a browser does, compressed (kept compressed, decision 062).
  { name: "/fees.csv", path: "/fees.csv", publicCache: true, acceptEncoding: "gzip, deflate, br" },
  { name: "/api/v1/fee-disclosures", path: "/api/v1/fee-disclosures", publicCache: true },
  { name: "/evaluations/:period", path: `/evaluations/${evaluationPeriod}`, publicCache: true },
  // The public certificate catalogue: measured once it answers from the public cache (with an ETag).
  { name: "/library/certificates", path: "/library/certificates", publicCache: true, optional: true, requireEtag: true },
  { name: "question list + search", path: `/w/org-00001/questions?q=${term}`, as: "org" },
  { name: "workspace search", path: `/w/org-00001/search?q=${term}`, as: "org" },
  { name: "/committee/fees", path: "/committee/fees", as: "committee" },
  // A credential checked by the public (issue 16): one SECURITY DEFINER lookup, the page and its QR code.
  // Counted per client address in PostgreSQL (decision 054): driven from many addresses, as the public uses it.
  {
    name: "/verify/:number",
    path: `/verify/${formatCredentialNumber(2019, Math.min(31_337, Math.ceil((scaleCounts(scale).credentials ?? 1) / 2)))}`,
    distinctClients: true,
    publicCache: true,
  },
  // The committee dashboard (issue 17): every figure across every tenant, counted in SQL.
  { name: "/committee", path: "/committee", as: "committee" },
  // The shared library as a school reads it: every organization's shared items (decision 033).
  { name: "/library?q=…", path: `/library?q=${term}`, as: "school" },
  { name: "login", path: "/login", method: "POST" },
  // The smallest server-rendered page (the login form: no SQL at all without a session cookie, no list):
  // what rendering any page costs here, for reading the others against.
  { name: "login form", path: "/login" },
];
// Each public page twice (issue 18 item 6): a visitor without it (a cache hit) and one who has it.
const allPages = basePages.flatMap((page) =>
  page.publicCache ? [page, { ...page, name: `${page.name} (304)`, conditional: true, floorOf: page.name, requireEtag: true }] : [page],
);
const only = process.env.BENCH_PAGES?.split(",").map((name) => name.trim());
// A twin needs its page: traced for the floor and for the ETag.
const pages = only ? allPages.filter((page) => only.includes(page.name) || allPages.some((t) => t.floorOf === page.name && only.includes(t.name))) : allPages;
const loginBody = new URLSearchParams({ email: accounts.org, password, redirectTo: "" }).toString();
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function requestOf(page: PageSpec, cookies: Record<string, string>, etag?: string) {
  const headers: Record<string, string> = page.method === "POST" ? { ...formHeaders } : {};
  if (page.as) headers.cookie = cookies[page.as];
  if (page.conditional && etag) headers["if-none-match"] = etag;
  if (page.acceptEncoding) headers["accept-encoding"] = page.acceptEncoding;
  return {
    method: page.method ?? "GET",
    headers,
    body: page.method === "POST" ? loginBody : undefined,
    distinctClients: page.distinctClients,
    expectStatus: page.conditional ? 304 : undefined,
  };
}

function serverOn(url: string, trace?: string, workers = 1, env: Record<string, string> = {}) {
  return startServer({
    data: "none",
    // The loaded database is kept between runs: nothing to drop.
    database: { kind: "postgres", env: { DATABASE_URL: url, PGLITE_DIR: undefined }, url, drop: async () => {} },
    // Demo mode: the seeded accounts it logs in as are exempt from the second factor only there
    // (decision 031). Apart from the session cookie's name, nothing the bench measures differs.
    env: {
      NODE_ENV: "production",
      XCERT_DEMO: "1",
      EMAIL_WORKER: "off",
      TRUST_PROXY: "1",
      XCERT_SQL_TRACE: trace,
      WEB_CONCURRENCY: String(workers),
      LOG_LEVEL: "warn",
      ...credentialKeys,
      ...env,
    },
    startTimeoutMs: 120_000,
  });
}

/** Warm-up server with the SQL trace on: each page requested (the last of three requests is kept), its statements cut out of the trace. */
async function tracePages(url: string, workDir: string) {
  const traceFile = path.join(workDir, "sql-trace.jsonl");
  await writeFile(traceFile, "");
  // The public cache off (no entry is kept): a public page's statements are those of a miss, the SQL
  // the page costs without the cache — its floor (decision 058).
  const server = await serverOn(url, traceFile, 1, { PUBLIC_CACHE_ENTRIES: "0" });
  try {
    const cookies = {
      committee: await login(server.url, accounts.committee),
      org: await login(server.url, accounts.org),
      school: await login(server.url, accounts.school),
    };
    const present: PageSpec[] = [];
    const absent: string[] = [];
    const plans: Plan[] = [];
    const singleMs: number[] = [];
    /** Per present page: the index of the plan its floor replays (a twin: its page's). */
    const floorIndex: number[] = [];
    for (const page of pages) {
      if (page.conditional) {
        // Not traced: a 304 of a resource sends only the version read. Present when its page is.
        const of = present.findIndex((p) => p.name === page.floorOf);
        if (of < 0) continue;
        present.push(page);
        floorIndex.push(floorIndex[of]);
        singleMs.push(NaN);
        continue;
      }
      let ms = 0;
      let lines: ReturnType<typeof parseTrace> | null = [];
      for (let i = 0; i < 3; i++) {
        const before = (await stat(traceFile)).size;
        const request = requestOf(page, cookies);
        const started = performance.now();
        const response = await fetch(`${server.url}${page.path}`, { ...request, redirect: "manual" });
        await response.arrayBuffer();
        ms = Math.round((performance.now() - started) * 10) / 10;
        // Not landed yet: no route (404), or a placeholder that redirects (/committee → /committee/fees today).
        if (page.optional && response.status !== 200) {
          absent.push(`${page.path} (${response.status})`);
          lines = null;
          break;
        }
        const expected = page.method === "POST" ? 302 : 200;
        if (response.status !== expected) throw new Error(`${page.name} answered ${response.status}, expected ${expected}`);
        if (page.requireEtag && !response.headers.get("etag")) {
          if (!page.optional) throw new Error(`${page.name} answered without an ETag`);
          absent.push(`${page.path} (no ETag)`);
          lines = null;
          break;
        }
        const text = (await readFile(traceFile)).subarray(before).toString("utf8");
        lines = parseTrace(text);
      }
      if (lines === null) continue;
      // A page may send no SQL at all (the login form: without a session cookie there is nobody to look
      // up); it is measured all the same, against an empty floor: a bare HTTP answer.
      present.push(page);
      floorIndex.push(plans.length);
      plans.push(planOf(page.name, lines));
      singleMs.push(ms);
    }
    return { cookies, present, absent, plans, singleMs, floorIndex };
  } finally {
    await server.stop();
  }
}

async function startFloor(url: string, plansFile: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "tests/bench/floor.ts"), plansFile, String(port)], {
    cwd: root,
    env: childEnv({ DATABASE_URL: url }),
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
    child.on("exit", (code) => reject(new Error(`floor exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Waits until the benchmark database has no statement running. When a load run ends, requests the
 * server had queued behind its pool still run (a page that takes seconds, at 50 connections, keeps
 * PostgreSQL busy long after the client gave up); the next run must not pay for them. What is still
 * running 5 s after the run is abandoned work — nothing else uses this database — and is cancelled.
 */
async function settle(url: string) {
  const started = performance.now();
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const running = `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`;
  let cancelled = 0;
  try {
    while ((await client.unsafe(running)).length > 0) {
      if (performance.now() - started > 5_000) cancelled += (await client.unsafe(`select pg_cancel_backend(pid) from (${running}) r`)).length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end({ timeout: 5 });
  }
  if (cancelled) log(`  settle: ${cancelled} abandoned statements cancelled`);
  return Math.round(performance.now() - started);
}

async function measure(
  server: ServerProcess,
  floorUrl: string,
  dbUrl: string,
  present: PageSpec[],
  plans: Plan[],
  cookies: Record<string, string>,
  singleMs: number[],
  floorIndex: number[],
) {
  const results: PageResult[] = [];
  for (const [i, page] of present.entries()) {
    const etag = page.conditional ? await conditionalEtag(server.url, page) : undefined;
    if (etag) singleMs[i] = etag.ms;
    const request = requestOf(page, cookies, etag?.etag);
    const pageSpec = (connections: number, s: number): LoadSpec => ({ url: `${server.url}${page.path}`, connections, seconds: s, ...request });
    const floorSpec = (connections: number, s: number): LoadSpec => ({ url: `${floorUrl}/${floorIndex[i]}`, connections, seconds: s });
    // Warm both (JIT, plan caches, buffers) before anything is recorded.
    await load(pageSpec(10, warmupSeconds));
    await settle(dbUrl);
    await load(floorSpec(10, warmupSeconds));
    await settle(dbUrl);
    const runs: PageResult["runs"] = [];
    for (const connections of levels) {
      const pageResult = await load(pageSpec(connections, seconds));
      let settleMs = await settle(dbUrl);
      const floorResult = await load(floorSpec(connections, seconds));
      settleMs += await settle(dbUrl);
      // No answer in a run (p50 null) leaves the ratio undefined (null), never 0.
      const ratioP50 = pageResult.p50 > 0 && floorResult.p50 > 0 ? Math.round((pageResult.p50 / floorResult.p50) * 100) / 100 : NaN;
      runs.push({ connections, page: pageResult, floor: floorResult, ratioP50, settleMs });
      log(
        `${page.name} @${connections}: page p50 ${pageResult.p50} p95 ${pageResult.p95} ms ${pageResult.rps} req/s ${pageResult.errors} errors | floor p50 ${floorResult.p50} p95 ${floorResult.p95} ms ${floorResult.rps} req/s ${floorResult.errors} errors | ${ratioP50}×`,
      );
    }
    const plan = plans[floorIndex[i]];
    results.push({
      name: page.name,
      method: page.method ?? "GET",
      path: page.path,
      as: page.as ? accounts[page.as] : "anonymous",
      ...(page.publicCache ? { publicCache: true, conditional: page.conditional ?? false } : {}),
      ...(page.floorOf ? { floorOf: page.floorOf } : {}),
      singleMs: singleMs[i],
      transactions: plan.waves.flat().length,
      statements: statementCount(plan),
      runs,
    });
  }
  return results;
}

/**
 * The ETag a conditional twin sends: its page's, as the measured server answers it, checked to get a
 * 304 (with the time of that one request alone).
 */
async function conditionalEtag(base: string, page: PageSpec) {
  const first = await fetch(`${base}${page.path}`, { redirect: "manual" });
  await first.arrayBuffer();
  const etag = first.headers.get("etag");
  if (first.status !== 200 || !etag) throw new Error(`${page.floorOf} answered ${first.status} with ETag ${etag}`);
  const started = performance.now();
  const again = await fetch(`${base}${page.path}`, { headers: { "if-none-match": etag }, redirect: "manual" });
  await again.arrayBuffer();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  if (again.status !== 304) throw new Error(`${page.name}: If-None-Match ${etag} answered ${again.status}, expected 304`);
  return { etag, ms };
}

// The worker comparison (issue 18 item 9): a cached public page, a rendered list and the render alone.
const workerPages = ["/fees", "question list + search", "login form"];

/** Pages per second of a few pages at 10 connections with one server process, then two (node:cluster). */
async function measureWorkers(url: string, present: PageSpec[], cookies: Record<string, string>) {
  const named = present.filter((page) => workerPages.includes(page.name));
  const chosen = named.length ? named : present.filter((page) => (page.method ?? "GET") === "GET" && !page.conditional).slice(0, 3);
  const rows = chosen.map((page) => ({ page: page.name, rps: {} as Record<string, number> }));
  for (const workers of [1, 2]) {
    const server = await serverOn(url, undefined, workers);
    try {
      // Sessions of this server's database are the same rows: the cookies carry over.
      for (const [i, page] of chosen.entries()) {
        const spec: LoadSpec = { url: `${server.url}${page.path}`, connections: 10, seconds: warmupSeconds, ...requestOf(page, cookies) };
        await load(spec);
        await settle(url);
        const result = await load({ ...spec, seconds });
        await settle(url);
        rows[i].rps[String(workers)] = result.rps;
        log(`${page.name} with ${workers} process(es) @10: ${result.rps} req/s p50 ${result.p50} ms, ${result.errors} errors`);
      }
    } finally {
      await server.stop();
    }
  }
  return rows;
}

/** `npm start` on an empty PGlite directory, timed to the first 200 on `/`. */
async function coldStart() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-bench-cold-"));
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    cwd: root,
    detached: true,
    stdio: "ignore",
    env: childEnv({
      DATABASE_URL: undefined,
      NODE_ENV: undefined,
      XCERT_SQL_TRACE: undefined,
      PGLITE_DIR: path.join(dir, "pglite"),
      STORAGE_DIR: path.join(dir, "storage"),
      PORT: String(port),
    }),
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - started > 300_000) throw new Error("npm start did not answer / within 5 minutes");
      const status = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return { ms: Math.round(performance.now() - started), status };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function machine(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ version }] = await client`select version()`;
    const [counts] =
      await client`select (select count(*)::int from questions) as questions, (select count(*)::int from tenants where kind = 'organization') as organizations,
      (select count(*)::int from fee_disclosures) as disclosures, (select count(*)::int from assessment_orders) as orders`;
    return {
      postgres: String(version).split(" on ")[0],
      counts: counts as unknown as { questions: number; organizations: number; disclosures: number; orders: number },
    };
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function main() {
  const loadAverageBefore = os.loadavg();
  log(
    `SCALE=${scale}, ${seconds} s per run at ${levels.join(", ")} connections; load average ${loadAverageBefore.map((x) => x.toFixed(2)).join(", ")} on ${os.cpus().length} cores`,
  );
  const { url, name } = await prepareBenchDatabase(scale, flags.has("--reload"));
  const info = await machine(url);

  log("building (remix build)");
  const build = await runCommand("npx", ["remix", "build"], childEnv({ NODE_ENV: "production" }), 300_000);
  if (build.code !== 0) throw new Error(`remix build failed:\n${build.stdout}\n${build.stderr}`);

  // Kept after the run (gitignored) for `tests/bench/explain.ts`: the trace and the plans replayed.
  const workDir = path.join(root, "tests/bench/results/tmp");
  await mkdir(workDir, { recursive: true });
  log("warm-up server with the SQL trace: cutting each page's statements");
  const { cookies, present, absent, plans, singleMs, floorIndex } = await tracePages(url, workDir);
  const plansFile = path.join(workDir, "plans.json");
  await writeFile(plansFile, JSON.stringify(plans));
  for (const plan of plans)
    log(
      `  ${plan.name}: ${plan.waves.flat().length} transactions in ${plan.waves.length} waves, ${statementCount(plan)} statements in ${roundTrips(plan)} round trips`,
    );
  if (flags.has("--trace-only")) return;
  if (flags.has("--workers-only")) {
    console.log(JSON.stringify(await measureWorkers(url, present, cookies), null, 2));
    return;
  }

  log("production server and floor server");
  const server = await serverOn(url);
  const floor = await startFloor(url, plansFile);
  let pageResults: PageResult[];
  try {
    for (const [i, plan] of plans.entries()) {
      const response = await fetch(`${floor.url}/${i}`);
      if (response.status !== 200) throw new Error(`floor of ${plan.name} answered ${response.status}: ${await response.text()}`);
    }
    pageResults = await measure(server, floor.url, url, present, plans, cookies, singleMs, floorIndex);
  } finally {
    await floor.stop();
    await server.stop();
  }

  log("pages/s with 1 and 2 server processes (WEB_CONCURRENCY)");
  const workers = await measureWorkers(url, present, cookies);

  let importResult = null;
  if (!flags.has("--skip-import")) {
    log("import vs COPY (fresh database on the same server)");
    importResult = await benchImport(adminUrl);
  }
  let cold = null;
  if (!flags.has("--skip-cold-start")) {
    log("cold start: npm start on an empty PGlite directory");
    cold = await coldStart();
  }

  const at = new Date().toISOString();
  const results: BenchResults = {
    at,
    scale,
    seconds,
    connections: levels,
    machine: {
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: info.postgres,
      loadAverageBefore,
      loadAverageAfter: os.loadavg(),
    },
    database: { name, ...info.counts },
    pages: pageResults,
    absent,
    import: importResult,
    coldStart: cold,
    workers,
  };
  const dir = path.join(root, only ? "tests/bench/results/tmp" : "tests/bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${only ? "partial-" : ""}${at.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  if (!only) writePerformanceDoc(root, results, path.relative(root, file));
  console.log(`\n${textTable(results)}\n\nWritten: ${path.relative(root, file)}${only ? "" : ", docs/PERFORMANCE.md"}`);
  if (checkTargets(results).some((c) => !c.met)) process.exitCode = 1;
}

await main();
