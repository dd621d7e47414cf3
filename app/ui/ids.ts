/** A canonical UUID (what the database's uuid type accepts), checked before it reaches SQL. */
export function isUuid(value: string) {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** A workspace address as sign-up allows it. */
export function isSlug(value: string | undefined): value is string {
  return typeof value === "string" && /^[a-z0-9-]{1,80}$/.test(value);
}
