// `npx tsx tests/bench/patch-ab.ts`: the A/B of decision 012 — does the route-matching patch still pay?
// Interleaved runs of a few pages with the three router patches applied (A) and reversed (B) in this
// checkout's node_modules, the same connections and duration, the server restarted for each run.
// Only the router patches are reversed (with `patch -R`, not `patch-package --reverse`, which would
// also reverse the postgres.js patch and change the SQL side); the patches are re-applied at the end
// whatever happens (`npm ci` restores them too). Needs a built app (`npx remix build` with
// NODE_ENV=production) and a loaded benchmark database (tests/bench/database.ts; SCALE picks which).
//
// Environment: SCALE (default 1), BENCH_SECONDS (default 10), AB_ROUNDS (pairs, default 3),
// AB_CONNECTIONS (default 10). Prints one JSON object: every run, then the medians per page and state.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../support/server-process";
import { prepareBenchDatabase } from "./database";
import { credentialKeys, load, login } from "./client";
import type { LoadResult, LoadSpec } from "./load";

const root = path.resolve(import.meta.dirname, "../..");
const scale = Number(process.env.SCALE ?? 1);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.AB_ROUNDS ?? 3);
const connections = Number(process.env.AB_CONNECTIONS ?? 10);
const routerPatches = ["@remix-run+router+1.23.4.patch", "@remix-run+react+2.17.5.patch", "react-router-dom+6.30.6.patch"];
const term = encodeURIComponent("数据标注");
const pages = [
  { name: "login form", path: "/login", as: null },
  { name: "question list + search", path: `/w/org-00001/questions?q=${term}`, as: "admin@org-00001.scale.xcert.test" },
];
const log = (message: string) => console.error(`[ab ${new Date().toISOString().slice(11, 19)}] ${message}`);

function setPatches(state: "applied" | "reversed") {
  for (const file of routerPatches) {
    const args = ["-p1", "--forward", "--silent", "-i", path.join(root, "patches", file)];
    // Dry run first: a patch already in the wanted state is left alone.
    const wanted = state === "applied" ? args : ["-R", ...args.filter((a) => a !== "--forward")];
    if (spawnSync("patch", ["--dry-run", ...wanted], { cwd: root }).status !== 0) continue;
    const done = spawnSync("patch", wanted, { cwd: root, encoding: "utf8" });
    if (done.status !== 0) throw new Error(`patch ${state} ${file}: ${done.stdout}${done.stderr}`);
  }
  // The patched sources carry their cache; check the state really is what is measured.
  const router = spawnSync("grep", ["-c", "xcert-patch", path.join(root, "node_modules/@remix-run/router/dist/router.cjs.js")], { encoding: "utf8" });
  return Number(router.stdout.trim() || 0);
}

/** CPU time (user + system) of a process so far, in ms, from /proc (clock ticks of 10 ms on Linux). */
function cpuMs(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // After "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based over the whole line).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function measure(state: "applied" | "reversed") {
  const marks = setPatches(state);
  if ((state === "applied") !== marks > 0) throw new Error(`router patch ${state} but ${marks} marks of it in the router`);
  const { url } = await prepareBenchDatabase(scale, false);
  const server = await startServer({
    data: "none",
    database: { kind: "postgres", env: { DATABASE_URL: url, PGLITE_DIR: undefined }, url, drop: async () => {} },
    env: { NODE_ENV: "production", XCERT_DEMO: "1", EMAIL_WORKER: "off", LOG_LEVEL: "warn", WEB_CONCURRENCY: "1", ...credentialKeys },
    startTimeoutMs: 120_000,
  });
  try {
    const out: { page: string; state: string; result: LoadResult; serverCpuMs: number }[] = [];
    for (const page of pages) {
      const headers: Record<string, string> = page.as ? { cookie: await login(server.url, page.as) } : {};
      const spec: LoadSpec = { url: `${server.url}${page.path}`, connections, seconds: Math.min(3, seconds), headers, expectStatus: 200 };
      await load(spec);
      // The server's own CPU per request: what the patch changes, and far less disturbed than
      // throughput by whatever else the shared machine runs at the time.
      const before = cpuMs(server.pid);
      const result = await load({ ...spec, seconds });
      const serverCpuMs = Math.round(((cpuMs(server.pid) - before) / Math.max(1, result.requests)) * 100) / 100;
      if (result.errors) throw new Error(`${page.name} (${state}): ${result.errors} errors ${JSON.stringify(result.statusCodes)}`);
      log(
        `${page.name} patches ${state}: ${result.requests} requests, ${result.rps} req/s, p50 ${result.p50} ms, p95 ${result.p95} ms, server CPU ${serverCpuMs} ms/request`,
      );
      out.push({ page: page.name, state, result, serverCpuMs });
    }
    return out;
  } finally {
    await server.stop();
  }
}

const runs: Awaited<ReturnType<typeof measure>> = [];
try {
  // Alternate the order each round (ABBA …) so a drift of the machine does not favour one state.
  for (let round = 0; round < rounds; round++)
    for (const state of round % 2 === 0 ? (["applied", "reversed"] as const) : (["reversed", "applied"] as const)) runs.push(...(await measure(state)));
} finally {
  setPatches("applied");
}
const summary = pages.map((page) => {
  const of = (state: string) => runs.filter((r) => r.page === page.name && r.state === state);
  const figures = (xs: typeof runs) => ({
    rps: xs.map((r) => r.result.rps),
    p50: xs.map((r) => r.result.p50),
    serverCpuMs: xs.map((r) => r.serverCpuMs),
    medianRps: median(xs.map((r) => r.result.rps)),
    medianP50: median(xs.map((r) => r.result.p50)),
    medianServerCpuMs: median(xs.map((r) => r.serverCpuMs)),
  });
  const [a, b] = [of("applied"), of("reversed")];
  return {
    page: page.name,
    applied: figures(a),
    reversed: figures(b),
  };
});
console.log(JSON.stringify({ at: new Date().toISOString(), scale, seconds, connections, rounds, summary, runs }, null, 2));
