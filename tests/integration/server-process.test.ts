import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { createPglite } from "../../db/client.server";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { HttpClient } from "../support/app";
import { createImportGate, type ImportGate } from "../support/import-gate";
import { startResendDouble, type ResendDouble } from "../support/resend-double";
import { startServer, type ServerProcess } from "../support/server-process";
import { distinctStem } from "../support/question-import";

// The server as `npm start` runs it (server/index.ts in a process of its own, decisions 023 and 025):
// its request log, its graceful shutdown on SIGTERM (issue 18 item 10), and WEB_CONCURRENCY. The answers themselves are
// tests/integration/server.test.ts.

const onPostgres = Boolean(process.env.DATABASE_URL);

/** The pids whose parent is `pid` (the cluster's server processes). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// One server for the request log and then its shutdown (the second test ends it).
describe("one server process", () => {
  let server: ServerProcess;
  let gate: ImportGate;
  beforeAll(async () => {
    gate = await createImportGate();
    server = await startServer({ env: { LOG_LEVEL: "info", EMAIL_WORKER: "on", ...gate.env } });
  });
  afterAll(async () => {
    await server.stop();
    await gate.close();
  });

  const lines = () =>
    server
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it("writes one JSON line per request: method, route, status, duration, request id, tenant and user; never a password, token or query", async () => {
    const admin = new HttpClient(server.url);
    const login = await admin.login("org-admin@demo.xcert.test");
    const page = await admin.get("/w/demo-ai/questions?q=110101199001011234");
    expect(page.status).toBe(200);
    const reset = await new HttpClient(server.url).get("/reset-password/secret-reset-token-abc123");
    const join = await new HttpClient(server.url).get("/join/demo-ai/secret-invite-token-xyz789");
    const ids = [login, page, reset, join].map((r) => r.headers.get("x-request-id")!);
    const logged = await waitFor("four log lines", () => {
      const found = ids.map((id) => lines().find((line) => line.reqId === id));
      return found.every(Boolean) ? (found as Record<string, unknown>[]) : undefined;
    });
    expect(logged[0]).toMatchObject({ method: "POST", path: "/login", route: "routes/login", res: { status: 302 }, msg: "request" });
    expect(logged[1]).toMatchObject({
      method: "GET",
      path: "/w/demo-ai/questions",
      route: "routes/w.$slug.questions._index",
      res: { status: 200 },
      tenant: "demo-ai",
    });
    expect(logged[1].user).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof logged[1].responseTime).toBe("number");
    expect(logged[2]).toMatchObject({ path: "/reset-password/[token]", route: "routes/reset-password.$token" });
    expect(logged[3]).toMatchObject({ path: "/join/demo-ai/[token]", route: "routes/join.$slug.$token" });
    // One line per request.
    for (const id of ids) expect(lines().filter((line) => line.reqId === id)).toHaveLength(1);
    const output = server.output();
    for (const secret of ["demo-password-2026", "secret-reset-token-abc123", "secret-invite-token-xyz789", "110101199001011234", "xcert_session="])
      expect(output).not.toContain(secret);
  });

  it("on SIGTERM stops accepting, finishes the request in flight, ends event streams, gives back import leases, closes the pool and exits 0", async () => {
    // An import standing at its first checkpoint (the gate, decision 017): its runner holds the lease.
    const admin = new HttpClient(server.url);
    await admin.login("org-admin@demo.xcert.test");
    const { certificates } = (await (await admin.data("/w/demo-ai/questions/import", "routes/w.$slug.questions.import._index")).json()) as {
      certificates: { id: string }[];
    };
    const upload = new FormData();
    upload.append("certificateId", certificates[0].id);
    upload.append("file", new Blob([questionsCsv(2500)]), "停机.csv");
    const queued = await admin.post("/w/demo-ai/questions/import", upload);
    expect(queued.status, await queued.clone().text()).toBe(302);
    const jobPath = queued.headers.get("location")!;
    const jobId = jobPath.split("/").pop()!;
    expect(await gate.next(jobId)).toMatchObject({ status: "validating", processedRows: 1000 });
    // Its progress as server-sent events, read to the stream's end.
    const events = await admin.get(`${jobPath}/events`);
    expect(events.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const streamed = new Response(events.body).text();

    const { port } = new URL(server.url);
    const body = "email=org-admin%40demo.xcert.test&password=demo-password-2026";
    // A login whose body is held back: the server cannot answer it until the test sends the rest.
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    // A second connection, opened after the first, is answered: the first was accepted before it.
    // (A static path: the login holds PGlite's one connection while it waits for its body.)
    const probe = () => fetch(`${server.url}/build/no-such-file`, { signal: AbortSignal.timeout(5_000) });
    expect((await probe()).status).toBe(404);

    process.kill(server.pid, "SIGTERM");
    // New connections are refused once the listener is closed.
    await waitFor("the listener to close", async () => {
      try {
        await probe();
        return undefined;
      } catch {
        return true;
      }
    });
    // The request in flight is still answered in full.
    socket.write(body.slice(10));
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 302 /);
    expect(answer).toMatch(/\r\nlocation: \/workspaces\r\n|\r\nLocation: /i);
    // The event stream ended (the browser's EventSource reconnects to the next server).
    expect(await streamed).toMatch(/^event: progress\ndata: /);
    const exited = await waitFor("the process to exit", () => (exitCodeOf(server.pid) === "gone" ? true : undefined), 20_000);
    expect(exited).toBe(true);
    expect(server.output()).toContain('"msg":"stopped"');
    // The runner stopped at its checkpoint and gave the lease back, the run not counted as an attempt:
    // another server process resumes the job at once.
    expect(await importJobRow(server, jobId)).toEqual({ status: "validating", locked: false, attempts: 0 });
  });
});

/** 2,500 valid practice questions as a CSV file: checkpoints every 1,000 rows while validating. */
function questionsCsv(count: number) {
  const cells = (i: number): Record<string, string> => ({
    type: "单选题",
    stem: distinctStem(`停机测试 ${i}`, i),
    optionA: "标注员的喜好",
    optionB: "项目质量要求与数据量",
    answer: "B",
    difficulty: "3",
    level: "中级",
    pool: "练习",
    visibility: "仅本机构",
  });
  const rows = [questionColumns.map((c) => c.zh), ...Array.from({ length: count }, (_, i) => questionColumns.map((c) => cells(i)[c.key] ?? ""))];
  return `\uFEFF${rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`;
}

/** The job's row read as the database's owner, once the server process is gone. */
async function importJobRow(server: ServerProcess, jobId: string) {
  const statement = "select status, locked_until is not null as locked, attempts from import_jobs where id = $1";
  if (server.database.kind === "pglite") {
    const pglite = await createPglite({ dataDir: server.database.dir! });
    try {
      return (await pglite.query(statement, [jobId])).rows[0];
    } finally {
      await pglite.close();
    }
  }
  const sql = postgres(server.database.url!, { max: 1, onnotice: () => {} });
  try {
    return { ...(await sql.unsafe(statement, [jobId]))[0] };
  } finally {
    await sql.end();
  }
}

/** "gone" once the process no longer exists (its parent, the test, reaps it). */
function exitCodeOf(pid: number): "running" | "gone" {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z") ? "gone" : "running";
  } catch {
    return "gone";
  }
}

describe(`WEB_CONCURRENCY=2 on ${onPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  let server: ServerProcess;
  let resend: ResendDouble;
  beforeAll(async () => {
    resend = await startResendDouble();
    server = await startServer({
      env: { WEB_CONCURRENCY: "2", EMAIL_WORKER: "on", RESEND_API_KEY: "re_cluster_test", RESEND_BASE_URL: resend.url, LOG_LEVEL: "warn" },
    });
  });
  afterAll(async () => {
    await server.stop();
    await resend.close();
  });

  it(
    onPostgres
      ? "runs two server processes, and each queued email is sent exactly once across them"
      : "runs one process (PGlite is one process's database), says so, and sends each queued email once",
    async () => {
      const processes = childrenOf(server.pid);
      if (onPostgres) expect(processes).toHaveLength(2);
      else {
        expect(processes).toEqual([]);
        expect(server.output()).toContain("WEB_CONCURRENCY=2 ignored");
      }
      // Ten password resets, asked on connections spread over the processes (the per-IP limit of
      // forgot-password, decision 030, allows ten an hour from this one test client).
      const emails = ["org-admin", "org-editor", "org-finance", "org2-admin", "school-admin"].map((who) => `${who}@demo.xcert.test`);
      for (let round = 0; round < 2; round++)
        await Promise.all(emails.map(async (email) => expect((await new HttpClient(server.url).post("/forgot-password", { email })).status).toBeLessThan(400)));
      const resets = () => [...resend.delivered.values()].filter((email) => emails.includes(email.to[0]) && /密码|password/i.test(email.subject));
      await waitFor("the reset emails", () => (resets().length >= emails.length ? true : undefined), 90_000);
      // Every email the workers took was sent once: one request per idempotency key, never two.
      expect([...resend.attempts.values()].every((n) => n === 1)).toBe(true);
      expect(resend.requests).toBe(resend.delivered.size);
    },
  );
});
