import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/app";
import { startServer, type ServerDatabase, type ServerProcess } from "../support/server-process";
import { createPostgresCluster, type PostgresCluster } from "./support/postgres-cluster";
import { short, Tally } from "./support/summary";

// Fault: PostgreSQL stopped (fast shutdown, as a restart or failover does) in the middle of load with
// writes, for about two seconds, then started again. On a PostgreSQL server of the test's own (never
// the machine's shared cluster). Requests meanwhile answer either as usual or 503 with Retry-After and
// a plain message (no stack trace, no driver details); once PostgreSQL is back the same server process
// answers 200 again within 5 s; and no write is half-done: every certificate written has its audit
// entry and every audit entry its certificate.

const outageMs = 2_000;
const connections = short ? 6 : 12;
const warmMs = short ? 2_000 : 5_000;
const afterMs = short ? 6_000 : 10_000;

interface Outcome {
  at: number;
  kind: "read" | "write" | "document";
  status: number | string;
  body: string;
  code?: string;
  retryAfter?: string | null;
}

const leaks = /\n\s+at |Error:|ECONNREFUSED|CONNECTION_|postgres|127\.0\.0\.1|terminating connection|SQLSTATE|select |insert /i;

describe("fault: PostgreSQL restarted under load", () => {
  const tally = new Tally("fault");
  let cluster: PostgresCluster;
  let server: ServerProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database xcert_fault");
    await admin.end();
    const parsed = new URL(cluster.url);
    parsed.pathname = "/xcert_fault";
    databaseUrl = parsed.toString();
    const database: ServerDatabase = { kind: "postgres", env: { DATABASE_URL: databaseUrl, PGLITE_DIR: undefined }, url: databaseUrl, drop: async () => {} };
    server = await startServer({ database });
  });
  afterAll(async () => {
    tally.print();
    await server?.stop();
    await cluster?.remove();
  });

  it("answers 503 cleanly while PostgreSQL is down, recovers by itself within 5 s, and leaves no half-done write", async () => {
    const editor = new HttpClient(server.url);
    await editor.login("org-editor@demo.xcert.test");
    const cookie = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const outcomes: Outcome[] = [];
    let written = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const t0 = Date.now();

    const request = async (kind: Outcome["kind"], n: number) => {
      const code = kind === "write" ? `FAULT-${n}` : undefined;
      const init: RequestInit =
        kind === "write"
          ? {
              method: "POST",
              body: new URLSearchParams({
                code: code!,
                nameZh: `故障测试 ${n}`,
                nameEn: `Fault ${n}`,
                industryCode: "digital",
                levels: "junior",
                status: "draft",
              }),
            }
          : {};
      const path =
        kind === "write" ? "/w/demo-ai/certificates/new" : kind === "read" ? "/w/demo-ai/certificates?_data=routes%2Fw.%24slug.certificates._index" : "/fees";
      const at = Date.now() - t0;
      try {
        const response = await fetch(server.url + path, { ...init, headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(10_000) });
        outcomes.push({ at, kind, status: response.status, body: await response.text(), code, retryAfter: response.headers.get("retry-after") });
      } catch (error) {
        outcomes.push({ at, kind, status: `network: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`, body: "", code });
      }
    };
    const loop = async (index: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const kind = (["write", "read", "document"] as const)[(index + i) % 3];
        await request(kind, kind === "write" ? ++written : 0);
      }
    };
    const load = Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));

    await new Promise((resolve) => setTimeout(resolve, warmMs));
    const down = Date.now() - t0;
    await cluster.stop();
    const stopped = Date.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    await cluster.start();
    const up = Date.now() - t0;
    // From PostgreSQL being back: the first 200 of a page that needs the database.
    let recoveredAt: number | null = null;
    while (Date.now() - t0 < up + 10_000) {
      const response = await fetch(`${server.url}/fees`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      if (response?.status === 200) {
        recoveredAt = Date.now() - t0;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stopAt = Date.now() + afterMs;
    await load;

    // Every answer: as usual, or a clean 503.
    const usual = (o: Outcome) => (o.kind === "write" ? o.status === 302 : o.status === 200);
    const clean503 = (o: Outcome) => o.status === 503 && o.retryAfter === "5" && !leaks.test(o.body) && /服务暂时不可用/.test(o.body);
    for (const o of outcomes) tally.check(usual(o) || clean503(o), `${o.kind} at ${o.at} ms: ${o.status} ${o.body.slice(0, 300)}`);
    const unavailable = outcomes.filter((o) => o.status === 503);
    tally.check(unavailable.length > 0, "no request met the outage (no 503 at all)");
    // Recovery within 5 s of PostgreSQL answering again, and nothing but success after that.
    tally.check(recoveredAt !== null && recoveredAt - up <= 5_000, `not recovered within 5 s (${recoveredAt === null ? "never" : `${recoveredAt - up} ms`})`);
    // From 5 s after PostgreSQL is back, nothing but success. (Between the first 200 and then, a request
    // may still meet a pooled connection that is reconnecting: counted in the summary.)
    const lateFailures = outcomes.filter((o) => o.at > up + 5_000 && !usual(o));
    tally.check(lateFailures.length === 0, `failures from 5 s after recovery: ${lateFailures.map((o) => `${o.kind} at ${o.at} ms ${o.status}`).join(", ")}`);
    const stragglers = outcomes.filter((o) => recoveredAt !== null && o.at > recoveredAt && o.at <= up + 5_000 && !usual(o)).length;

    // No half-done write: the certificates and their audit entries, as stored.
    const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const certificates = await check<{ id: string; code: string }[]>`select id, code from certificates where code like 'FAULT-%'`;
      const audits = await check<{ entity_id: string; code: string }[]>`
        select entity_id, after->>'code' as code from audit_log where action = 'certificate.create' and after->>'code' like 'FAULT-%'`;
      const byId = new Map(certificates.map((c) => [c.id, c.code]));
      const audited = new Map(audits.map((a) => [a.entity_id, a.code]));
      for (const c of certificates) tally.check(audited.get(c.id) === c.code, `certificate ${c.code} has no audit entry`);
      for (const a of audits) tally.check(byId.get(a.entity_id) === a.code, `audit entry of ${a.code} has no certificate`);
      tally.check(audits.length === new Set(audits.map((a) => a.entity_id)).size, "a certificate audited twice");
      // Every write answered as done is stored; one answered 503 may or may not be (a lost commit answer), never half.
      const stored = new Set(certificates.map((c) => c.code));
      for (const o of outcomes.filter((x) => x.kind === "write" && x.status === 302))
        tally.check(stored.has(o.code!), `${o.code} answered 302 but is not stored`);
      const writes = outcomes.filter((o) => o.kind === "write");
      tally.note(
        `${outcomes.length} requests (${writes.length} writes, ${certificates.length} stored, ${unavailable.length} answered 503); PostgreSQL stopped at ${down}–${stopped} ms, back at ${up} ms, first 200 ${recoveredAt === null ? "never" : `${recoveredAt - up} ms later`}, ${stragglers} 503 after it`,
      );
    } finally {
      await check.end();
    }
    // The page of an outage, for documents: the error page in the user's language, status 503.
    if (tally.failures.length)
      process.stdout.write(
        `\nserver output (end):\n${server
          .output()
          .split("\n")
          .filter((l) => !/^(GET|POST) /.test(l))
          .join("\n")
          .slice(-4000)}\n`,
      );
    expect(tally.failures).toEqual([]);
  });
});
