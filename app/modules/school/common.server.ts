import { sql, type SQL } from "drizzle-orm";
import { translator } from "~/i18n/i18n";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp, keysetAfter } from "~/ui/keyset.server";

// What the school-side services share: typed refusals (4xx with field or form messages, nothing
// written: the wrapper rolls back) and the keyset page every list of this module uses (newest first).

export type Failure = { ok: false; status: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };
export type Result<T> = { ok: true; value: T } | Failure;

export function refuse(ctx: TenantContext, status: number, key: string, options?: Record<string, unknown>): Failure {
  return { ok: false, status, formErrors: [translator(ctx.locale)(key, options) as string] };
}

export function fieldError(ctx: TenantContext, field: string, key: string, options?: Record<string, unknown>): Failure {
  return { ok: false, status: 400, fieldErrors: { [field]: [translator(ctx.locale)(key, options) as string] } };
}

export const pageSize = 50;

/** Newest first by (created_at, id): the condition after a cursor, and the cursor's text column. */
export function newestFirst(createdAt: SQL | unknown, id: SQL | unknown, cursor: string | undefined) {
  const values = decodeCursor(cursor, [isTimestamp, isUuid]);
  const columns = [
    { expr: sql`${createdAt}`, dir: "desc" as const, cast: sql`timestamptz` },
    { expr: sql`${id}`, dir: "desc" as const, cast: sql`uuid` },
  ];
  return {
    after: values ? keysetAfter(columns, values) : undefined,
    order: [sql`${createdAt} desc`, sql`${id} desc`],
    cursorAt: cursorTime(createdAt),
  };
}

/** Rows of one page (asked for limit + 1) and the cursor of the next page, if any. */
export function pageOf<T extends { id: string; cursorAt: string }>(rows: T[], limit: number) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, nextCursor: more && last ? encodeCursor([last.cursorAt, last.id]) : null };
}
