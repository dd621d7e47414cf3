// The load generator, run by tests/bench/run.ts as a process of its own so that driving the load
// never shares an event loop (or a core's time slice bookkeeping) with the server it measures.
// Input: one JSON argument (a LoadSpec); output: one JSON line (a LoadResult) on stdout.
// autocannon keeps latency percentiles only for 2xx answers and has no p95, so every answer's time
// is recorded here (a redirect after login counts as success) and the percentiles computed exactly.
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /**
   * Each request from another client address (X-Forwarded-For; the server trusts one proxy hop): a
   * page limited per address (/verify) measured as many visitors use it, not one refused visitor.
   */
  distinctClients?: boolean;
  /** The one status every answer must have (a conditional request: 304); any other counts as an error. */
  expectStatus?: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Answers other than 2xx/3xx (other than `expectStatus` when given), plus connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statusCodes: Record<string, number> = {};
    let failed = 0;
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.seconds,
        method: spec.method ?? "GET",
        headers: spec.headers,
        body: spec.body,
        timeout: 10,
        ...(spec.distinctClients
          ? {
              requests: [
                {
                  setupRequest: (request: autocannon.Request) => {
                    const n = Math.floor(Math.random() * 2 ** 24);
                    return { ...request, headers: { ...request.headers, "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } };
                  },
                },
              ],
            }
          : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const round = (n: number) => Math.round(n * 100) / 100;
        resolve({
          connections: spec.connections,
          seconds: spec.seconds,
          requests: latencies.length,
          rps: round(latencies.length / (result.duration || spec.seconds)),
          p50: round(percentile(latencies, 50)),
          p95: round(percentile(latencies, 95)),
          p99: round(percentile(latencies, 99)),
          max: round(latencies[latencies.length - 1] ?? NaN),
          errors: failed + result.errors,
          statusCodes,
        });
      },
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (spec.expectStatus ? statusCode !== spec.expectStatus : statusCode < 200 || statusCode >= 400) failed++;
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runLoad(JSON.parse(process.argv[2]) as LoadSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
