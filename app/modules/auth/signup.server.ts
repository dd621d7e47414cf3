import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { memberships, signupVerifications, tenantAdmissions, tenants, users } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { Rescope, RequestContext } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { appUrl } from "~/ui/url.server";
import type { signUpSchema } from "./schemas";
import { findUserByEmail, openSession, type FieldErrors } from "./service.server";
import { hashToken, newToken } from "./session.server";

// Sign-up in two steps (decision 041). The form records the account unverified and what it collected
// about the organization or school, and mails a link; only that link (single use, 24 h, the newest
// one alone) creates the tenant, pending admission by the committee (decision 042). The form answers
// the same whether or not the address has an account: an existing account gets a notice instead.

export const verificationTtlMs = 24 * 60 * 60 * 1000;

type SignUpInput = z.infer<typeof signUpSchema>;

/** Whether a slug or credit code is held by a tenant, or by another account's sign-up still waiting. */
async function holdsOf(tx: Tx, input: Pick<SignUpInput, "slug" | "creditCode">, exceptUserId?: string) {
  const waiting = (column: typeof signupVerifications.slug | typeof signupVerifications.creditCode, value: string) =>
    tx
      .select({ one: sql<number>`1` })
      .from(signupVerifications)
      .where(
        and(
          eq(column, value),
          isNull(signupVerifications.usedAt),
          gt(signupVerifications.expiresAt, sql`now()`),
          exceptUserId ? ne(signupVerifications.userId, exceptUserId) : undefined,
        ),
      )
      .limit(1);
  const [slugTenant, codeTenant, slugWaiting, codeWaiting] = await Promise.all([
    tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.slug)).limit(1),
    tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.creditCode, input.creditCode)).limit(1),
    waiting(signupVerifications.slug, input.slug),
    waiting(signupVerifications.creditCode, input.creditCode),
  ]);
  return { slug: slugTenant.length > 0 || slugWaiting.length > 0, creditCode: codeTenant.length > 0 || codeWaiting.length > 0 };
}

/** Ends every open link of the account: a new one is the only one that works. */
async function endVerifications(tx: Tx, userId: string) {
  await tx
    .update(signupVerifications)
    .set({ usedAt: sql`now()` })
    .where(and(eq(signupVerifications.userId, userId), isNull(signupVerifications.usedAt)));
}

async function mailVerification(
  tx: Tx,
  ctx: RequestContext,
  user: { id: string; email: string; name: string },
  details: Omit<typeof signupVerifications.$inferInsert, "tokenHash" | "userId" | "expiresAt">,
) {
  await endVerifications(tx, user.id);
  const token = newToken();
  const expiresAt = new Date(Date.now() + verificationTtlMs);
  await tx.insert(signupVerifications).values({ ...details, tokenHash: hashToken(token), userId: user.id, expiresAt });
  await enqueueEmail(tx, {
    template: "signup-verification",
    to: user.email,
    locale: ctx.locale,
    props: { name: user.name, tenantName: details.tenantName, verifyUrl: appUrl(`/signup/verify/${token}`), expiresAt: formatDateTime(expiresAt, ctx.locale) },
    meta: { userId: user.id },
  });
}

async function mailAccountExists(tx: Tx, ctx: RequestContext, user: { id: string; email: string; name: string; locale: string }) {
  await enqueueEmail(tx, {
    template: "signup-account-exists",
    to: user.email,
    locale: ctx.locale,
    props: { name: user.name, loginUrl: appUrl("/login"), resetUrl: appUrl("/forgot-password") },
    meta: { userId: user.id },
  });
}

/**
 * Step 1, in the auth scope, the password hashed by the route outside the transaction (F17). Field
 * errors only for what the form itself got wrong or what is public anyway (a slug or credit code in
 * use); never for the email.
 */
export async function startSignUp(tx: Tx, ctx: RequestContext, input: SignUpInput, passwordHash: string) {
  const t = translator(ctx.locale);
  // Sign-ups take turns, so two at once with the same slug get a field error, not a unique violation.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('xcert:signup'))`);
  const existing = await findUserByEmail(tx, input.email);
  const held = await holdsOf(tx, input, existing?.id);
  const fieldErrors: FieldErrors = {};
  if (held.slug) fieldErrors.slug = [t("errors.slugTaken")];
  if (held.creditCode) fieldErrors.creditCode = [t("errors.creditCodeTaken")];
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;

  if (existing) {
    // The same answer as a new account; the owner of the address learns someone tried.
    await mailAccountExists(tx, ctx, existing);
    await audit(tx, ctx, { action: "user.sign_up_existing", entityType: "user", entityId: existing.id, after: { email: input.email } });
    return { ok: true, value: null } as const;
  }
  const [user] = await tx
    .insert(users)
    .values({ email: input.email, name: input.name, passwordHash, locale: ctx.locale, emailVerifiedAt: null })
    .returning({ id: users.id, email: users.email, name: users.name });
  await mailVerification(tx, ctx, user, {
    kind: input.kind,
    tenantName: input.tenantName,
    slug: input.slug,
    creditCode: input.creditCode,
    businessScope: input.businessScope,
    proposedCertificates: input.proposedCertificates,
  });
  await audit(
    tx,
    { ...ctx, user },
    { action: "user.sign_up", entityType: "user", entityId: user.id, after: { email: user.email, name: user.name, kind: input.kind, slug: input.slug } },
  );
  return { ok: true, value: null } as const;
}

/**
 * "Send the link again": a new link with the details of the newest sign-up of an unverified account
 * (the older links end); a verified account gets the notice. The same answer for any address.
 */
export async function resendVerification(tx: Tx, ctx: RequestContext, email: string) {
  const user = await findUserByEmail(tx, email);
  if (!user) {
    await audit(tx, ctx, { action: "user.verification_resend_unknown", entityType: "user", after: { email } });
    return;
  }
  if (user.emailVerifiedAt) {
    await mailAccountExists(tx, ctx, user);
  } else {
    const [last] = await tx
      .select()
      .from(signupVerifications)
      .where(eq(signupVerifications.userId, user.id))
      .orderBy(desc(signupVerifications.createdAt))
      .limit(1);
    if (!last) return;
    const { kind, tenantName, slug, creditCode, businessScope, proposedCertificates } = last;
    await mailVerification(tx, ctx, user, { kind, tenantName, slug, creditCode, businessScope, proposedCertificates });
  }
  await audit(tx, { ...ctx, user: { id: user.id } }, { action: "user.verification_resent", entityType: "user", entityId: user.id });
}

/** The sign-up a link opens, if the link still works (unused, unexpired, the account's newest). */
export async function findVerification(tx: Tx, token: string) {
  const [row] = await tx
    .select({
      tokenHash: signupVerifications.tokenHash,
      userId: signupVerifications.userId,
      kind: signupVerifications.kind,
      tenantName: signupVerifications.tenantName,
      slug: signupVerifications.slug,
      creditCode: signupVerifications.creditCode,
      businessScope: signupVerifications.businessScope,
      proposedCertificates: signupVerifications.proposedCertificates,
      email: users.email,
    })
    .from(signupVerifications)
    .innerJoin(users, eq(users.id, signupVerifications.userId))
    .where(and(eq(signupVerifications.tokenHash, hashToken(token)), isNull(signupVerifications.usedAt), gt(signupVerifications.expiresAt, sql`now()`)))
    .limit(1);
  return row ?? null;
}

/**
 * Step 2: the link, claimed once, verifies the address and creates the tenant (pending admission),
 * the membership and the filing; the new owner is logged in.
 */
export async function completeSignUp(tx: Tx, ctx: RequestContext, rescope: Rescope, token: string, userAgent: string | null) {
  const t = translator(ctx.locale);
  const invalid = { ok: false, status: 410, formErrors: [t("admission.verify.invalid")] } as const;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('xcert:signup'))`);
  const found = await findVerification(tx, token);
  if (!found) return invalid;
  // Claimed only if still unused: two uses of one link at once get one success.
  const claimed = await tx
    .update(signupVerifications)
    .set({ usedAt: sql`now()` })
    .where(and(eq(signupVerifications.tokenHash, found.tokenHash), isNull(signupVerifications.usedAt)))
    .returning({ userId: signupVerifications.userId });
  if (!claimed.length) return invalid;
  const held = await holdsOf(tx, found, found.userId);
  if (held.slug || held.creditCode) return { ok: false, status: 409, formErrors: [t("admission.verify.taken")] } as const;
  const [verified] = await tx
    .update(users)
    .set({ emailVerifiedAt: sql`now()` })
    .where(eq(users.id, found.userId))
    .returning({ id: users.id, email: users.email, name: users.name, locale: users.locale });
  await endVerifications(tx, found.userId);
  // Creating a tenant is the system scope's alone (decision 019): the link was checked above.
  await rescope({ role: "system" });
  const [tenant] = await tx.insert(tenants).values({ kind: found.kind, slug: found.slug, name: found.tenantName, creditCode: found.creditCode }).returning();
  await rescope({ tenantId: tenant.id, tenantKind: tenant.kind, userId: verified.id, role: "system" });
  const role = found.kind === "organization" ? "owner" : "admin";
  const [membership] = await tx.insert(memberships).values({ tenantId: tenant.id, userId: verified.id, role }).returning();
  const [filing] = await tx
    .insert(tenantAdmissions)
    .values({
      tenantId: tenant.id,
      creditCode: found.creditCode,
      businessScope: found.businessScope,
      proposedCertificates: found.proposedCertificates,
      filedByUserId: verified.id,
    })
    .returning();
  const actor = { ...ctx, user: verified, role, tenant };
  await audit(tx, { ...ctx, user: verified }, { action: "user.email_verified", entityType: "user", entityId: verified.id, after: { email: verified.email } });
  await audit(tx, actor, { action: "tenant.create", entityType: "tenant", entityId: tenant.id, after: tenant });
  await audit(tx, actor, { action: "membership.create", entityType: "membership", entityId: membership.id, after: membership });
  await audit(tx, actor, { action: "admission.file", entityType: "tenant_admission", entityId: filing.id, after: filing });
  const sessionToken = await openSession(tx, ctx, verified.id, userAgent);
  return { ok: true, value: { token: sessionToken, tenant } } as const;
}
