import { and, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { invitations, memberships } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "./context.server";
import { assignableRoles, outranks, type MemberRole } from "./permissions";
import type { memberActionSchema } from "./schemas";

// Revoking access (issue 14 item 5, F7): owners and admins remove members, change their roles and end
// their sessions; never above their own role, never the workspace's last owner nor its last manager
// (owner or admin), and only an owner touches an owner. The database holds the same rules
// (memberships_owner_guard, memberships_remain_managed, end_member_sessions; migrations 0022, 0026).
// A removed member's next request finds no membership: 404, and their import stream ends with it.

type Failure = { ok: false; status: number; formErrors?: string[]; fieldErrors?: Record<string, string[]> };

async function memberOf(tx: Tx, ctx: TenantContext, membershipId: string) {
  const [row] = await tx
    .select({ id: memberships.id, userId: memberships.userId, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, membershipId)))
    .limit(1);
  return row ?? null;
}

/** How many other members hold one of `roles`. */
async function othersWith(tx: Tx, ctx: TenantContext, membershipId: string, roles: MemberRole[]) {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.tenantId, ctx.tenant.id), ne(memberships.id, membershipId), inArray(memberships.role, roles)));
  return Number(row.n);
}

const managers: MemberRole[] = ["owner", "admin"];

/** Why the change would leave the workspace without an owner or without a manager, or null. */
async function leavesNoManager(tx: Tx, ctx: TenantContext, member: { id: string; role: MemberRole }, newRole: MemberRole | null) {
  const t = translator(ctx.locale);
  if (newRole === member.role || !managers.includes(member.role)) return null;
  if (member.role === "owner" && newRole !== "owner" && (await othersWith(tx, ctx, member.id, ["owner"])) === 0) return t("errors.lastOwner");
  if ((newRole === null || !managers.includes(newRole)) && (await othersWith(tx, ctx, member.id, managers)) === 0) return t("errors.lastAdmin");
  return null;
}

/** The member `ctx` may act on, or why not (404 unknown, 403 above the actor). */
async function checkTarget(
  tx: Tx,
  ctx: TenantContext,
  membershipId: string,
): Promise<Failure | { ok: true; member: NonNullable<Awaited<ReturnType<typeof memberOf>>> }> {
  const t = translator(ctx.locale);
  const member = await memberOf(tx, ctx, membershipId);
  if (!member) return { ok: false, status: 404, formErrors: [t("errors.memberNotFound")] };
  if (outranks(ctx.tenant.kind, member.role, ctx.role)) return { ok: false, status: 403, formErrors: [t("errors.memberAboveYou")] };
  return { ok: true, member };
}

export async function manageMember(tx: Tx, ctx: TenantContext, input: z.infer<typeof memberActionSchema>) {
  const t = translator(ctx.locale);
  const target = await checkTarget(tx, ctx, input.membershipId);
  if (!target.ok) return target;
  const { member } = target;

  if (input.intent === "end-sessions") {
    const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select end_member_sessions(${member.userId}) as n`));
    await audit(tx, ctx, {
      action: "membership.sessions_end",
      entityType: "membership",
      entityId: member.id,
      after: { userId: member.userId, ended: Number(row.n) },
    });
    return { ok: true, value: { ended: Number(row.n) } } as const;
  }

  // Never the last owner, never the last manager (the database holds the same: memberships_remain_managed).
  const lastOne = await leavesNoManager(tx, ctx, member, input.intent === "remove" ? null : (input.role as MemberRole));
  if (lastOne) return { ok: false, status: 400, formErrors: [lastOne] } as const;

  if (input.intent === "remove") {
    await tx.delete(memberships).where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, member.id)));
    await audit(tx, ctx, { action: "membership.remove", entityType: "membership", entityId: member.id, before: member });
    return { ok: true, value: { removed: member.id } } as const;
  }

  if (!(assignableRoles(ctx.tenant.kind, ctx.role) as readonly string[]).includes(input.role))
    return { ok: false, status: 400, fieldErrors: { role: [t("errors.roleNotAllowed")] } } as const;
  if (input.role === member.role) return { ok: true, value: { role: member.role } } as const;
  await tx
    .update(memberships)
    .set({ role: input.role as MemberRole })
    .where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, member.id)));
  await audit(tx, ctx, {
    action: "membership.role_change",
    entityType: "membership",
    entityId: member.id,
    before: { role: member.role },
    after: { role: input.role },
  });
  return { ok: true, value: { role: input.role } } as const;
}

/** Withdraws a pending invitation: its link answers 410 from now on. */
export async function revokeInvitation(tx: Tx, ctx: TenantContext, invitationId: string) {
  const t = translator(ctx.locale);
  const [invitation] = await tx
    .select({ id: invitations.id, email: invitations.email, role: invitations.role })
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, ctx.tenant.id),
        eq(invitations.id, invitationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  if (!invitation) return { ok: false, status: 404, formErrors: [t("errors.invitationNotPending")] } as const;
  // An admin withdraws what they could have sent: an owner invitation is the owner's.
  if (outranks(ctx.tenant.kind, invitation.role, ctx.role)) return { ok: false, status: 403, formErrors: [t("errors.memberAboveYou")] } as const;
  await tx
    .update(invitations)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(invitations.tenantId, ctx.tenant.id), eq(invitations.id, invitation.id)));
  await audit(tx, ctx, { action: "invitation.revoke", entityType: "invitation", entityId: invitation.id, before: invitation });
  return { ok: true, value: invitation } as const;
}
