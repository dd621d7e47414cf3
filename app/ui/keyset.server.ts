import { sql, type SQL } from "drizzle-orm";

// Keyset pagination cursors: the sort key of the last row, base64url JSON. A timestamp goes into a
// cursor as PostgreSQL's own microseconds: a JS Date keeps milliseconds, so a cursor made from one
// skips rows that share the millisecond (every row of one bulk import shares its now()).

/** A timestamptz as an exact, ISO-shaped text (UTC, microseconds) for a cursor. */
export function cursorTime(column: SQL | SQL.Aliased | unknown): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(values: string[]) {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** The cursor's values when it has `length` strings and each passes its check; otherwise null. */
export function decodeCursor(cursor: string | undefined, checks: ((value: string) => boolean)[]): string[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    return Array.isArray(values) && values.length === checks.length && values.every((v, i) => typeof v === "string" && checks[i](v)) ? values : null;
  } catch {
    return null;
  }
}

export const isTimestamp = (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(value) && !Number.isNaN(Date.parse(value));
export const anyString = () => true;
