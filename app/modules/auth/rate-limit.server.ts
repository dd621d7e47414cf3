import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { loginAttempts } from "../../../db/schema";

// Counted in PostgreSQL, not in memory, so every app instance enforces the same limit.
export const loginLimits = { windowMs: 15 * 60 * 1000, perAccount: 5, perIp: 20 } as const;

/** Seconds until the next login attempt for this email/IP may be tried, or 0 when allowed now. */
export async function loginRetryAfter(tx: Tx, email: string, ip: string | null): Promise<number> {
  const since = new Date(Date.now() - loginLimits.windowMs);
  const checks: { column: typeof loginAttempts.email | typeof loginAttempts.ip; value: string; limit: number }[] = [
    { column: loginAttempts.email, value: email, limit: loginLimits.perAccount },
  ];
  if (ip) checks.push({ column: loginAttempts.ip, value: ip, limit: loginLimits.perIp });
  let wait = 0;
  for (const check of checks) {
    const lastSuccess = tx
      .select({ at: sql`max(${loginAttempts.at})` })
      .from(loginAttempts)
      .where(and(eq(check.column, check.value), eq(loginAttempts.success, true)));
    const failures = await tx
      .select({ at: loginAttempts.at })
      .from(loginAttempts)
      .where(
        and(
          eq(check.column, check.value),
          eq(loginAttempts.success, false),
          gt(loginAttempts.at, since),
          sql`${loginAttempts.at} > coalesce((${lastSuccess}), '-infinity'::timestamptz)`,
        ),
      )
      .orderBy(desc(loginAttempts.at))
      .limit(check.limit);
    if (failures.length >= check.limit) {
      const oldest = failures[failures.length - 1].at.getTime();
      wait = Math.max(wait, Math.ceil((oldest + loginLimits.windowMs - Date.now()) / 1000));
    }
  }
  return Math.max(0, wait);
}

export async function recordLoginAttempt(tx: Tx, email: string, ip: string | null, success: boolean) {
  await tx.insert(loginAttempts).values({ email, ip, success });
}
