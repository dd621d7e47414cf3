/**
 * Whether a statement goes to PostgreSQL as a named prepared statement (decision 015). postgres.js
 * sends an unnamed statement with parameters in two round trips (Parse/Describe, wait for the types,
 * then Bind/Execute); a named one is described once per connection and then costs one write, which
 * can share a socket write with the next statement. drizzle names only what `.prepare(name)` built,
 * so every statement paid two writes (about half of a page's writes). Statements with many parameters
 * (multi-row inserts, whose text changes with the row count) stay unnamed: the server keeps every
 * named statement until the connection is recycled, and for them one round trip more is nothing.
 */
export function preparesStatement(parameterCount: number) {
  return parameterCount > 0 && parameterCount <= 100;
}
