import { execFile } from "node:child_process";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../support/server-process";

// A PostgreSQL server of the test's own, in a temporary data directory on a free port: the fault test
// stops and starts it, which must never touch the machine's cluster that other tests share. Made with
// the server's own binaries (Debian: /usr/lib/postgresql/<version>/bin), as the `postgres` OS user when
// we run as root (initdb refuses root), so a fresh CI machine can do the same.

const run = promisify(execFile);

export interface PostgresCluster {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

async function binDir() {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const { readdir } = await import("node:fs/promises");
  const versions = (await readdir("/usr/lib/postgresql").catch(() => [] as string[])).sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql (set PG_BINDIR)");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

export async function createPostgresCluster(): Promise<PostgresCluster> {
  const bin = await binDir();
  const root = await mkdtemp(path.join(os.tmpdir(), "xcert-pg-"));
  const data = path.join(root, "data");
  const log = path.join(root, "server.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(root, Number(stdout), Number(gid));
    await chmod(root, 0o700);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  // C.UTF-8: a UTF-8 database, as pg_trgm needs for Chinese substrings.
  await pg("initdb", ["-D", data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = async () => {
    await pg("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
  };
  // Fast shutdown: what a restart by the operator or a failover does to open connections.
  const stop = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    remove: async () => {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
