// Turns a results file of `npm run bench` into the stdout table and the generated section of
// docs/PERFORMANCE.md, with the targets of issue 5 and whether each is met. The numbers in the doc
// only ever come from here. `npm run bench:report [file]` regenerates the doc from a results file
// (the newest in tests/bench/results/ by default).
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { ImportResult } from "./import";
import type { LoadResult } from "./load";

export interface PageResult {
  name: string;
  method: "GET" | "POST";
  path: string;
  as: string;
  transactions: number;
  statements: number;
  /**
   * One request alone in the warm-up run (the one whose statements the floor replays; a public page's
   * with the cache off, so a miss); a conditional twin's: one 304 alone on the measured server.
   */
  singleMs: number;
  /** Answered from the shared public cache (decision 026): also held to p50 ≤ 1× floor (issue 18 item 6). */
  publicCache?: boolean;
  /** With If-None-Match of the page's ETag: every answer a 304. */
  conditional?: boolean;
  /** The page whose SQL is this row's floor (a conditional twin's page). */
  floorOf?: string;
  runs: { connections: number; page: LoadResult; floor: LoadResult; ratioP50: number; settleMs: number }[];
}

export interface BenchResults {
  at: string;
  scale: number;
  seconds: number;
  connections: number[];
  machine: {
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    os: string;
    node: string;
    postgres: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  database: { name: string; questions: number; organizations: number; disclosures: number; orders: number };
  pages: PageResult[];
  absent: string[];
  import: ImportResult | null;
  coldStart: { ms: number; status: number } | null;
  /** Pages per second at 10 connections with WEB_CONCURRENCY 1 and 2 (issue 18 item 9); absent in older results. */
  workers?: { page: string; rps: Record<string, number> }[];
}

export const targets = { p95Ms: 100, p95AtConnections: 10, ratioP50: 2, publicRatioP50: 1, importRatio: 5 };

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

/** A run where no answer came back has no percentiles (null in the JSON): it misses every target. */
const below = (value: number | null, limit: number) => typeof value === "number" && Number.isFinite(value) && value < limit;

/** autocannon's timeout (tests/bench/load.ts): a request not answered within it counts as an error. */
const requestTimeoutMs = 10_000;

/**
 * The page's p50 over its floor's. When the floor answered nothing in its run but the page did, every
 * request the floor was sent took at least the run's length or the timeout, whichever is shorter (a
 * connection sends its next request only after an answer or a timeout): that bounds the ratio from above.
 */
function ratioOf(run: BenchResults["pages"][number]["runs"][number], seconds: number): { value: string; ratio: number | null } {
  if (below(run.ratioP50, Infinity)) return { value: `${run.ratioP50}×`, ratio: run.ratioP50 };
  if (!run.floor.requests && below(run.page.p50, Infinity)) {
    const floorAtLeastMs = Math.min(requestTimeoutMs, seconds * 1000);
    const bound = Math.ceil((run.page.p50 / floorAtLeastMs) * 100) / 100;
    return { value: `< ${bound}× (floor: no answer within ${floorAtLeastMs / 1000} s)`, ratio: bound };
  }
  return { value: "–", ratio: null };
}

export function checkTargets(r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const page of r.pages) {
    const run = page.runs.find((x) => x.connections === targets.p95AtConnections);
    if (!run) continue;
    const ratio = ratioOf(run, r.seconds);
    checks.push({
      target: `${page.name}: p95 < ${targets.p95Ms} ms at ${run.connections} connections`,
      value: below(run.page.p95, Infinity) ? `${run.page.p95} ms` : `no answer within ${r.seconds} s`,
      met: below(run.page.p95, targets.p95Ms),
    });
    checks.push({
      target: `${page.name}: p50 ≤ ${targets.ratioP50}× floor at ${run.connections} connections`,
      value: ratio.value,
      met: below(ratio.ratio, targets.ratioP50 + 1e-9),
    });
    // Issue 18 item 6: a public page answered from the cache (or with a 304) beats running its own SQL.
    if (page.publicCache)
      checks.push({
        target: `${page.name}: p50 ≤ ${targets.publicRatioP50}× its SQL floor at ${run.connections} connections (public cache${page.conditional ? ", If-None-Match → 304" : ", no conditional request"})`,
        value: ratio.value,
        met: below(ratio.ratio, targets.publicRatioP50 + 1e-9),
      });
  }
  if (r.import)
    checks.push({
      target: `import of ${r.import.rows.toLocaleString("en")} questions ≤ ${targets.importRatio}× COPY`,
      value: `${r.import.ratio}×`,
      met: r.import.ratio <= targets.importRatio,
    });
  // The floors are the reference, not the product: a floor's timeouts are reported, and bound its page's
  // ratio from above (ratioOf), but miss no target of the page's.
  const errors = r.pages.reduce((n, p) => n + p.runs.reduce((m, x) => m + x.page.errors, 0), 0);
  const floorErrors = r.pages.reduce((n, p) => n + p.runs.reduce((m, x) => m + x.floor.errors, 0), 0);
  checks.push({ target: "zero errors (pages, every run)", value: `${errors}${floorErrors ? ` (floors: ${floorErrors}, timeouts)` : ""}`, met: errors === 0 });
  const silent = r.pages.flatMap((p) => p.runs.flatMap((x) => (x.page.requests ? [] : [`${p.name} @${x.connections}`])));
  const silentFloors = r.pages.flatMap((p) => p.runs.flatMap((x) => (x.floor.requests ? [] : [`${p.name} floor @${x.connections}`])));
  checks.push({
    target: `every page run answered at least once within ${r.seconds} s`,
    value: `${silent.length ? `none from ${silent.join(", ")}` : "yes"}${silentFloors.length ? `; floors without an answer: ${silentFloors.join(", ")}` : ""}`,
    met: !silent.length,
  });
  return checks;
}

const ms = (n: number | null) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(1) : "–");
const ratio = (n: number | null) => (typeof n === "number" && Number.isFinite(n) ? `${n}×` : "–");

function pageRows(r: BenchResults) {
  const rows: string[][] = [];
  for (const page of r.pages)
    for (const run of page.runs)
      rows.push([
        page.name,
        String(run.connections),
        ms(run.page.p50),
        ms(run.page.p95),
        ms(run.page.p99),
        run.page.rps.toFixed(0),
        String(run.page.errors),
        ms(run.floor.p50),
        ms(run.floor.p95),
        run.floor.rps.toFixed(0),
        String(run.floor.errors),
        ratio(run.ratioP50),
      ]);
  return rows;
}

const pageHeader = [
  "page",
  "conns",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "req/s",
  "errors",
  "floor p50",
  "floor p95",
  "floor req/s",
  "floor errors",
  "p50 page/floor",
];

export function textTable(r: BenchResults) {
  const rows = [pageHeader, ...pageRows(r)];
  const widths = pageHeader.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  if (r.import)
    lines.push(
      "",
      `import ${r.import.rows} questions: ${(r.import.importMs / 1000).toFixed(1)} s; COPY ${(r.import.copyMs / 1000).toFixed(1)} s; ratio ${r.import.ratio}×`,
    );
  for (const w of r.workers ?? []) lines.push(`${w.page}: ${w.rps["1"]} req/s with 1 process, ${w.rps["2"]} with 2 (10 connections)`);
  if (r.coldStart) lines.push(`cold start (npm start, empty PGlite → first 200 on /): ${(r.coldStart.ms / 1000).toFixed(1)} s`);
  lines.push("", ...checkTargets(r).map((c) => `${c.met ? "met   " : "MISSED"}  ${c.target}: ${c.value}`));
  return lines.join("\n");
}

function markdownTable(header: string[], rows: string[][]) {
  return [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join(
    "\n",
  );
}

export function markdownSection(r: BenchResults, file: string) {
  const m = r.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
  const partial = r.scale < 1 || r.seconds < 10;
  return [
    `Generated by \`npm run bench:report\` from \`${file}\` (run of ${r.at}). Do not edit by hand.`,
    "",
    partial
      ? `**Not the full benchmark:** SCALE=${r.scale}${r.seconds < 10 ? `, ${r.seconds} s per run` : ""} (the full run is SCALE=1, 10 s per run).`
      : `Full run: SCALE=${r.scale}, ${r.seconds} s per run.`,
    "",
    "### Machine",
    "",
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}`,
    `- Node ${m.node}; ${m.postgres}`,
    `- Load average (1, 5, 15 min) before the run: ${load(m.loadAverageBefore)}; after: ${load(m.loadAverageAfter)}. ${m.loadAverageBefore[0] > m.cores ? "The machine was busy before the run (other jobs): the numbers below include waiting for a CPU." : "The machine was quiet before the run; the load after it is the benchmark's own (server, PostgreSQL and load generator share the cores)."}`,
    `- Data: database \`${r.database.name}\`: ${r.database.organizations.toLocaleString("en")} organizations, ${r.database.questions.toLocaleString("en")} questions, ${r.database.disclosures.toLocaleString("en")} fee disclosures, ${r.database.orders.toLocaleString("en")} orders.`,
    "",
    "### Targets",
    "",
    markdownTable(
      ["target", "measured", "met"],
      checkTargets(r).map((c) => [c.target, c.value, c.met ? "yes" : "**no**"]),
    ),
    "",
    `### Pages and their floors (${r.seconds} s per run; page and floor run back to back in the same run)`,
    "",
    markdownTable(pageHeader, pageRows(r)),
    "",
    markdownTable(
      ["page", "request", "as", "transactions", "statements", "one request alone (warm-up), ms"],
      r.pages.map((p) => [p.name, `${p.method} \`${p.path}\``, p.as, String(p.transactions), String(p.statements), ms(p.singleMs)]),
    ),
    "",
    "Rows marked (304) send `If-None-Match` with the ETag of the page's own answer, so every answer is a `304 Not Modified`; their floor is the page's. A public page's floor (`/fees`, `/fees.csv`, the fee API, `/verify/:number`, `/evaluations/:period`, the catalogue) is the SQL of a cache miss — the statements it sends with the public cache off — while the page itself answers from the cache (decision 058).",
    ...(r.absent.length
      ? ["", `Not measured yet (no route, or a placeholder redirect; the status it answered): ${r.absent.map((a) => `\`${a}\``).join(", ")}.`]
      : []),
    "",
    ...(r.workers?.length
      ? [
          "### Server processes (WEB_CONCURRENCY, 10 connections)",
          "",
          markdownTable(
            ["page", "1 process, req/s", "2 processes, req/s", "2 / 1"],
            r.workers.map((w) => [
              w.page,
              (w.rps["1"] ?? NaN).toFixed(0),
              (w.rps["2"] ?? NaN).toFixed(0),
              w.rps["1"] && w.rps["2"] ? `${(w.rps["2"] / w.rps["1"]).toFixed(2)}×` : "–",
            ]),
          ),
          "",
        ]
      : []),
    "### Import and cold start",
    "",
    r.import
      ? `- Import of ${r.import.rows.toLocaleString("en")} questions through the pipeline: ${(r.import.importMs / 1000).toFixed(1)} s; \`COPY\` of the same rows: ${(r.import.copyMs / 1000).toFixed(1)} s; ratio ${r.import.ratio}× (${r.import.database}, a fresh database).`
      : "- Import vs COPY: not run.",
    r.coldStart
      ? `- Cold start: \`npm start\` on an empty PGlite directory (build, migrate, demo seed, serve) to the first 200 on \`/\`: ${(r.coldStart.ms / 1000).toFixed(1)} s.`
      : "- Cold start: not run.",
  ].join("\n");
}

const begin = "<!-- bench:results:begin -->";
const end = "<!-- bench:results:end -->";

export function writePerformanceDoc(root: string, r: BenchResults, file: string) {
  const docPath = path.join(root, "docs/PERFORMANCE.md");
  const doc = readFileSync(docPath, "utf8");
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${docPath} has no ${begin} … ${end} section`);
  writeFileSync(docPath, `${doc.slice(0, from + begin.length)}\n${markdownSection(r, file)}\n${doc.slice(to)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, "../..");
  const dir = path.join(root, "tests/bench/results");
  const file =
    process.argv[2] ??
    path.join(
      dir,
      readdirSync(dir)
        .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
        .sort()
        .at(-1) ?? "",
    );
  if (!existsSync(file)) throw new Error(`no results file: ${file}`);
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  writePerformanceDoc(root, results, path.relative(root, file));
  console.log(textTable(results));
}
