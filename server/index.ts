import cluster from "node:cluster";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { pino } from "pino";
import { beginShutdown } from "../app/request-store.server";
import { createApp } from "./app";

// `npm start` / `npm run serve`: the production server (decision 023). Run by Node with tsx's loader
// (`node --import tsx server/index.ts`): the server is a few files of TypeScript next to the built
// app (build/index.js, public/build), which it imports.
//
// WEB_CONCURRENCY processes (node:cluster; default one per core) share the port, each with its own
// database pool and its own background loops, which claim their work in the database (decision 025).
// PGlite is one process's embedded database: without DATABASE_URL there is one process.

process.env.NODE_ENV ??= "production";
const root = path.resolve(import.meta.dirname, "..");
const logger = pino({ level: process.env.LOG_LEVEL ?? "info", base: { pid: process.pid } });
/** In-flight requests get this long after SIGTERM; then their connections are closed. */
const drainMs = 10_000;

function workerCount(): number {
  const asked = process.env.WEB_CONCURRENCY;
  const count = asked ? Number(asked) : os.availableParallelism();
  if (!Number.isInteger(count) || count < 1) {
    logger.fatal(`WEB_CONCURRENCY must be a whole number of at least 1, not "${asked}"`);
    process.exit(1);
  }
  if (count > 1 && !process.env.DATABASE_URL) {
    // Two processes opening one PGlite directory corrupt it (it takes no lock): one process it is.
    if (asked)
      logger.warn(
        `WEB_CONCURRENCY=${count} ignored: the embedded PGlite database can be opened by one process only; serving with 1 process (set DATABASE_URL to run several)`,
      );
    return 1;
  }
  return count;
}

async function serve(): Promise<void> {
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  const background = (build.entry.module as unknown as { background: { ready(): Promise<unknown>; stop(timeoutMs: number): Promise<void> } }).background;
  // The database is open, migrated and checked before the first request is accepted.
  await background.ready();
  const { app, streams } = createApp({
    build,
    trustProxy: Number(process.env.TRUST_PROXY ?? 0),
    appUrl: process.env.APP_URL,
    logger,
    publicDir: path.join(root, "public"),
    mode: "production",
  });
  const server: Server = createServer(app);
  // Behind a load balancer that keeps connections open longer than Node's 5 s default, Node would
  // close one just as the balancer reuses it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(process.env.PORT ?? 3000), process.env.HOST, () => resolve());
  });
  const address = server.address();
  logger.info({ port: typeof address === "object" && address ? address.port : address }, "listening");
  process.send?.("ready");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const deadline = Date.now() + drainMs;
    // Event streams end at their next tick; long answers see the signal too.
    beginShutdown();
    // No new connections; idle kept-alive ones close now, busy ones once their answer is written.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const timedOut = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), drainMs).unref());
    if ((await Promise.race([closed, timedOut])) === "timeout") {
      logger.warn({ streams: streams.size }, "requests still running after 10 s: closing their connections");
      server.closeAllConnections();
    }
    clearInterval(idle);
    // Background work gives back what it holds (import leases, the claimed email batch), then the pool closes.
    await background.stop(Math.max(1_000, deadline - Date.now())).catch((error: Error) => logger.error({ err: error }, "stopping background work failed"));
    logger.info("stopped");
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void shutdown(signal));
}

function primary(count: number) {
  logger.info({ workers: count }, "starting server processes");
  let stopping = false;
  const ready = new Set<number>();
  const live = new Set<number>();
  const fork = () => {
    const worker = cluster.fork();
    live.add(worker.id);
    worker.on("message", (message) => {
      if (message === "ready") ready.add(worker.id);
    });
    worker.on("exit", (code, signal) => {
      const wasReady = ready.delete(worker.id);
      live.delete(worker.id);
      if (stopping) {
        if (live.size === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      // A process that never became ready (no database, a refused query role) will not do better
      // the next time: stop everything with its exit code. One that served and died is replaced.
      if (!wasReady) {
        logger.fatal({ code, signal }, "a server process exited while starting");
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
        process.exitCode = code || 1;
        if (live.size === 0) process.exit(process.exitCode);
        return;
      }
      logger.error({ code, signal }, "a server process died: starting another");
      fork();
    });
  };
  for (let i = 0; i < count; i++) fork();
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.once(signal, () => {
      stopping = true;
      // Each process drains its own requests (up to 10 s) and releases its work.
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      if (live.size === 0) process.exit(0);
    });
}

if (cluster.isPrimary) {
  const count = workerCount();
  if (count > 1) primary(count);
  else await serve();
} else {
  await serve();
}
