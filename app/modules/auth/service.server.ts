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
import { hashPassword, verifyPassword } from "./password.server";
import { loginRetryAfter, recordLoginAttempt } from "./rate-limit.server";
import type { forgotPasswordSchema, loginSchema, resetPasswordSchema, signUpSchema } from "./schemas";
import { hashToken, newToken, sessionMaxAgeMs } from "./session.server";

// The auth flows run in the narrow `auth` scope (withAuthFlow, decision 021): users, sessions, resets
// and login attempts, nothing of any tenant. Whatever needs more (creating the tenant at sign-up)
// switches to the system scope explicitly, after the input was checked.

export type FieldErrors = Record<string, string[]>;
export type Result<T> = { ok: true; value: T } | { ok: false; status: number; fieldErrors?: FieldErrors; formErrors?: string[]; retryAfter?: number };

// Every column but password_hash: the app role may not read that column (passwordHashOf reads it).
const userColumns = { id: users.id, email: users.email, name: users.name, locale: users.locale, createdAt: users.createdAt };

export async function findUserByEmail(tx: Tx, email: string) {
  const [user] = await tx.select(userColumns).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`).limit(1);
  return user ?? null;
}

const noUser = "00000000-0000-0000-0000-000000000000";

/** The stored hash, through the one function that may read it (auth and system scopes only). */
async function passwordHashOf(tx: Tx, userId: string) {
  const [row] = rowsOf<{ hash: string | null }>(await tx.execute(sql`select login_password_hash(${userId}) as hash`));
  return row?.hash ?? null;
}

/** Opens a new session (a fresh token: the session is rotated at every login) and revokes the old one. */
export async function openSession(tx: Tx, ctx: RequestContext, userId: string, userAgent: string | null) {
  if (ctx.sessionTokenHash) {
    await tx.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.tokenHash, ctx.sessionTokenHash));
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

export async function signUp(tx: Tx, ctx: RequestContext, rescope: Rescope, input: z.infer<typeof signUpSchema>, userAgent: string | null) {
  const t = translator(ctx.locale);
  const fieldErrors: FieldErrors = {};
  // Sign-ups take turns, so two at once with the same slug get a field error, not a unique violation.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('xcert:signup'))`);
  // Sign-up creates a tenant, which only the system scope may: checked input from here on.
  await rescope({ role: "system" });
  if ((await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.slug)).limit(1)).length)
    fieldErrors.slug = [t("errors.slugTaken")];
  if ((await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.creditCode, input.creditCode)).limit(1)).length)
    fieldErrors.creditCode = [t("errors.creditCodeTaken")];
  if (await findUserByEmail(tx, input.email)) fieldErrors.email = [t("errors.emailTaken")];
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;

  const [user] = await tx
    .insert(users)
    .values({ email: input.email, name: input.name, passwordHash: await hashPassword(input.password), locale: ctx.locale })
    .returning({ id: users.id, email: users.email, name: users.name });
  const [tenant] = await tx
    .insert(tenants)
    .values({ kind: input.kind, slug: input.slug, name: input.tenantName, creditCode: input.creditCode })
    .returning();
  await rescope({ tenantId: tenant.id, tenantKind: tenant.kind, userId: user.id, role: "system" });
  const role = input.kind === "organization" ? "owner" : "admin";
  const [membership] = await tx.insert(memberships).values({ tenantId: tenant.id, userId: user.id, role }).returning();
  const actor = { ...ctx, user, role, tenant };
  await audit(tx, actor, { action: "tenant.create", entityType: "tenant", entityId: tenant.id, after: tenant });
  await audit(tx, actor, { action: "membership.create", entityType: "membership", entityId: membership.id, after: membership });
  await audit(tx, { ...ctx, user }, { action: "user.sign_up", entityType: "user", entityId: user.id, after: { email: user.email, name: user.name } });
  const token = await openSession(tx, ctx, user.id, userAgent);
  return { ok: true, value: { token, tenant } } as const;
}

export async function login(tx: Tx, ctx: RequestContext, rescope: Rescope, input: z.infer<typeof loginSchema>, userAgent: string | null) {
  const t = translator(ctx.locale);
  const retryAfter = await loginRetryAfter(tx, input.email, ctx.ip);
  if (retryAfter > 0) {
    await audit(tx, ctx, { action: "login.throttled", entityType: "user", after: { email: input.email } });
    return { ok: false, status: 429, retryAfter, formErrors: [t("errors.tooManyAttempts", { minutes: Math.ceil(retryAfter / 60) })] } as const;
  }
  const user = await findUserByEmail(tx, input.email);
  // Unknown email and wrong password: the same answer after the same statements and argon2 work.
  const passwordHash = await passwordHashOf(tx, user?.id ?? noUser);
  const ok = await verifyPassword(user ? passwordHash : null, input.password);
  await recordLoginAttempt(tx, input.email, ctx.ip, ok);
  if (!ok || !user) {
    await audit(tx, { ...ctx, user: user ? { id: user.id } : null }, { action: "login.failed", entityType: "user", entityId: user?.id, after: { email: input.email } });
    return { ok: false, status: 401, formErrors: [t("errors.badCredentials")] } as const;
  }
  const token = await openSession(tx, ctx, user.id, userAgent);
  await audit(tx, { ...ctx, user }, { action: "login.succeeded", entityType: "session", entityId: user.id });
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
  return { ok: true, value: { token, locale: user.locale, home } } as const;
}

export async function logout(tx: Tx, ctx: RequestContext) {
  if (!ctx.sessionTokenHash) return;
  await tx.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.tokenHash, ctx.sessionTokenHash));
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

export async function resetPassword(tx: Tx, ctx: RequestContext, token: string, input: z.infer<typeof resetPasswordSchema>) {
  const reset = await findPasswordReset(tx, token);
  if (!reset) return { ok: false, status: 410, formErrors: [translator(ctx.locale)("errors.resetLinkInvalid")] } as const;
  // Claimed only if still unused: two uses of one link at once get one success.
  const claimed = await tx
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.tokenHash, reset.tokenHash), isNull(passwordResets.usedAt)))
    .returning({ userId: passwordResets.userId });
  if (!claimed.length) return { ok: false, status: 410, formErrors: [translator(ctx.locale)("errors.resetLinkInvalid")] } as const;
  await tx.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, reset.userId));
  // The new password makes every other link mailed to the account useless too.
  await endPasswordResets(tx, reset.userId);
  // A reset ends every open session of the account.
  await tx.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.userId, reset.userId), isNull(sessions.revokedAt)));
  await audit(tx, { ...ctx, user: { id: reset.userId } }, { action: "password_reset.completed", entityType: "user", entityId: reset.userId });
  return { ok: true, value: null } as const;
}

export async function setUserLocale(tx: Tx, ctx: RequestContext, locale: string) {
  if (!ctx.user || ctx.user.locale === locale) return;
  await tx.update(users).set({ locale }).where(eq(users.id, ctx.user.id));
  await audit(tx, ctx, { action: "user.locale", entityType: "user", entityId: ctx.user.id, before: { locale: ctx.user.locale }, after: { locale } });
}
