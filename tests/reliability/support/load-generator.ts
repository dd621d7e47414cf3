// A small HTTP load generator, run as a child process (`node --import tsx load-generator.ts <plan.json>`)
// so its own CPU and memory are not the server's or the test runner's. N connections, each a loop of
// requests over the plan's targets (node's fetch keeps each connection's socket alive) (weighted, each connection starting at a different place) until
// the duration is over. Prints one JSON report on stdout.
import { readFileSync } from "node:fs";

export interface LoadTarget {
  name: string;
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** A form body for POST (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** Statuses that count as success. */
  expect: number[];
  weight?: number;
}

export interface LoadPlan {
  base: string;
  durationMs: number;
  connections: number;
  targets: LoadTarget[];
  /** Per-request timeout: a request slower than this counts as an error. */
  timeoutMs?: number;
}

export interface TargetReport {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  requests: number;
  errors: number;
  elapsedMs: number;
  perTarget: Record<string, TargetReport>;
  errorSamples: string[];
}

async function main() {
  const plan = JSON.parse(readFileSync(process.argv[2], "utf8")) as LoadPlan;
  const schedule = plan.targets.flatMap((t) => Array.from({ length: t.weight ?? 1 }, () => t));
  const latencies = new Map<string, number[]>();
  const perTarget: Record<string, TargetReport> = {};
  for (const t of plan.targets) {
    perTarget[t.name] = { requests: 0, errors: 0, statuses: {}, p50: 0, p99: 0, max: 0 };
    latencies.set(t.name, []);
  }
  const errorSamples: string[] = [];
  const started = Date.now();
  const deadline = started + plan.durationMs;

  const connection = async (index: number) => {
    for (let i = index; Date.now() < deadline; i++) {
      const target = schedule[i % schedule.length];
      const report = perTarget[target.name];
      const t0 = performance.now();
      let outcome: string;
      let ok = false;
      try {
        const response = await fetch(plan.base + target.path, {
          method: target.method ?? "GET",
          headers: { ...(target.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...target.headers },
          body: target.form ? new URLSearchParams(target.form).toString() : undefined,
          redirect: "manual",
          signal: AbortSignal.timeout(plan.timeoutMs ?? 15_000),
        });
        const body = await response.text();
        outcome = String(response.status);
        ok = target.expect.includes(response.status);
        if (!ok && errorSamples.length < 10) errorSamples.push(`${target.name}: ${response.status} ${body.slice(0, 200)}`);
      } catch (error) {
        outcome =
          (error as Error).name === "TimeoutError" ? "timeout" : `network:${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`;
        if (errorSamples.length < 10) errorSamples.push(`${target.name}: ${outcome}`);
      }
      latencies.get(target.name)!.push(performance.now() - t0);
      report.requests++;
      report.statuses[outcome] = (report.statuses[outcome] ?? 0) + 1;
      if (!ok) report.errors++;
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, (_, i) => connection(i)));
  for (const [name, list] of latencies) {
    list.sort((a, b) => a - b);
    const at = (q: number) => Math.round(list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0);
    Object.assign(perTarget[name], { p50: at(0.5), p99: at(0.99), max: Math.round(list.at(-1) ?? 0) });
  }
  const report: LoadReport = {
    requests: Object.values(perTarget).reduce((n, r) => n + r.requests, 0),
    errors: Object.values(perTarget).reduce((n, r) => n + r.errors, 0),
    elapsedMs: Date.now() - started,
    perTarget,
    errorSamples,
  };
  process.stdout.write(JSON.stringify(report));
}

void main();
