import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { and, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Tx } from "../../../db/client.server";
import { memberships, sessions, tenants, users } from "../../../db/schema";
import { env } from "~/env.server";
import { getLocale, type Locale } from "~/i18n/locale.server";
import { isSlug } from "~/ui/ids";
import { hashToken, readSessionToken } from "../auth/session.server";
import { can, permissionsOf, type MemberRole, type Permission, type TenantKind } from "./permissions";
import { isDatabaseUnavailable, serviceUnavailable } from "./unavailable.server";

// The one way a request reaches the database: resolve user, tenant and role, open the transaction
// that sets them for row-level security, and hand the scoped `tx` to the domain call. Nothing else
// opens a transaction. Return redirects from `fn`; a thrown Response rolls the transaction back.

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  locale: string;
}

export interface CurrentTenant {
  id: string;
  slug: string;
  kind: TenantKind;
  name: string;
  nameEn: string | null;
}

export interface RequestContext {
  requestId: string;
  ip: string | null;
  locale: Locale;
  user: CurrentUser | null;
  sessionTokenHash: string | null;
}

export interface UserContext extends RequestContext {
  user: CurrentUser;
}

export interface TenantContext extends UserContext {
  tenant: CurrentTenant;
  membershipId: string;
  role: MemberRole;
  permissions: Permission[];
}

type Scope = { tenantId?: string | null; tenantKind?: string | null; userId?: string | null; role: string };

function scopeSettings(scope: Scope) {
  return sql`
    set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
    set_config('app.tenant_kind', ${scope.tenantKind ?? ""}, true),
    set_config('app.user_id', ${scope.userId ?? ""}, true),
    set_config('app.role', ${scope.role}, true)`;
}

/** Sets the row-level-security scope of the current transaction (all settings are transaction-local). */
export async function setScope(tx: Tx, scope: Scope) {
  await tx.execute(sql`select ${scopeSettings(scope)}`);
}

// The first statement of every transaction: the query role and the scope in one round trip.
// set_config('role', …, true) is what `set local role` does (and is checked the same way). JIT off:
// a request's queries run in milliseconds, and compiling them (PostgreSQL turns JIT on by cost, which
// the cross-tenant fee pages reach) took 40–90 ms on the benchmark's data.
async function enterScope(tx: Tx, scope: Scope) {
  await tx.execute(sql`select set_config('role', 'app_user', true), set_config('jit', 'off', true), ${scopeSettings(scope)}`);
}

class RollbackWith {
  constructor(readonly response: Response) {}
}

export interface TransactionOptions {
  /** Commit even when `fn` answers 4xx/5xx: only login, whose failed attempts must be counted. */
  keepWritesOnFailure?: boolean;
}

/**
 * One transaction per request. A 4xx/5xx Response returned by `fn` rolls everything back, so a
 * rejected submission never leaves a partial write behind. A database out of reach becomes a thrown
 * 503 (Retry-After, no driver details), whichever route asked.
 */
export async function transaction<T>(scope: Scope, fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { db } = await getDatabase();
  try {
    return await db.transaction(async (tx) => {
      await enterScope(tx, scope);
      const result = await fn(tx);
      if (!options.keepWritesOnFailure && result instanceof Response && result.status >= 400) throw new RollbackWith(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackWith) return error.response as T;
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

/** Background work and the seed: an explicit system scope, optionally inside one tenant. */
export function withSystem<T>(fn: (tx: Tx) => Promise<T>, tenantId?: string): Promise<T> {
  return transaction({ role: "system", tenantId }, fn);
}

export function clientIp(request: Request): string | null {
  if (env().TRUST_PROXY !== "1") return null;
  const first = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return first && isIP(first) ? first : null;
}

function baseContext(request: Request): RequestContext {
  return {
    requestId: request.headers.get("x-request-id")?.slice(0, 64) || randomUUID(),
    ip: clientIp(request),
    locale: getLocale(request),
    user: null,
    sessionTokenHash: null,
  };
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cross-origin form posts are refused before anything runs. Browsers send Origin (and Sec-Fetch-Site)
 * on every POST, so a request without both comes from a non-browser client, which CSRF cannot use.
 */
export function assertSameOrigin(request: Request) {
  if (!unsafeMethods.has(request.method.toUpperCase())) return;
  const refuse = () => new Response("Cross-origin request refused", { status: 403 });
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw refuse();
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const host = (env().TRUST_PROXY === "1" && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw refuse();
  }
  if (!host || originHost !== host) throw refuse();
}

/**
 * What every wrapper does before its transaction: refuse a cross-origin post, start the context, and
 * read the session cookie (hashed as the database keeps it; null without a valid cookie).
 */
async function openRequest(request: Request) {
  assertSameOrigin(request);
  const token = await readSessionToken(request);
  return { ctx: baseContext(request), tokenHash: token ? hashToken(token) : null };
}

/** The user of a session, looked up in the system scope the transaction opened with. */
async function resolveUser(tx: Tx, tokenHash: string | null): Promise<{ user: CurrentUser; tokenHash: string } | null> {
  if (!tokenHash) return null;
  const [row] = await tx
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSession(tokenHash))
    .limit(1);
  return row ? { user: row, tokenHash } : null;
}

function liveSession(tokenHash: string) {
  return and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`));
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const to = `${url.pathname}${url.search}`;
  return new Response(null, { status: 302, headers: { Location: `/login?redirectTo=${encodeURIComponent(to)}` } });
}

/** Public pages: no user needed, the user is resolved when a session cookie is present. */
export async function withPublic<T>(request: Request, fn: (tx: Tx, ctx: RequestContext) => Promise<T>): Promise<T> {
  const { ctx, tokenHash } = await openRequest(request);
  // No session cookie: nobody to look up, so the transaction opens in the public scope directly.
  if (!tokenHash) return transaction({ role: "public" }, (tx) => fn(tx, ctx));
  return transaction({ role: "system" }, async (tx) => {
    const found = await resolveUser(tx, tokenHash);
    if (found) Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
    await setScope(tx, { userId: ctx.user?.id, role: ctx.user ? "user" : "public" });
    return fn(tx, ctx);
  });
}

/**
 * Sign-up, login, invitation acceptance and password reset act before the actor has a session or a
 * membership, so they run in the explicit system scope. Only the auth module uses this.
 */
export async function withAuthFlow<T>(
  request: Request,
  fn: (tx: Tx, ctx: RequestContext) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  const { ctx, tokenHash } = await openRequest(request);
  return transaction(
    { role: "system" },
    async (tx) => {
      const found = await resolveUser(tx, tokenHash);
      if (found) Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
      return fn(tx, ctx);
    },
    options,
  );
}

/** A signed-in user outside any workspace (account pages, the tenant switcher). */
export async function withUser<T>(request: Request, fn: (tx: Tx, ctx: UserContext) => Promise<T>): Promise<T> {
  const { ctx, tokenHash } = await openRequest(request);
  if (!tokenHash) throw loginRedirect(request);
  return transaction({ role: "system" }, async (tx) => {
    const found = await resolveUser(tx, tokenHash);
    if (!found) throw loginRedirect(request);
    Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
    await setScope(tx, { userId: found.user.id, role: "user" });
    return fn(tx, ctx as UserContext);
  });
}

/** A workspace page `/w/:slug/…`: the user must be a member of that tenant with `permission`. */
export function withTenant<T>(
  request: Request,
  slug: string | undefined,
  permission: Permission,
  fn: (tx: Tx, ctx: TenantContext) => Promise<T>,
): Promise<T> {
  if (!isSlug(slug)) throw new Response("Not found", { status: 404 });
  return withMembership(request, eq(tenants.slug, slug), permission, fn);
}

/** The committee's pages (`/committee/…`): the user's membership of the committee tenant. */
export function withCommittee<T>(request: Request, permission: Permission, fn: (tx: Tx, ctx: TenantContext) => Promise<T>): Promise<T> {
  return withMembership(request, eq(tenants.kind, "committee"), permission, fn);
}

async function withMembership<T>(
  request: Request,
  tenantWhere: SQL,
  permission: Permission,
  fn: (tx: Tx, ctx: TenantContext) => Promise<T>,
): Promise<T> {
  const { ctx, tokenHash } = await openRequest(request);
  if (!tokenHash) throw loginRedirect(request);
  return transaction({ role: "system" }, async (tx) => {
    // Both lookups in the system scope, the membership found through the same session: they go out
    // together (one round trip) instead of one after the other.
    const [found, [row]] = await Promise.all([
      resolveUser(tx, tokenHash),
      tx
        .select({ tenant: tenants, membershipId: memberships.id, role: memberships.role })
        .from(tenants)
        .innerJoin(memberships, eq(memberships.tenantId, tenants.id))
        .innerJoin(sessions, eq(sessions.userId, memberships.userId))
        .where(and(tenantWhere, liveSession(tokenHash)))
        .orderBy(tenants.createdAt)
        .limit(1),
    ]);
    if (!found) throw loginRedirect(request);
    // Not a member and no such workspace look the same: no probing for tenant slugs.
    if (!row) throw new Response("Not found", { status: 404 });
    const { tenant } = row;
    if (!can(tenant.kind, row.role, permission)) throw new Response("Forbidden", { status: 403 });
    await setScope(tx, { tenantId: tenant.id, tenantKind: tenant.kind, userId: found.user.id, role: row.role });
    const tenantCtx: TenantContext = {
      ...ctx,
      user: found.user,
      sessionTokenHash: found.tokenHash,
      tenant: { id: tenant.id, slug: tenant.slug, kind: tenant.kind, name: tenant.name, nameEn: tenant.nameEn },
      membershipId: row.membershipId,
      role: row.role as MemberRole,
      permissions: permissionsOf(tenant.kind, row.role),
    };
    return fn(tx, tenantCtx);
  });
}
