import { isSlug } from "~/ui/ids";
import { and, asc, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { invitations, memberships, users } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { acceptInvitationSchema } from "~/modules/auth/schemas";
import { findUserByEmail, openSession } from "~/modules/auth/service.server";
import { hashToken, newToken } from "~/modules/auth/session.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { formatDateTime } from "~/ui/format";
import { appUrl } from "~/ui/url.server";
import type { MyMembership, Rescope, RequestContext, TenantContext } from "./context.server";
import { invitableRoles, type MemberRole, type TenantKind } from "./permissions";
import type { inviteSchema } from "./schemas";

const invitationTtlMs = 7 * 24 * 60 * 60 * 1000;

/**
 * The workspaces the signed-in user belongs to, by name, as the pages list them: from the request's
 * session lookup (readVisitor, readUser), which already returns every membership.
 */
export function myTenants(memberOf: MyMembership[]) {
  return memberOf.map(({ tenant, role }) => ({ slug: tenant.slug, name: tenant.name, nameEn: tenant.nameEn, kind: tenant.kind, role }));
}

export function listMembers(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: memberships.id, role: memberships.role, createdAt: memberships.createdAt, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, ctx.tenant.id))
    .orderBy(asc(memberships.createdAt));
}

export function listPendingInvitations(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, createdAt: invitations.createdAt })
    .from(invitations)
    .where(and(eq(invitations.tenantId, ctx.tenant.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)))
    .orderBy(desc(invitations.createdAt));
}

export async function invite(tx: Tx, ctx: TenantContext, input: z.infer<typeof inviteSchema>) {
  const t = translator(ctx.locale);
  if (!invitableRoles(ctx.tenant.kind, ctx.role).includes(input.role as never))
    return { ok: false, status: 400, fieldErrors: { role: [t("errors.roleNotAllowed")] } } as const;
  const existing = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, ctx.tenant.id), sql`lower(${users.email}) = ${input.email}`))
    .limit(1);
  if (existing.length) return { ok: false, status: 400, fieldErrors: { email: [t("errors.alreadyMember")] } } as const;

  const token = newToken();
  const expiresAt = new Date(Date.now() + invitationTtlMs);
  const [invitation] = await tx
    .insert(invitations)
    .values({
      tenantId: ctx.tenant.id,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedByMembershipId: ctx.membershipId,
      expiresAt,
    })
    .returning();
  const locale = ctx.locale;
  const tl = translator(locale);
  await enqueueEmail(tx, {
    template: "invitation",
    to: input.email,
    locale,
    props: {
      tenantName: locale === "en" && ctx.tenant.nameEn ? ctx.tenant.nameEn : ctx.tenant.name,
      inviterName: ctx.user.name,
      roleLabel: tl(`roles.${input.role}`),
      acceptUrl: appUrl(`/join/${ctx.tenant.slug}/${token}`),
      expiresAt: formatDateTime(expiresAt, locale),
    },
    meta: { tenantId: ctx.tenant.id, invitationId: invitation.id },
  });
  const { tokenHash: _omit, ...safe } = invitation;
  await audit(tx, ctx, { action: "invitation.create", entityType: "invitation", entityId: invitation.id, after: safe });
  return { ok: true, value: invitation } as const;
}

interface OpenInvitation {
  tenant: { id: string; slug: string; kind: TenantKind; name: string; nameEn: string | null };
  invitation: { id: string; email: string; role: MemberRole };
}

/**
 * Finds an open invitation by its link, in the auth scope: open_invitation() matches the token without
 * any tenant scope (decision 021) and locks the invitation, so two acceptances of one link at once
 * take turns and the second finds it accepted. No tenant scope is set here.
 */
export async function findInvitation(tx: Tx, slug: string, token: string): Promise<OpenInvitation | null> {
  if (!isSlug(slug)) return null;
  const [row] = rowsOf<{
    tenantId: string;
    slug: string;
    kind: TenantKind;
    name: string;
    nameEn: string | null;
    invitationId: string;
    email: string;
    role: MemberRole;
  }>(
    await tx.execute(
      sql`select tenant_id as "tenantId", tenant_slug as slug, tenant_kind as kind, tenant_name as name, tenant_name_en as "nameEn",
        invitation_id as "invitationId", email, role from open_invitation(${slug}, ${hashToken(token)})`,
    ),
  );
  if (!row) return null;
  return {
    tenant: { id: row.tenantId, slug: row.slug, kind: row.kind, name: row.name, nameEn: row.nameEn },
    invitation: { id: row.invitationId, email: row.email, role: row.role },
  };
}

export async function acceptInvitation(
  tx: Tx,
  ctx: RequestContext,
  rescope: Rescope,
  slug: string,
  token: string,
  input: z.infer<typeof acceptInvitationSchema>,
  userAgent: string | null,
  /** A new account's password, hashed by the route outside the transaction (F17). */
  passwordHash: string | null = null,
) {
  const t = translator(ctx.locale);
  const found = await findInvitation(tx, slug, token);
  if (!found) return { ok: false, status: 410, formErrors: [t("errors.invitationInvalid")] } as const;
  const { tenant, invitation } = found;

  let userId: string;
  let sessionToken: string | null = null;
  if (input.intent === "join") {
    // An existing account joins: it must be the invited address, signed in.
    if (!ctx.user || ctx.user.email.toLowerCase() !== invitation.email.toLowerCase())
      return { ok: false, status: 403, formErrors: [t("errors.invitationOtherAccount")] } as const;
    userId = ctx.user.id;
  } else {
    if (await findUserByEmail(tx, invitation.email)) return { ok: false, status: 400, formErrors: [t("errors.invitationLogInFirst")] } as const;
    if (!passwordHash) throw new Error("acceptInvitation: a new account needs its password hashed first");
    const [user] = await tx.insert(users).values({ email: invitation.email, name: input.name, passwordHash, locale: ctx.locale }).returning({ id: users.id });
    userId = user.id;
    await audit(
      tx,
      { ...ctx, user },
      { action: "user.sign_up", entityType: "user", entityId: user.id, after: { email: invitation.email, name: input.name, via: "invitation" } },
    );
    sessionToken = await openSession(tx, ctx, user.id, userAgent);
  }
  // The link matched and the account is checked or created: creating the membership and closing the
  // invitation is the one step that needs the system scope, inside the inviting tenant.
  await rescope({ tenantId: tenant.id, tenantKind: tenant.kind, userId, role: "system" });
  const existing = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, userId)))
    .limit(1);
  if (existing.length) return { ok: false, status: 400, formErrors: [t("errors.alreadyMember")] } as const;
  const [membership] = await tx.insert(memberships).values({ tenantId: tenant.id, userId, role: invitation.role }).returning();
  await tx
    .update(invitations)
    .set({ acceptedAt: sql`now()` })
    .where(and(eq(invitations.tenantId, tenant.id), eq(invitations.id, invitation.id)));
  const actor = { ...ctx, user: { id: userId }, role: invitation.role, tenant };
  await audit(tx, actor, { action: "invitation.accept", entityType: "invitation", entityId: invitation.id });
  await audit(tx, actor, { action: "membership.create", entityType: "membership", entityId: membership.id, after: membership });
  return { ok: true, value: { tenant, sessionToken } } as const;
}
