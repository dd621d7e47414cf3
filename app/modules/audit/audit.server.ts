import { and, desc, eq, lt } from "drizzle-orm";
import type { TFunction } from "i18next";
import type { Tx } from "../../../db/client.server";
import { accountAuditLog, auditLog, users } from "../../../db/schema";
import { auditActionLabel, auditEntityLabel, type AuditAction, type AuditEntityType } from "./actions";

export interface AuditActor {
  requestId: string;
  ip: string | null;
  user: { id: string } | null;
  role?: string;
  tenant?: { id: string };
}

export interface AuditEntry {
  /** Only a registered action (./actions.ts), so every one has its labels. */
  action: AuditAction;
  entityType: AuditEntityType;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Defaults to the actor's tenant; without one the entry goes to the account log. */
  tenantId?: string;
}

/** Every mutation calls this inside its own transaction: the entry and the change commit together. */
export async function audit(tx: Tx, actor: AuditActor, entry: AuditEntry) {
  const tenantId = entry.tenantId ?? actor.tenant?.id;
  if (tenantId) {
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId: actor.user?.id ?? null,
      actorRole: actor.role ?? null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: actor.requestId,
      ip: actor.ip,
    });
    return;
  }
  await tx.insert(accountAuditLog).values({
    userId: actor.user?.id ?? null,
    action: entry.action,
    detail: { entityType: entry.entityType, entityId: entry.entityId ?? null, before: entry.before ?? null, after: entry.after ?? null },
    requestId: actor.requestId,
    ip: actor.ip,
  });
}

export const auditPageSize = 50;

/** The tenant's audit trail, newest first, keyset-paginated by id. */
export async function listAudit(tx: Tx, tenantId: string, options: { before?: number; limit?: number } = {}) {
  const limit = options.limit ?? auditPageSize;
  const rows = await tx
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      actorRole: auditLog.actorRole,
      actorName: users.name,
      actorEmail: users.email,
      requestId: auditLog.requestId,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.tenantId, tenantId), options.before ? lt(auditLog.id, options.before) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextCursor: more ? String(page[page.length - 1].id) : null };
}

type AuditRow = Awaited<ReturnType<typeof listAudit>>["rows"][number];

/**
 * The rows as a page shows them: labels in the reader's language instead of the stored keys (which
 * stay out of the page and its data; the export has both), and who acted.
 */
export function auditRowsForDisplay(t: TFunction, rows: AuditRow[]) {
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actorName ?? (row.actorRole === "system" ? t("audit.system") : null),
    action: auditActionLabel(t, row.action),
    entity: auditEntityLabel(t, row.entityType),
  }));
}
