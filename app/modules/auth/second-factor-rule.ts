import type { MemberRole, TenantKind } from "~/modules/tenancy/permissions";

// Who must have a second factor (issue 14 item 6, decision 031): everyone of the committee (they set
// cost caps and notice periods for the whole market) and an organization's owners, admins and finance
// (they confirm payments and issue refunds). Kept apart from second-factor.server.ts so the request
// wrapper can ask without importing the auth flows.

/** Where a member who must enrol is sent, whatever they asked for. */
export const enrolmentPath = "/account/second-factor";

/** Where a password that matched asks for the second factor. */
export const secondFactorStepPath = "/login/second-factor";

export function requiresSecondFactor(kind: TenantKind, role: MemberRole) {
  if (kind === "committee") return true;
  return kind === "organization" && (role === "owner" || role === "admin" || role === "finance");
}
