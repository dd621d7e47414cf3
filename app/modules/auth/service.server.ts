import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { memberships, passwordResets, sessions, tenants, users } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { Rescope, RequestContext } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { appUrl } from "~/ui/url.server";
import { authLimits, clearLimit, releaseHits, takeLimit, takeLimits } from "./limits.server";
import { recordLoginAttempt } from "./rate-limit.server";
import { startLoginChallenge } from "./second-factor.server";
import type { forgotPasswordSchema, loginSchema } from "./schemas";
import { hashToken, newToken, sessionMaxAgeMs } from "./session.server";

// The auth flows run in the narrow `auth` scope (withAuthFlow, decision 021): users, sessions, resets
// and login attempts, nothing of any tenant. Whatever needs more (creating the tenant at sign-up)
// switches to the system scope explicitly, after the input was checked.

export type FieldErrors = Record<string, string[]>;
export type Result<T> = { ok: true; value: T } | { ok: false; status: number; fieldErrors?: FieldErrors; formErrors?: string[]; retryAfter?: number };

// Every column but password_hash: the app role may not read that column (passwordHashOf reads it).
const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  locale: users.locale,
  createdAt: users.createdAt,
  emailVerifiedAt: users.emailVerifiedAt,
};

export async function findUserByEmail(tx: Tx, email: string) {
  const [user] = await tx
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return user ?? null;
}

const noUser = "00000000-0000-0000-0000-000000000000";

/** The stored hash, through the one function that may read it (auth and system scopes only). */
export async function passwordHashOf(tx: Tx, userId: string) {
  const [row] = rowsOf<{ hash: string | null }>(await tx.execute(sql`select login_password_hash(${userId}) as hash`));
  return row?.hash ?? null;
}

/** Opens a new session (a fresh token: the session is rotated at every login) and revokes the old one. */
export async function openSession(tx: Tx, ctx: RequestContext, userId: string, userAgent: string | null) {
  if (ctx.sessionTokenHash) {
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(eq(sessions.tokenHash, ctx.sessionTokenHash));
  }
  const token = newToken();
  await tx.insert(sessions).values({
    tokenHash: hashToken(token),
    userId,
    expiresAt: new Date(Date.now() + sessionMaxAgeMs),
    ip: ctx.ip,
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

/** What the first step of a login found: the attempt counted, and the hash to verify outside any transaction. */
export interface LoginAttempt {
  email: string;
  user: { id: string; email: string; name: string; locale: string; emailVerifiedAt: Date | null } | null;
  passwordHash: string | null;
  ipHits: string[];
  redirectTo: string | undefined;
}

/**
 * Login, step 1 (its own short transaction, committed whatever the outcome): count the attempt against
 * the per-IP and per-account limits (atomically, F4 d) and read the hash. The route verifies the
 * password outside any transaction (argon2, F17), then calls finishLogin.
 */
export async function beginLogin(tx: Tx, ctx: RequestContext, input: z.infer<typeof loginSchema>) {
  const t = translator(ctx.locale);
  const ip = await takeLimits(tx, [{ limit: authLimits.loginIp, key: ctx.ip }]);
  const account = ip.ok ? await takeLimit(tx, authLimits.loginAccount, input.email) : null;
  if (!ip.ok || (account && !account.ok)) {
    if (ip.ok) await releaseHits(tx, ip.hits);
    const retryAfter = !ip.ok ? ip.retryAfter : account && !account.ok ? account.retryAfter : 1;
    await audit(tx, ctx, { action: "login.throttled", entityType: "user", after: { email: input.email, by: ip.ok ? "account" : "ip" } });
    const message = !ip.ok ? t("errors.tooManyAttempts", { minutes: Math.ceil(retryAfter / 60) }) : t("errors.loginDelayed", { seconds: retryAfter });
    return { ok: false, status: 429, retryAfter, formErrors: [message] } as const;
  }
  const user = await findUserByEmail(tx, input.email);
  // Unknown email and wrong password: the same statements here, the same argon2 work after.
  const passwordHash = await passwordHashOf(tx, user?.id ?? noUser);
  const attempt: LoginAttempt = { email: input.email, user, passwordHash: user ? passwordHash : null, ipHits: ip.hits, redirectTo: input.redirectTo };
  return { ok: true, value: attempt } as const;
}

/** Login, step 2: record the verified outcome; a success opens the session and clears the account's delay. */
export async function finishLogin(tx: Tx, ctx: RequestContext, rescope: Rescope, attempt: LoginAttempt, passwordOk: boolean, userAgent: string | null) {
  const t = translator(ctx.locale);
  const { user } = attempt;
  const ok = passwordOk && user !== null;
  await recordLoginAttempt(tx, attempt.email, ctx.ip, ok);
  if (!ok || !user) {
    await audit(
      tx,
      { ...ctx, user: user ? { id: user.id } : null },
      { action: "login.failed", entityType: "user", entityId: user?.id, after: { email: attempt.email } },
    );
    return { ok: false, status: 401, formErrors: [t("errors.badCredentials")] } as const;
  }
  // The right password of an account that never followed its sign-up link: no session until it does
  // (decision 041). Said only now, to whoever knows the password.
  if (!user.emailVerifiedAt) {
    await releaseHits(tx, attempt.ipHits);
    await audit(tx, { ...ctx, user: { id: user.id } }, { action: "login.unverified", entityType: "user", entityId: user.id });
    return { ok: false, status: 403, formErrors: [t("admission.signup.unverifiedLogin")] } as const;
  }
  // A success is no failure of its IP (its own hit goes back) but never erases the IP's other failures (F4 c).
  await releaseHits(tx, attempt.ipHits);
  await clearLimit(tx, authLimits.loginAccount, attempt.email);
  // An account with a second factor gets a challenge, not a session (decision 031).
  const challenge = await startLoginChallenge(tx, ctx, user.id, attempt.redirectTo);
  if (challenge) return { ok: true, value: { challenge } } as const;
  return { ok: true, value: await completeLogin(tx, ctx, rescope, { id: user.id, locale: user.locale }, userAgent) } as const;
}

/** The last step of a login (after the password, or after the second factor): the session and where to land. */
export async function completeLogin(
  tx: Tx,
  ctx: RequestContext,
  rescope: Rescope,
  user: { id: string; locale: string },
  userAgent: string | null,
  detail?: object,
) {
  const token = await openSession(tx, ctx, user.id, userAgent);
  await audit(tx, { ...ctx, user }, { action: "login.succeeded", entityType: "session", entityId: user.id, after: detail });
  // The password matched: the rest reads as this user (their own memberships), still not as system.
  await rescope({ userId: user.id, role: "auth" });
  const [first] = await tx
    .select({ slug: tenants.slug, kind: tenants.kind })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, user.id))
    .orderBy(memberships.createdAt)
    .limit(1);
  // Committee members supervise from /committee; everyone else starts in their first workspace.
  const home = !first ? "/workspaces" : first.kind === "committee" ? "/committee" : `/w/${first.slug}`;
  return { token, locale: user.locale, home };
}

/**
 * Sign-up and forgot-password are limited per IP and per email (F17). Counted in a transaction of its
 * own before the flow (a refused sign-up is rolled back, its hit must stay). Null when allowed.
 */
export async function limitAuthFlow(tx: Tx, ctx: RequestContext, flow: "signup" | "reset" | "resend", email: string) {
  const limits =
    flow === "signup"
      ? [authLimits.signUpIp, authLimits.signUpEmail]
      : flow === "resend"
        ? [authLimits.resendIp, authLimits.resendEmail]
        : [authLimits.resetIp, authLimits.resetEmail];
  const taken = await takeLimits(tx, [
    { limit: limits[0], key: ctx.ip },
    { limit: limits[1], key: email },
  ]);
  if (taken.ok) return null;
  await audit(tx, ctx, { action: "auth.throttled", entityType: "user", after: { email, flow } });
  const t = translator(ctx.locale);
  return {
    ok: false,
    status: 429,
    retryAfter: taken.retryAfter,
    formErrors: [t("errors.tooManyRequests", { minutes: Math.ceil(taken.retryAfter / 60) })],
  } as const;
}

export async function logout(tx: Tx, ctx: RequestContext) {
  if (!ctx.sessionTokenHash) return;
  await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(eq(sessions.tokenHash, ctx.sessionTokenHash));
  await audit(tx, ctx, { action: "logout", entityType: "session", entityId: ctx.user?.id });
}

const resetTtlMs = 60 * 60 * 1000;

/** Always answers the same way, whether or not the email has an account. */
export async function requestPasswordReset(tx: Tx, ctx: RequestContext, input: z.infer<typeof forgotPasswordSchema>) {
  const user = await findUserByEmail(tx, input.email);
  if (!user) {
    await audit(tx, ctx, { action: "password_reset.requested_unknown", entityType: "user", after: { email: input.email } });
    return;
  }
  // Only the newest link works: asking again ends the ones mailed before.
  await endPasswordResets(tx, user.id);
  const token = newToken();
  const expiresAt = new Date(Date.now() + resetTtlMs);
  await tx.insert(passwordResets).values({ tokenHash: hashToken(token), userId: user.id, expiresAt });
  const locale = ctx.locale;
  await enqueueEmail(tx, {
    template: "password-reset",
    to: user.email,
    locale,
    props: { name: user.name, resetUrl: appUrl(`/reset-password/${token}`), expiresAt: formatDateTime(expiresAt, locale) },
    meta: { userId: user.id },
  });
  await audit(tx, { ...ctx, user: { id: user.id } }, { action: "password_reset.requested", entityType: "user", entityId: user.id });
}

/** Ends every open reset link of the user: on a new request, and whenever the password changes. */
export async function endPasswordResets(tx: Tx, userId: string) {
  await tx
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

export async function findPasswordReset(tx: Tx, token: string) {
  const [row] = await tx
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
    .limit(1);
  return row ?? null;
}

/** The new password comes hashed: the route hashes it outside the transaction (F17). */
export async function resetPassword(tx: Tx, ctx: RequestContext, token: string, passwordHash: string) {
  const reset = await findPasswordReset(tx, token);
  if (!reset) return { ok: false, status: 410, formErrors: [translator(ctx.locale)("errors.resetLinkInvalid")] } as const;
  // Claimed only if still unused: two uses of one link at once get one success.
  const claimed = await tx
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.tokenHash, reset.tokenHash), isNull(passwordResets.usedAt)))
    .returning({ userId: passwordResets.userId });
  if (!claimed.length) return { ok: false, status: 410, formErrors: [translator(ctx.locale)("errors.resetLinkInvalid")] } as const;
  await tx.update(users).set({ passwordHash }).where(eq(users.id, reset.userId));
  // The reset link is how the owner gets past the account's login delay (F4 e).
  const [account] = await tx.select({ email: users.email }).from(users).where(eq(users.id, reset.userId)).limit(1);
  if (account) await clearLimit(tx, authLimits.loginAccount, account.email);
  // The new password makes every other link mailed to the account useless too.
  await endPasswordResets(tx, reset.userId);
  // A reset ends every open session of the account.
  await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, reset.userId), isNull(sessions.revokedAt)));
  await audit(tx, { ...ctx, user: { id: reset.userId } }, { action: "password_reset.completed", entityType: "user", entityId: reset.userId });
  return { ok: true, value: null } as const;
}

export async function setUserLocale(tx: Tx, ctx: RequestContext, locale: string) {
  if (!ctx.user || ctx.user.locale === locale) return;
  await tx.update(users).set({ locale }).where(eq(users.id, ctx.user.id));
  await audit(tx, ctx, { action: "user.locale", entityType: "user", entityId: ctx.user.id, before: { locale: ctx.user.locale }, after: { locale } });
}
