import { and, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { scheduledJobs } from "../../../db/schema";
import { sendFindingDigest } from "~/modules/committee/digest.server";
import { withSystem, type Rescope } from "~/modules/tenancy/context.server";

// Periodic jobs shared by every app instance: each job is a row claimed with FOR UPDATE SKIP LOCKED,
// so it runs once per period however many servers poll.

interface Job {
  name: string;
  run: (tx: Tx, rescope: Rescope) => Promise<unknown>;
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

export const jobs: Job[] = [{ name: "fee-audit-digest", run: sendFindingDigest, next: nextMondayMorning }];

export async function runDueJobs(now = new Date()) {
  const ran: string[] = [];
  for (const job of jobs) {
    await withSystem(async (tx, rescope) => {
      await tx.insert(scheduledJobs).values({ name: job.name, nextRunAt: job.next(now) }).onConflictDoNothing();
      const [due] = await tx
        .select()
        .from(scheduledJobs)
        .where(and(eq(scheduledJobs.name, job.name), lte(scheduledJobs.nextRunAt, now)))
        .for("update", { skipLocked: true });
      if (!due) return;
      await job.run(tx, rescope);
      await tx.update(scheduledJobs).set({ lastRunAt: sql`now()`, nextRunAt: job.next(now) }).where(eq(scheduledJobs.name, job.name));
      ran.push(job.name);
    });
  }
  return ran;
}
