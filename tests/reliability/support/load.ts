import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { LoadPlan, LoadReport } from "./load-generator";

const root = path.resolve(import.meta.dirname, "../../..");

/** Runs the load generator in a child process and returns its report. */
export async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-load-"));
  const file = path.join(dir, "plan.json");
  await writeFile(file, JSON.stringify(plan));
  try {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "load-generator.ts"), file], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`load generator exited with ${code}: ${stderr}`);
    return JSON.parse(stdout) as LoadReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resident memory of a process in MB, from /proc (Linux). */
/** The resident memory of the server: the process and, with WEB_CONCURRENCY > 1, its server processes. */
export async function rssMb(pid: number): Promise<number> {
  let kb = 0;
  for (const each of [pid, ...(await childrenOf(pid))]) {
    const status = await readFile(`/proc/${each}/status`, "utf8").catch(() => "");
    kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  }
  return kb ? Math.round(kb / 1024) : NaN;
}

async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (stat && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) children.push(Number(entry));
  }
  return children;
}

export function formatReport(report: LoadReport) {
  return Object.entries(report.perTarget)
    .map(([name, r]) => `${name}: ${r.requests} req, ${r.errors} err, p50 ${r.p50} ms, p99 ${r.p99} ms, statuses ${JSON.stringify(r.statuses)}`)
    .join("\n");
}
