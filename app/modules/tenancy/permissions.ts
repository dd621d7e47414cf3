// Permissions are strings checked on the server (withTenant) and read by the UI to show or hide
// actions. Each capability adds its permissions here, naming the roles of each tenant kind that hold them.
export const rolesByKind = {
  organization: ["owner", "admin", "editor", "finance", "viewer"],
  school: ["admin", "teacher"],
  committee: ["admin", "member"],
} as const;

export type TenantKind = keyof typeof rolesByKind;
export type MemberRole = (typeof rolesByKind)[TenantKind][number];

const everyone = { organization: rolesByKind.organization, school: rolesByKind.school, committee: rolesByKind.committee };
const admins = { organization: ["owner", "admin"], school: ["admin"], committee: ["admin"] } as const;

const grants = {
  "workspace:read": everyone,
  // The shared course library (/library): shared items of every organization, for every member.
  "library:read": everyone,
  "members:read": { organization: ["owner", "admin", "editor", "finance"], school: rolesByKind.school, committee: rolesByKind.committee },
  "members:invite": admins,
  // Remove members, change roles, end their sessions, withdraw invitations (issue 14 item 5).
  "members:manage": admins,
  "audit:read": admins,
  "committee:supervise": { committee: rolesByKind.committee },
  "certificates:read": { organization: rolesByKind.organization },
  "certificates:write": { organization: ["owner", "admin", "editor"] },
  // The exam pool with its answers (教考分离): those who write it, not finance or viewers (F27).
  "exam:read": { organization: ["owner", "admin", "editor"] },
  "fees:read": { organization: rolesByKind.organization },
  "fees:publish": { organization: ["owner", "admin", "finance"] },
  "orders:read": { organization: ["owner", "admin", "finance"], school: rolesByKind.school },
  "orders:create": { school: ["admin"] },
  "payments:confirm": { organization: ["owner", "admin", "finance"] },
  "payments:setup": { organization: ["owner", "admin", "finance"] },
  "committee:settings": { committee: ["admin"] },
  "committee:audit": { committee: rolesByKind.committee },
  // Trainers and examiners are people: owner and admin keep the register, editors read it (issue 16).
  "credentials:read": { organization: ["owner", "admin", "editor"] },
  "credentials:write": { organization: ["owner", "admin"] },
  // Exam sites: the organization's register; a school admin proposes hosting one.
  "sites:read": { organization: ["owner", "admin", "editor"], school: ["admin"] },
  "sites:propose": { school: ["admin"] },
  // Teacher-training sessions (issue 16 item 9): the organization's register; every school member reads, the admin enrols.
  "training:read": { organization: ["owner", "admin", "editor"], school: rolesByKind.school },
  "training:enrol": { school: ["admin"] },
  // The school side (issue 15): every member reads; teachers propose, map and report; the admin
  // (the academic office) manages majors, approves adoptions, files and records credit rules.
  "school:read": { school: rolesByKind.school },
  "school:contribute": { school: ["admin", "teacher"] },
  "school:manage": { school: ["admin"] },
  "credit_rules:read": { organization: rolesByKind.organization, school: rolesByKind.school },
  "credit_rules:write": { organization: ["owner", "admin", "editor"], school: ["admin"] },
  "committee:review": { committee: rolesByKind.committee },
  // Issue 17: the committee's admin decides evaluations and typical cases; members score. Schools and
  // organizations submit typical cases.
  "committee:decide": { committee: ["admin"] },
  "typical_cases:submit": { school: ["admin", "teacher"], organization: ["owner", "admin", "editor"] },
  // What the committee disclosed about reports naming the organization (never who reported).
  "violation_findings:read": { organization: rolesByKind.organization },
  // Admission (§二.2, decision 042): every committee member reads the filings; the admin decides.
  "committee:admit": { committee: ["admin"] },
} satisfies Record<string, Partial<Record<TenantKind, readonly string[]>>>;

export type Permission = keyof typeof grants;

export function can(kind: TenantKind, role: string, permission: Permission): boolean {
  const roles = (grants[permission] as Partial<Record<TenantKind, readonly string[]>>)[kind];
  return roles?.includes(role) ?? false;
}

export function permissionsOf(kind: TenantKind, role: string): Permission[] {
  return (Object.keys(grants) as Permission[]).filter((permission) => can(kind, role, permission));
}

/** Roles a member with `role` may hand out by invitation: never above their own, never owner. */
export function invitableRoles(kind: TenantKind, role: string): MemberRole[] {
  const all = rolesByKind[kind] as readonly MemberRole[];
  const rank = all.indexOf(role as MemberRole);
  if (rank < 0 || !can(kind, role, "members:invite")) return [];
  return all.filter((r, i) => i >= rank && r !== "owner");
}

/** Whether `role` ranks above `actor` (the first roles of rolesByKind rank highest). */
export function outranks(kind: TenantKind, role: string, actor: string): boolean {
  const all = rolesByKind[kind] as readonly string[];
  return all.indexOf(role) < all.indexOf(actor);
}

/** Roles a manager may give an existing member: never above their own; only an owner makes an owner. */
export function assignableRoles(kind: TenantKind, role: string): MemberRole[] {
  const all = rolesByKind[kind] as readonly MemberRole[];
  const rank = all.indexOf(role as MemberRole);
  if (rank < 0 || !can(kind, role, "members:manage")) return [];
  return all.filter((_, i) => i >= rank);
}
