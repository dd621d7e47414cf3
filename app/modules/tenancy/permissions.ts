// Permissions are strings checked on the server and read by the UI to show or hide actions.
export const rolesByKind = {
  organization: ["owner", "admin", "editor", "finance", "viewer"],
  school: ["admin", "teacher"],
  committee: ["admin", "member"],
} as const;

export type TenantKind = keyof typeof rolesByKind;
export type MemberRole = (typeof rolesByKind)[TenantKind][number];

const grants: Record<TenantKind, Record<string, readonly string[]>> = {
  organization: {
    owner: ["workspace:read", "members:read", "members:invite", "audit:read"],
    admin: ["workspace:read", "members:read", "members:invite", "audit:read"],
    editor: ["workspace:read", "members:read"],
    finance: ["workspace:read", "members:read"],
    viewer: ["workspace:read"],
  },
  school: {
    admin: ["workspace:read", "members:read", "members:invite", "audit:read"],
    teacher: ["workspace:read", "members:read"],
  },
  committee: {
    admin: ["workspace:read", "members:read", "members:invite", "audit:read", "committee:supervise"],
    member: ["workspace:read", "members:read", "committee:supervise"],
  },
};

export type Permission =
  | "workspace:read"
  | "members:read"
  | "members:invite"
  | "audit:read"
  | "committee:supervise";

export function permissionsOf(kind: TenantKind, role: string): Permission[] {
  return [...(grants[kind][role] ?? [])] as Permission[];
}

export function can(kind: TenantKind, role: string, permission: Permission) {
  return permissionsOf(kind, role).includes(permission);
}

/** Roles a member with `role` may hand out by invitation: never above their own. */
export function invitableRoles(kind: TenantKind, role: string): MemberRole[] {
  const all = rolesByKind[kind] as readonly MemberRole[];
  const rank = all.indexOf(role as MemberRole);
  if (rank < 0 || !can(kind, role, "members:invite")) return [];
  return all.filter((r, i) => i >= rank && r !== "owner");
}
