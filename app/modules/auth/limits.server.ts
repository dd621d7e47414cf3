import { and, eq, lt, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { rateLimitHits } from "../../../db/schema";

// Rate limits counted in PostgreSQL (every app instance enforces the same count), one row per counted
// attempt in rate_limit_hits. A key's count and its new row are read and written under one
// transaction-scoped advisory lock on (kind, key): parallel attempts take turns, so none can race past
// the limit (F4 d). Take the limit in a short transaction of its own, before slow work (argon2) and
// committed whatever the outcome, so the hit is counted and the lock released at once.

/** A fixed-window limit: at most `max` counted attempts per `windowSeconds` for one key of `kind`. */
export interface WindowLimit {
  kind: string;
  windowSeconds: number;
  max: number;
}

/**
 * A growing delay (per account): the first `free` counted attempts go at once; after that each must
 * wait `baseSeconds · 2^(n − free)` (at most `maxSeconds`) after the previous one. No hard lockout:
 * the owner gets in after the delay, or at once through a password reset (which clears the key).
 */
export interface BackoffLimit {
  kind: string;
  windowSeconds: number;
  free: number;
  baseSeconds: number;
  maxSeconds: number;
}

export type Limit = WindowLimit | BackoffLimit;

// The limits of the auth flows. Login: failures per IP (a success gives its own hit back but never
// resets the others, F4 c) and a per-account delay; sign-up and forgot-password per IP and per email (F17).
export const authLimits = {
  loginIp: { kind: "login.ip", windowSeconds: 15 * 60, max: 20 },
  loginAccount: { kind: "login.account", windowSeconds: 24 * 60 * 60, free: 5, baseSeconds: 15, maxSeconds: 30 * 60 },
  signUpIp: { kind: "signup.ip", windowSeconds: 60 * 60, max: 10 },
  signUpEmail: { kind: "signup.email", windowSeconds: 60 * 60, max: 3 },
  resetIp: { kind: "reset.ip", windowSeconds: 60 * 60, max: 10 },
  resetEmail: { kind: "reset.email", windowSeconds: 60 * 60, max: 3 },
  // "Send the verification link again" (decision 041): per IP and per email, like forgot-password.
  resendIp: { kind: "signup-resend.ip", windowSeconds: 60 * 60, max: 10 },
  resendEmail: { kind: "signup-resend.email", windowSeconds: 60 * 60, max: 3 },
} as const satisfies Record<string, Limit>;

export type Taken = { ok: true; hitId: string } | { ok: false; retryAfter: number };

const isBackoff = (limit: Limit): limit is BackoffLimit => "free" in limit;

/** The wait a backoff limit asks for after `count` counted attempts, in seconds. */
export function backoffSeconds(limit: BackoffLimit, count: number) {
  if (count < limit.free) return 0;
  return Math.min(limit.maxSeconds, limit.baseSeconds * 2 ** (count - limit.free));
}

/**
 * Counts one attempt for `key` under `limit`, or refuses it with the seconds until one may be tried.
 * Runs in the auth or system scope (rate_limit_hits is theirs only).
 */
export async function takeLimit(tx: Tx, limit: Limit, key: string): Promise<Taken> {
  const normalized = key.trim().toLowerCase();
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${limit.kind}|${normalized}`}, 0))`);
  // Hits older than the window count for nothing: dropped as the key is used again.
  await tx
    .delete(rateLimitHits)
    .where(
      and(
        eq(rateLimitHits.kind, limit.kind),
        eq(rateLimitHits.key, normalized),
        lt(rateLimitHits.at, sql`now() - make_interval(secs => ${limit.windowSeconds})`),
      ),
    );
  const [state] = rowsOf<{ n: number; oldest: number | null; newest: number | null; now: number }>(
    await tx.execute(sql`select count(*)::int as n,
        extract(epoch from min(at))::float8 as oldest, extract(epoch from max(at))::float8 as newest,
        extract(epoch from now())::float8 as now
      from rate_limit_hits where kind = ${limit.kind} and key = ${normalized}`),
  );
  const count = Number(state.n);
  let retryAfter = 0;
  if (isBackoff(limit)) {
    const wait = backoffSeconds(limit, count);
    if (wait > 0 && state.newest !== null) retryAfter = Number(state.newest) + wait - Number(state.now);
  } else if (count >= limit.max && state.oldest !== null) {
    retryAfter = Number(state.oldest) + limit.windowSeconds - Number(state.now);
  }
  if (retryAfter > 0) return { ok: false, retryAfter: Math.ceil(retryAfter) };
  const [hit] = await tx.insert(rateLimitHits).values({ kind: limit.kind, key: normalized }).returning({ id: rateLimitHits.id });
  return { ok: true, hitId: hit.id };
}

/**
 * Takes several limits for one attempt (e.g. per IP and per email): all or none. Refused, the hits
 * already taken are given back and the answer is the longest wait. Keys that are null are skipped.
 */
export async function takeLimits(
  tx: Tx,
  checks: { limit: Limit; key: string | null }[],
): Promise<{ ok: true; hits: string[] } | { ok: false; retryAfter: number }> {
  const hits: string[] = [];
  for (const check of checks) {
    if (!check.key) continue;
    const taken = await takeLimit(tx, check.limit, check.key);
    if (!taken.ok) {
      await releaseHits(tx, hits);
      return taken;
    }
    hits.push(taken.hitId);
  }
  return { ok: true, hits };
}

/** Gives counted attempts back (a login that succeeded is no failure). Never touches other hits. */
export async function releaseHits(tx: Tx, hitIds: string[]) {
  for (const id of hitIds) await tx.delete(rateLimitHits).where(eq(rateLimitHits.id, id));
}

/** Clears every hit of a key: the account's delay starts over after a success or a password reset. */
export async function clearLimit(tx: Tx, limit: Limit, key: string) {
  await tx.delete(rateLimitHits).where(and(eq(rateLimitHits.kind, limit.kind), eq(rateLimitHits.key, key.trim().toLowerCase())));
}

/**
 * The hits no limit looks back at any more (older than the longest window, the login account's day).
 * Each limit purges its own key's old hits when that key comes back; a key that never returns (a crawl
 * of /verify from many addresses, a burst of sign-ups) would keep its rows for good without this daily
 * pass (app/modules/jobs/scheduler.server.ts). The database's clock, as every limit counts by it.
 */
export async function purgeExpiredHits(tx: Tx) {
  const longest = Math.max(...Object.values(authLimits).map((limit) => limit.windowSeconds));
  await tx.delete(rateLimitHits).where(lt(rateLimitHits.at, sql`now() - make_interval(secs => ${longest})`));
}
