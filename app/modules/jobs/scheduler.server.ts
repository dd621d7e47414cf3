import { and, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { scheduledJobs } from "../../../db/schema";
import { purgeExpiredHits } from "~/modules/auth/limits.server";
import { sendFindingDigest } from "~/modules/committee/digest.server";
import { runCredentialExpiry } from "~/modules/credentials/expiry.server";
import { sendProgressReminders } from "~/modules/school/progress.server";
import { withSystem, type Rescope } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";

// Periodic jobs shared by every app instance: each job is a row claimed with FOR UPDATE SKIP LOCKED,
// so it runs once per period however many servers poll.

interface Job {
  name: string;
  run: (tx: Tx, now: Date, rescope: Rescope) => Promise<unknown>;
  /** The next run after `from`. */
  next: (from: Date) => Date;
}

/** Mondays 09:00 in Asia/Shanghai (01:00 UTC). */
export function nextMondayMorning(from: Date) {
  const next = new Date(from);
  next.setUTCHours(1, 0, 0, 0);
  const daysUntilMonday = (8 - next.getUTCDay()) % 7;
  next.setUTCDate(next.getUTCDate() + daysUntilMonday);
  if (next <= from) next.setUTCDate(next.getUTCDate() + 7);
  return next;
}

/** Every day 08:00 in Asia/Shanghai (00:00 UTC): credential expiry, progress-report reminders. */
export function nextMorning(from: Date) {
  const next = new Date(from);
  next.setUTCHours(0, 0, 0, 0);
  if (next <= from) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export const jobs: Job[] = [
  { name: "fee-audit-digest", run: (tx, _now, rescope) => sendFindingDigest(tx, rescope), next: nextMondayMorning },
  // Credentials past their date turn expired; 60/30/7-day reminders (issue 16).
  { name: "credential-expiry", run: (tx, now, rescope) => runCredentialExpiry(tx, rescope, shanghaiDate(now)), next: nextMorning },
  // Progress-report reminders, 14 and 3 days before the due day, each once (app/modules/school/progress.server.ts).
  { name: "progress-report-reminders", run: (tx, now, rescope) => sendProgressReminders(tx, rescope, now), next: nextMorning },
  // Rate-limit hits past every window (app/modules/auth/limits.server.ts).
  { name: "rate-limit-expiry", run: (tx) => purgeExpiredHits(tx), next: nextMorning },
];

/** Runs the jobs due at `now` (`only`: just these, for a test of one job). */
export async function runDueJobs(now = new Date(), only?: string[]) {
  const ran: string[] = [];
  for (const job of jobs) {
    if (only && !only.includes(job.name)) continue;
    await withSystem(async (tx, rescope) => {
      await tx
        .insert(scheduledJobs)
        .values({ name: job.name, nextRunAt: job.next(now) })
        .onConflictDoNothing();
      const [due] = await tx
        .select()
        .from(scheduledJobs)
        .where(and(eq(scheduledJobs.name, job.name), lte(scheduledJobs.nextRunAt, now)))
        .for("update", { skipLocked: true });
      if (!due) return;
      await job.run(tx, now, rescope);
      await tx
        .update(scheduledJobs)
        .set({ lastRunAt: sql`now()`, nextRunAt: job.next(now) })
        .where(eq(scheduledJobs.name, job.name));
      ran.push(job.name);
    });
  }
  return ran;
}
