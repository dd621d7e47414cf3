import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ImportCheckpoint } from "../../app/modules/imports/gate.server";

// The test side of the import gate (decision 017, app/modules/imports/gate.server.ts): a server
// started with `env` pauses each import runner at every progress checkpoint until the test releases
// it, so a test sees the job stand still at a known progress instead of racing it.

export interface PausedImport extends ImportCheckpoint {
  /** Lets the runner go on to its next checkpoint (or to its end). */
  release(): Promise<void>;
}

export interface ImportGate {
  dir: string;
  /** For startServer / startJourney: XCERT_IMPORT_GATE_DIR. */
  env: { XCERT_IMPORT_GATE_DIR: string };
  /** Waits until the runner of `jobId` stands at its next checkpoint (CPU work between two: up to `timeoutMs` on a loaded machine). */
  next(jobId: string, timeoutMs?: number): Promise<PausedImport>;
  /** Releases every checkpoint of `jobId` as it comes, until stop(), which returns them in order. */
  passAll(jobId: string): { stop(): Promise<ImportCheckpoint[]> };
  /** The checkpoint files waiting now (any job). */
  waiting(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createImportGate(): Promise<ImportGate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-import-gate-"));
  const taken = new Set<string>();
  const waiting = async () => (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();

  const next = async (jobId: string, timeoutMs = 60_000): Promise<PausedImport> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Step numbers are zero-padded: the first name in order is the earliest checkpoint.
      const name = (await waiting()).find((n) => n.startsWith(`${jobId}.`) && !taken.has(n));
      if (name) {
        taken.add(name);
        const file = path.join(dir, name);
        const checkpoint = JSON.parse(await readFile(file, "utf8")) as ImportCheckpoint;
        return { ...checkpoint, release: () => rm(file) };
      }
      if (Date.now() > deadline) throw new Error(`import ${jobId} reached no checkpoint within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    dir,
    env: { XCERT_IMPORT_GATE_DIR: dir },
    next,
    waiting,
    passAll(jobId) {
      const passed: ImportCheckpoint[] = [];
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          const paused = await next(jobId, 100).catch(() => null);
          if (!paused) continue;
          const { release, ...checkpoint } = paused;
          passed.push(checkpoint);
          await release();
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          return passed;
        },
      };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
