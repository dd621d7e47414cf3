import { and, desc, eq, gt, isNull, like, ne, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { sessions, users } from "../../../db/schema";
import { env } from "~/env.server";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { RequestContext, UserContext } from "~/modules/tenancy/context.server";
import { authLimits, clearLimit, takeLimit } from "./limits.server";
import { endPasswordResets, passwordHashOf } from "./service.server";

// The signed-in user's own security: their sessions (F7, V7.5.2) and changing their password (F18).

/** A session's handle on the page: the first 16 hex digits of its stored hash (never the token). */
const handleOf = (tokenHash: string) => tokenHash.slice(0, 16);

/** The user's live sessions, newest use first: device (user agent), created, last seen. No addresses. */
export async function listMySessions(tx: Tx, ctx: UserContext) {
  const rows = await tx
    .select({ tokenHash: sessions.tokenHash, userAgent: sessions.userAgent, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, ctx.user.id),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${env().SESSION_IDLE_MINUTES})`),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt))
    .limit(100);
  return rows.map(({ tokenHash, ...row }) => ({ ...row, id: handleOf(tokenHash), current: tokenHash === ctx.sessionTokenHash }));
}

/** Ends one of the user's own sessions (this one too, if they choose it). */
export async function endMySession(tx: Tx, ctx: UserContext, handle: string) {
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, ctx.user.id), like(sessions.tokenHash, `${handle}%`), isNull(sessions.revokedAt)))
    .returning({ tokenHash: sessions.tokenHash });
  if (!ended.length) return { ok: false, status: 404, formErrors: [translator(ctx.locale)("errors.sessionNotFound")] } as const;
  await audit(tx, ctx, { action: "session.end", entityType: "session", entityId: ctx.user.id, after: { session: handle } });
  return { ok: true, value: { endedCurrent: ended.some((row) => row.tokenHash === ctx.sessionTokenHash) } } as const;
}

/**
 * Password change, step 1 (auth scope, its own transaction): the attempt counts against the account's
 * login delay (guessing the current password here is no cheaper than at /login), and the stored hash
 * is read for the route to verify outside any transaction.
 */
export async function beginPasswordChange(tx: Tx, ctx: RequestContext) {
  const t = translator(ctx.locale);
  if (!ctx.user) return { ok: false, status: 401, formErrors: [t("errors.signInAgain")] } as const;
  const taken = await takeLimit(tx, authLimits.loginAccount, ctx.user.email);
  if (!taken.ok)
    return { ok: false, status: 429, retryAfter: taken.retryAfter, formErrors: [t("errors.loginDelayed", { seconds: taken.retryAfter })] } as const;
  return { ok: true, value: { passwordHash: await passwordHashOf(tx, ctx.user.id) } } as const;
}

/** Step 2, the current password matched: the new hash, other sessions and reset links end (F18). */
export async function completePasswordChange(tx: Tx, ctx: RequestContext, passwordHash: string) {
  const t = translator(ctx.locale);
  if (!ctx.user || !ctx.sessionTokenHash) return { ok: false, status: 401, formErrors: [t("errors.signInAgain")] } as const;
  await tx.update(users).set({ passwordHash }).where(eq(users.id, ctx.user.id));
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, ctx.user.id), isNull(sessions.revokedAt), ne(sessions.tokenHash, ctx.sessionTokenHash)))
    .returning({ tokenHash: sessions.tokenHash });
  await endPasswordResets(tx, ctx.user.id);
  await clearLimit(tx, authLimits.loginAccount, ctx.user.email);
  await audit(tx, ctx, { action: "user.password_change", entityType: "user", entityId: ctx.user.id, after: { sessionsEnded: ended.length } });
  return { ok: true, value: { sessionsEnded: ended.length } } as const;
}
