import { getDatabase } from "../db/client.server";
import { env, missingProductionSecrets } from "./env.server";
import { startEmailWorker } from "./modules/email/worker.server";
import { releaseImportLeases, resumeStaleImports } from "./modules/imports/jobs.server";
import { runDueJobs } from "./modules/jobs/scheduler.server";

interface Background {
  stop(timeoutMs: number): Promise<void>;
}

declare global {
  var __xcertBackground: Promise<Background> | undefined;
}

/**
 * Opened once per server process: the database (migrated and checked, or the process exits) and the
 * background work — email worker, scheduler, import resumption. Several server processes
 * (WEB_CONCURRENCY, decision 025) each run their own: every job is claimed in the database (outbox
 * rows FOR UPDATE SKIP LOCKED, scheduled runs by their slot, imports by lease), so each runs once.
 * The server (server/) calls stopBackground on SIGTERM, after the last answer.
 */
export function startBackground(): Promise<Background> {
  globalThis.__xcertBackground ??= (async () => {
    // A missing or malformed setting (XCERT_SECOND_FACTOR_KEY in production) stops the server here,
    // not at its first request.
    try {
      env();
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
    const missing = missingProductionSecrets(env());
    if (missing.length) {
      console.error(`Refusing to start in production without ${missing.join(", ")}`);
      process.exit(1);
    }
    const database = await getDatabase().catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
    const stopWorker = env().EMAIL_WORKER === "on" ? startEmailWorker() : async () => {};
    // Periodic jobs (the committee's weekly digest): polled every minute, claimed in the database.
    const jobs = env().EMAIL_WORKER === "on" ? setInterval(() => void runDueJobs().catch((e: Error) => console.error("[jobs]", e.message)), 60_000) : undefined;
    jobs?.unref();
    // Imports whose runner died (a restart mid-import) are picked up again.
    const imports =
      env().EMAIL_WORKER === "on" ? setInterval(() => void resumeStaleImports().catch((e: Error) => console.error("[imports]", e.message)), 15_000) : undefined;
    imports?.unref();
    return {
      stop: async (timeoutMs: number) => {
        clearInterval(jobs);
        clearInterval(imports);
        // Imports of this process stop at their next checkpoint and give their lease back; the email
        // worker finishes the batch it claimed.
        await Promise.all([releaseImportLeases(timeoutMs), stopWorker()]);
        await database.close();
      },
    };
  })();
  return globalThis.__xcertBackground;
}

/** Stops the background work and closes the pool (the server's graceful shutdown). */
export async function stopBackground(timeoutMs = 5_000) {
  const background = globalThis.__xcertBackground;
  if (!background) return;
  await (await background).stop(timeoutMs);
}
