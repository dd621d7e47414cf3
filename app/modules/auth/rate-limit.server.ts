import type { Tx } from "../../../db/client.server";
import { loginAttempts } from "../../../db/schema";

// The record of verified login attempts (who, from where, with what outcome). The limits themselves
// are counted in rate_limit_hits (limits.server.ts).
export async function recordLoginAttempt(tx: Tx, email: string, ip: string | null, success: boolean) {
  await tx.insert(loginAttempts).values({ email, ip, success });
}
