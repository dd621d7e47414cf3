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

/** Sets the row-level-security scope of the current transaction (all settings are transaction-local). */
export async function setScope(tx: Tx, scope: Scope) {
  await tx.execute(sql`select
    set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
    set_config('app.tenant_kind', ${scope.tenantKind ?? ""}, true),
    set_config('app.user_id', ${scope.userId ?? ""}, true),
    set_config('app.role', ${scope.role}, true)`);
}

// The first statement of every transaction: the query role and the scope in one round trip.
// set_config('role', …, true) is what `set local role` does (and is checked the same way).
async function enterScope(tx: Tx, scope: Scope) {
  await tx.execute(sql`select
    set_config('role', 'app_user', true),
    set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
    set_config('app.tenant_kind', ${scope.tenantKind ?? ""}, true),
    set_config('app.user_id', ${scope.userId ?? ""}, true),
    set_config('app.role', ${scope.role}, true)`);
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

type FoundUser = { user: CurrentUser; tokenHash: string };

async function resolveUser(tx: Tx, request: Request): Promise<FoundUser | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const [row] = await tx
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  return row ? { user: row, tokenHash } : null;
}

type FoundMembership = { tenant: typeof tenants.$inferSelect; membershipId: string; role: string };

/*
 * Remix runs the loaders of one page (root, workspace layout, page) in parallel, each in its own
 * transaction, and each used to look up the same session and membership. For a GET, the first loader
 * that needs a lookup does it in its transaction and shares the answer; the others wait for it before
 * opening theirs (not inside: a waiting transaction would hold a pooled connection the lookup may need)
 * and then set the same scope from it in their first statement. Not after an action, which may have
 * changed the session or the membership. A failed lookup shares nothing: each loader then looks for itself.
 * The key is the request's AbortSignal: Remix hands each loader a copy of the request but the same signal.
 */
interface Shared<T> {
  promise: Promise<T | undefined>;
  settle(value: T | undefined): void;
}
interface RequestLookups {
  session?: Shared<FoundUser | null>;
  memberships: Map<string, Shared<FoundMembership | null>>;
}
const lookups = new WeakMap<AbortSignal, RequestLookups>();

function lookupsOf(request: Request): RequestLookups | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  let found = lookups.get(request.signal);
  if (!found) lookups.set(request.signal, (found = { memberships: new Map() }));
  return found;
}

function shared<T>(): Shared<T> {
  let settle!: (value: T | undefined) => void;
  const promise = new Promise<T | undefined>((resolve) => (settle = resolve));
  return { promise, settle };
}

/** Either another loader's pending lookup (`wait`), or the claim to do it and share it (`own`). */
function claim<T>(existing: Shared<T> | undefined, store: (claimed: Shared<T>) => void): { wait?: Promise<T | undefined>; own?: Shared<T> } {
  if (existing) return { wait: existing.promise };
  const own = shared<T>();
  store(own);
  return { own };
}

function claimSession(request: Request) {
  const all = lookupsOf(request);
  return all ? claim(all.session, (s) => (all.session = s)) : {};
}

/**
 * The signed-in user: another loader's answer when there is one, or looked up in `tx` (which must
 * be in the system scope) and shared.
 */
async function sessionUser(tx: Tx, request: Request, known: FoundUser | null | undefined, own: Shared<FoundUser | null> | undefined) {
  if (known !== undefined) return known;
  try {
    const found = await resolveUser(tx, request);
    own?.settle(found);
    return found;
  } finally {
    own?.settle(undefined);
  }
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const to = `${url.pathname}${url.search}`;
  return new Response(null, { status: 302, headers: { Location: `/login?redirectTo=${encodeURIComponent(to)}` } });
}

/** Public pages: no user needed, the user is resolved when a session cookie is present. */
export function withPublic<T>(request: Request, fn: (tx: Tx, ctx: RequestContext) => Promise<T>): Promise<T> {
  assertSameOrigin(request);
  const ctx = baseContext(request);
  const session = claimSession(request);
  return settleOnFailure(session.own, async () => {
    const known = await session.wait;
    const scope = (found: FoundUser | null): Scope => ({ userId: found?.user.id, role: found ? "user" : "public" });
    return transaction(known !== undefined ? scope(known) : { role: "system" }, async (tx) => {
      const found = await sessionUser(tx, request, known, session.own);
      if (found) Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
      if (known === undefined) await setScope(tx, scope(found));
      return fn(tx, ctx);
    });
  });
}

/**
 * Sign-up, login, invitation acceptance and password reset act before the actor has a session or a
 * membership, so they run in the explicit system scope. Only the auth module uses this.
 */
export function withAuthFlow<T>(
  request: Request,
  fn: (tx: Tx, ctx: RequestContext) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  assertSameOrigin(request);
  const ctx = baseContext(request);
  return transaction(
    { role: "system" },
    async (tx) => {
      const found = await resolveUser(tx, request);
      if (found) Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
      return fn(tx, ctx);
    },
    options,
  );
}

/** A signed-in user outside any workspace (account pages, the tenant switcher). */
export function withUser<T>(request: Request, fn: (tx: Tx, ctx: UserContext) => Promise<T>): Promise<T> {
  assertSameOrigin(request);
  const ctx = baseContext(request);
  const session = claimSession(request);
  return settleOnFailure(session.own, async () => {
    const known = await session.wait;
    if (known === null) throw loginRedirect(request);
    return transaction(known ? { userId: known.user.id, role: "user" } : { role: "system" }, async (tx) => {
      const found = await sessionUser(tx, request, known, session.own);
      if (!found) throw loginRedirect(request);
      Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
      if (!known) await setScope(tx, { userId: found.user.id, role: "user" });
      return fn(tx, ctx as UserContext);
    });
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
  return withMembership(request, `slug:${slug}`, eq(tenants.slug, slug), permission, fn);
}

/** The committee's pages (`/committee/…`): the user's membership of the committee tenant. */
export function withCommittee<T>(request: Request, permission: Permission, fn: (tx: Tx, ctx: TenantContext) => Promise<T>): Promise<T> {
  return withMembership(request, "committee", eq(tenants.kind, "committee"), permission, fn);
}

function withMembership<T>(
  request: Request,
  key: string,
  tenantWhere: SQL,
  permission: Permission,
  fn: (tx: Tx, ctx: TenantContext) => Promise<T>,
): Promise<T> {
  assertSameOrigin(request);
  const ctx = baseContext(request);
  const all = lookupsOf(request);
  const session = claimSession(request);
  const membership = all ? claim(all.memberships.get(key), (m) => all.memberships.set(key, m)) : {};
  return settleOnFailure(session.own, () =>
    settleOnFailure(membership.own, async () => {
      const knownUser = await session.wait;
      if (knownUser === null) throw loginRedirect(request);
      const knownMembership = knownUser ? await membership.wait : undefined;
      if (knownMembership === null) throw new Response("Not found", { status: 404 });
      const known = knownUser && knownMembership ? { found: knownUser, row: knownMembership } : null;
      if (known && !can(known.row.tenant.kind, known.row.role, permission)) throw new Response("Forbidden", { status: 403 });
      const tenantScope = ({ found, row }: { found: FoundUser; row: FoundMembership }): Scope => ({
        tenantId: row.tenant.id,
        tenantKind: row.tenant.kind,
        userId: found.user.id,
        role: row.role,
      });
      const start: Scope = known ? tenantScope(known) : knownUser ? { userId: knownUser.user.id, role: "user" } : { role: "system" };
      return transaction(start, async (tx) => {
        let resolved = known;
        if (!resolved) {
          const found = await sessionUser(tx, request, knownUser, session.own);
          if (!found) throw loginRedirect(request);
          if (!knownUser) await setScope(tx, { userId: found.user.id, role: "user" });
          const row = await findMembership(tx, found, tenantWhere, membership.own);
          // Not a member and no such workspace look the same: no probing for tenant slugs.
          if (!row) throw new Response("Not found", { status: 404 });
          if (!can(row.tenant.kind, row.role, permission)) throw new Response("Forbidden", { status: 403 });
          resolved = { found, row };
          await setScope(tx, tenantScope(resolved));
        }
        const { found, row } = resolved;
        const { tenant } = row;
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
    }),
  );
}

/** The user's membership of the tenant, looked up in the user's own scope, and shared. */
async function findMembership(tx: Tx, found: FoundUser, tenantWhere: SQL, own: Shared<FoundMembership | null> | undefined) {
  try {
    const [row] = await tx
      .select({ tenant: tenants, membershipId: memberships.id, role: memberships.role })
      .from(tenants)
      .innerJoin(memberships, and(eq(memberships.tenantId, tenants.id), eq(memberships.userId, found.user.id)))
      .where(tenantWhere)
      .orderBy(tenants.createdAt)
      .limit(1);
    own?.settle(row ?? null);
    return row ?? null;
  } finally {
    own?.settle(undefined);
  }
}

/** A claimed lookup is always settled, even when its loader fails before doing it. */
async function settleOnFailure<T, S>(own: Shared<S> | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    own?.settle(undefined);
  }
}
