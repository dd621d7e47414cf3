import { getDatabase } from "../db/client.server";
import { env, missingProductionSecrets } from "./env.server";
import { startEmailWorker } from "./modules/email/worker.server";
import { resumeStaleImports } from "./modules/imports/jobs.server";
import { runDueJobs } from "./modules/jobs/scheduler.server";

declare global {
  var __xcertBackground: Promise<void> | undefined;
}

/**
 * Opened once per server process: the database (migrated and checked, or the process exits) and the
 * in-server email worker. On SIGTERM both are closed so remix-serve can exit.
 */
export function startBackground() {
  globalThis.__xcertBackground ??= (async () => {
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
    const imports = env().EMAIL_WORKER === "on" ? setInterval(() => void resumeStaleImports().catch((e: Error) => console.error("[imports]", e.message)), 15_000) : undefined;
    imports?.unref();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        clearInterval(jobs);
        clearInterval(imports);
        void stopWorker()
          .then(() => database.close())
          .finally(() => setTimeout(() => process.exit(0), 200).unref());
      });
    }
  })();
  return globalThis.__xcertBackground;
}
