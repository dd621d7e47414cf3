import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

export function formatReport(report: LoadReport) {
  return Object.entries(report.perTarget)
    .map(([name, r]) => `${name}: ${r.requests} req, ${r.errors} err, p50 ${r.p50} ms, p99 ${r.p99} ms, statuses ${JSON.stringify(r.statuses)}`)
    .join("\n");
}
