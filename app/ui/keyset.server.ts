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

/** A sort column for a keyset with mixed directions; `cast` types the cursor's text value. */
export interface KeysetColumn {
  expr: SQL;
  dir: "asc" | "desc";
  cast?: SQL;
}

export function keysetOrder(columns: KeysetColumn[]): SQL {
  return sql.join(
    columns.map((c) => sql`${c.expr} ${sql.raw(c.dir)}`),
    sql`, `,
  );
}

/** Rows after the cursor's values in the columns' order: (a > x) or (a = x and (b < y or …)). */
export function keysetAfter(columns: KeysetColumn[], values: string[]): SQL {
  const [first, ...rest] = columns;
  const value = first.cast ? sql`${values[0]}::${first.cast}` : sql`${values[0]}`;
  const beyond = first.dir === "asc" ? sql`${first.expr} > ${value}` : sql`${first.expr} < ${value}`;
  return rest.length ? sql`(${beyond} or (${first.expr} = ${value} and ${keysetAfter(rest, values.slice(1))}))` : beyond;
}
