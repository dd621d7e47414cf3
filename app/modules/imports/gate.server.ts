import { access, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { env, isProduction, type Env } from "~/env.server";
import { shutdownSignal } from "~/request-store.server";

// Tests only (decision 017). With XCERT_IMPORT_GATE_DIR set, an import runner stops at each progress
// checkpoint, once that progress is committed and outside any transaction, writes the checkpoint as
// `<dir>/<job id>.<step>.json` and waits until the test deletes that file. A test reads the page
// while the job is known to stand still, instead of racing an import that may end between two looks.
// Production proper ignores the variable (and says so once): a leftover setting must never hold real
// imports. A pause longer than the job's lease (two minutes) lets the background loop take the job over.

/** What a paused runner has committed: the job's progress as the page shows it. */
export interface ImportCheckpoint {
  jobId: string;
  /** 1, 2, … within this run of the job. */
  step: number;
  status: "validating" | "importing";
  totalRows: number;
  processedRows: number;
  importedRows: number;
  progress: number;
}

/** The gate's directory, or null: unset, or production proper. */
export function importGateDir(e: Env = env()) {
  if (!e.XCERT_IMPORT_GATE_DIR || isProduction(e)) return null;
  return e.XCERT_IMPORT_GATE_DIR;
}

let warned = false;

/** The pause for runners of this process, or null (no gate: runners never stop). */
export function importGate(): ((checkpoint: ImportCheckpoint) => Promise<void>) | null {
  const dir = importGateDir();
  if (!dir) {
    if (env().XCERT_IMPORT_GATE_DIR && !warned) {
      warned = true;
      console.warn("XCERT_IMPORT_GATE_DIR is ignored in production (NODE_ENV=production without XCERT_DEMO=1): imports do not pause.");
    }
    return null;
  }
  return async (checkpoint) => {
    const file = path.join(dir, `${checkpoint.jobId}.${String(checkpoint.step).padStart(4, "0")}.json`);
    // Written aside, then renamed: the test never reads half a checkpoint.
    await writeFile(`${file}.part`, JSON.stringify(checkpoint));
    await rename(`${file}.part`, file);
    // A shutdown ends the pause: the runner then stops at this checkpoint and gives its lease back.
    const shutdown = shutdownSignal();
    while (
      !shutdown.aborted &&
      (await access(file).then(
        () => true,
        () => false,
      ))
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
  };
}
