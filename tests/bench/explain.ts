// Why is a page slow? Replays the traced statements of the benchmark's plans
// (tests/bench/results/tmp/plans.json, written by `npm run bench`) with EXPLAIN (ANALYZE, BUFFERS),
// each in its page's transaction (same role and settings), and prints the slowest statements with
// their plans. Read-only: every transaction is rolled back.
// Usage: SCALE=1 tsx tests/bench/explain.ts [page name] [how many statements, default 3]
import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { benchDatabaseName, databaseUrl } from "./database";
import { revive, type Plan } from "./trace";

const root = path.resolve(import.meta.dirname, "../..");
const [only, top = "3"] = process.argv.slice(2);
const plans = JSON.parse(readFileSync(path.join(root, "tests/bench/results/tmp/plans.json"), "utf8")) as Plan[];
const sql = postgres(databaseUrl(benchDatabaseName(Number(process.env.SCALE ?? 1))), { max: 1, onnotice: () => {} });

class Done extends Error {}

for (const plan of plans.filter((p) => !only || p.name === only)) {
  const timed: { ms: number; query: string; plan: string }[] = [];
  for (const tx of plan.waves.flat()) {
    await sql
      .begin(async (t) => {
        for (const s of tx.statements) {
          const parameters = s.parameters.map(revive) as never[];
          if (!/^\s*(select|with)\b/i.test(s.query) || /set_config/.test(s.query)) {
            if (!/^\s*(insert|update|delete)\b/i.test(s.query)) await t.unsafe(s.query, parameters, { prepare: false });
            continue;
          }
          const rows = await t.unsafe(`explain (analyze, buffers) ${s.query}`, parameters, { prepare: false });
          const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
          timed.push({ ms: Number(/Execution Time: ([\d.]+)/.exec(text)?.[1] ?? 0), query: s.query, plan: text });
        }
        throw new Done();
      })
      .catch((error) => {
        if (!(error instanceof Done)) throw error;
      });
  }
  timed.sort((a, b) => b.ms - a.ms);
  console.log(`\n=== ${plan.name}: ${timed.length} reads, ${timed.reduce((n, t) => n + t.ms, 0).toFixed(1)} ms executing in total`);
  for (const t of timed.slice(0, Number(top))) console.log(`\n--- ${t.ms} ms\n${t.query}\n${t.plan}`);
}
await sql.end();
