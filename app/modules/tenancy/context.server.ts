import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { getDatabase, rowsOf, type Tx } from "../../../db/client.server";
import { memberships, secondFactorExemptions, secondFactors, sessions, tenants, users } from "../../../db/schema";
import { env } from "~/env.server";
import { currentRequest } from "~/request-store.server";
import { getLocale, type Locale } from "~/i18n/locale.server";
import { isSlug } from "~/ui/ids";
import { enrolmentPath, requiresSecondFactor } from "../auth/second-factor-rule";
import { hashToken, readSessionToken } from "../auth/session.server";
import { can, permissionsOf, type MemberRole, type Permission, type TenantKind } from "./permissions";
import { enterScopeStatement, rescopeStatement, type Scope } from "./scope.server";
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

/**
 * Changes the scope of the transaction a wrapper opened, mid-way: given only by `withAuthFlow` (a
 * sign-up or an invitation switches to the system scope once its input or token was checked; login
 * reads as the user once the password matched) and `withSystem` (a webhook or the digest enters the
 * tenant it found). Nothing else can change a scope: the setter is not exported.
 */
export type Rescope = (scope: Scope) => Promise<void>;

const rescopeOf =
  (tx: Tx): Rescope =>
  async (scope) => {
    await tx.execute(rescopeStatement(scope));
  };

async function enterScope(tx: Tx, scope: Scope) {
  await tx.execute(enterScopeStatement(scope));
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
async function transaction<T>(scope: Scope, fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  try {
    return await rawTransaction(scope, fn, options);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

// Which code runs inside one of the wrappers' transactions: nothing may wait on the network there
// (decision 010). The Stripe client asks before every call (payments/stripe.server.ts).
const openTransaction = new AsyncLocalStorage<true>();

/** Whether the caller runs inside a database transaction a wrapper opened. */
export function insideTransaction() {
  return openTransaction.getStore() === true;
}

/** The transaction without the 503 translation, for a result several callers await. */
async function rawTransaction<T>(scope: Scope, fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { app, kind } = await getDatabase();
  try {
    return await openTransaction.run(true, () =>
      app.transaction(async (tx) => {
        // On PostgreSQL the scope statement is not awaited: postgres.js writes it and `fn`'s first query
        // to the transaction's one connection in a single write (one round trip fewer per transaction).
        // The server runs them in order, and if the scope fails the transaction is aborted, so nothing
        // runs unscoped; postgres.js then reports the scope's error, not the abort. Should a statement
        // ever overtake it, it still runs as app_user with no scope (the query pool connects as
        // app_user, decision 019) and sees what an anonymous visitor sees. PGlite has no socket to save
        // and its call order is not a promise, so it waits.
        const entered = enterScope(tx, scope);
        if (kind === "pglite") await entered;
        else entered.catch(() => {});
        const result = await fn(tx);
        await entered;
        if (!options.keepWritesOnFailure && result instanceof Response && result.status >= 400) throw new RollbackWith(result);
        return result;
      }),
    );
  } catch (error) {
    if (error instanceof RollbackWith) return error.response as T;
    throw error;
  }
}

/**
 * How many transactions one background job may run side by side: 1 on PGlite (one connection, its
 * statements run one at a time anyway); on PostgreSQL JOB_LANES, or the machine's cores up to 4.
 */
export async function jobLanes(): Promise<number> {
  const { kind } = await getDatabase();
  if (kind === "pglite") return 1;
  return env().JOB_LANES ?? Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Background work and the seed: an explicit system scope, optionally inside one tenant (of `tenantKind`).
 * `rescope` moves it into the tenant a webhook or a job found.
 */
export function withSystem<T>(fn: (tx: Tx, rescope: Rescope) => Promise<T>, tenantId?: string, tenantKind?: TenantKind): Promise<T> {
  return transaction({ role: "system", tenantId, tenantKind }, (tx) => fn(tx, rescopeOf(tx)));
}

/**
 * The data version of a group of public pages (decision 026): one statement outside any transaction,
 * as the query role with no scope, i.e. what the public sees. Bumped in the same transaction as the
 * data, so a page produced after reading version N shows data at least as new as N.
 */
export async function publicDataVersion(group: string): Promise<number> {
  try {
    const { app } = await getDatabase();
    const [row] = rowsOf<{ version: string | number }>(await app.execute(sql`select version from public_data_versions where name = ${group}`));
    return Number(row?.version ?? 0);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

/**
 * /verify's per-address limit (decision 062): one statement outside any transaction, through
 * take_verify_limit() (SECURITY DEFINER), which counts in rate_limit_hits like the auth limiter.
 * Seconds to wait, 0 when the lookup was counted.
 */
export async function takeVerifyLimit(ip: string, windowSeconds: number, max: number): Promise<number> {
  try {
    const { app } = await getDatabase();
    const [row] = rowsOf<{ wait: number }>(await app.execute(sql`select take_verify_limit(${ip}, ${windowSeconds}::int, ${max}::int) as wait`));
    return Number(row?.wait ?? 0);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

/** The health check: whether the query pool answers `select 1` (no scope, no transaction). */
export async function pingDatabase(): Promise<boolean> {
  try {
    const { app } = await getDatabase();
    await app.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The client's address as the HTTP server saw it (server/: the socket's peer, or behind
 * TRUST_PROXY=<hops> the right-most hop of X-Forwarded-For the proxies did not add; decision 024).
 * Null outside a request the server handed over (a script, a test calling a wrapper directly).
 */
export function clientIp(): string | null {
  const address = currentRequest()?.clientAddress;
  return address && isIP(address) ? address : null;
}

function baseContext(request: Request): RequestContext {
  const served = currentRequest();
  return {
    // The server's request id (a client's X-Request-Id is kept only from a trusted proxy, F21): the
    // same id in the request log, the X-Request-Id answer header and the audit log.
    requestId: served?.requestId ?? randomUUID(),
    ip: clientIp(),
    locale: getLocale(request),
    user: null,
    sessionTokenHash: null,
  };
}

/** Who the request acts for, for the server's request log line (never into the response). */
function noteActor(actor: { userId?: string; tenantSlug?: string }) {
  const served = currentRequest();
  if (served) Object.assign(served, actor);
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
  const host = (env().TRUST_PROXY > 0 && request.headers.get("x-forwarded-host")) || request.headers.get("host");
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

// Live: not revoked, within its absolute lifetime, and used within the idle window (SESSION_IDLE_MINUTES).
function liveSession(tokenHash: string) {
  return and(
    eq(sessions.tokenHash, tokenHash),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql`now()`),
    gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${env().SESSION_IDLE_MINUTES})`),
  );
}

// last_seen_at moves at most this often: a write every few minutes per session, not one per request.
const lastSeenStep = sql`interval '5 minutes'`;

/** Marks the session used now, when its last mark is older than the step (the lookup said so). */
async function touchSession(tx: Tx, tokenHash: string) {
  await tx
    .update(sessions)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, tokenHash), sql`${sessions.lastSeenAt} < now() - ${lastSeenStep}`));
}

/** A member who must enrol a second factor is sent to enrolment from every page and action but logout. */
function assertSecondFactorSettled(identity: Identity | null) {
  if (identity?.secondFactorDue) throw new Response(null, { status: 302, headers: { Location: enrolmentPath } });
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const to = `${url.pathname}${url.search}`;
  return new Response(null, { status: 302, headers: { Location: `/login?redirectTo=${encodeURIComponent(to)}` } });
}

/** One of the signed-in user's memberships, as the identity lookup returns them (by tenant name). */
export interface MyMembership {
  tenant: CurrentTenant;
  membershipId: string;
  role: MemberRole;
  tenantCreatedAt: Date;
}

interface Identity {
  user: CurrentUser;
  tokenHash: string;
  memberships: MyMembership[];
  /** A role that requires a second factor and none enrolled (decision 031): only enrolment and logout answer. */
  secondFactorDue: boolean;
}

// A document request runs the root, layout and page loaders side by side, and each used to open its
// own transaction to look up the same session and membership (19 of the question list's 24 statements
// were that overhead). Loaders now hand the wrappers their `{ request, context }`: Remix gives every
// loader of one request the same `context` object (and each a Request of its own), so the session is
// looked up once per request, in one system-scope statement that also returns every membership, and
// only the loaders that query open a transaction, directly in their final scope. Actions, and streams
// that re-check the session while they run, pass the bare Request and look it up themselves; a new
// request never reuses an earlier one's answer, so a revoked session is seen at once.
const identities = new WeakMap<object, Promise<Identity | null>>();

/** What a wrapper is given: a loader's `{ request, context }` (shared lookup) or a bare Request. */
export type RequestSource = Request | { request: Request; context: object };

/** A live session's user and every membership, read in the system scope `tx` is in. */
async function identityIn(tx: Tx, tokenHash: string): Promise<Identity | null> {
  const rows = await tx
    .select({
      user: { id: users.id, email: users.email, name: users.name, locale: users.locale },
      stale: sql<boolean>`${sessions.lastSeenAt} < now() - ${lastSeenStep}`,
      enrolledAt: secondFactors.enrolledAt,
      exempt: secondFactorExemptions.userId,
      membershipId: memberships.id,
      role: memberships.role,
      tenant: {
        id: tenants.id,
        slug: tenants.slug,
        kind: tenants.kind,
        name: tenants.name,
        nameEn: tenants.nameEn,
        createdAt: tenants.createdAt,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(secondFactors, eq(secondFactors.userId, sessions.userId))
    .leftJoin(secondFactorExemptions, eq(secondFactorExemptions.userId, sessions.userId))
    .leftJoin(memberships, eq(memberships.userId, sessions.userId))
    .leftJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(liveSession(tokenHash))
    .orderBy(asc(tenants.name), asc(tenants.createdAt));
  if (rows.length === 0) return null;
  if (rows[0].stale) await touchSession(tx, tokenHash);
  const memberOf: MyMembership[] = [];
  for (const row of rows) {
    if (!row.tenant || !row.membershipId || !row.role) continue;
    const { createdAt, ...tenant } = row.tenant;
    memberOf.push({ tenant, membershipId: row.membershipId, role: row.role as MemberRole, tenantCreatedAt: createdAt });
  }
  const { user, enrolledAt, exempt } = rows[0];
  // The seed's exemption counts in demo mode only; outside it nobody is exempt.
  const excused = enrolledAt !== null || (exempt !== null && env().XCERT_DEMO === "1");
  const secondFactorDue = !excused && memberOf.some((m) => requiresSecondFactor(m.tenant.kind, m.role));
  return { user, tokenHash, memberships: memberOf, secondFactorDue };
}

/** The request's identity; a database out of reach is each caller's own 503 (a Response body reads once). */
async function identityOf(source: RequestSource, tokenHash: string): Promise<Identity | null> {
  const lookup = () => rawTransaction({ role: "system" }, (tx) => identityIn(tx, tokenHash));
  let pending: Promise<Identity | null>;
  if (source instanceof Request || source.request.method !== "GET") pending = lookup();
  else {
    pending = identities.get(source.context) ?? lookup();
    identities.set(source.context, pending);
  }
  try {
    return await pending;
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

const requestOf = (source: RequestSource) => (source instanceof Request ? source : source.request);

/** The context of a public request: the user when a live session cookie came with it. */
async function visitorContext(source: RequestSource): Promise<{ ctx: RequestContext; identity: Identity | null }> {
  const { ctx, tokenHash } = await openRequest(requestOf(source));
  const identity = tokenHash ? await identityOf(source, tokenHash) : null;
  if (identity) {
    Object.assign(ctx, { user: identity.user, sessionTokenHash: identity.tokenHash });
    noteActor({ userId: identity.user.id });
  }
  return { ctx, identity };
}

/**
 * The root loader: who is signed in and the workspaces they belong to (by name), from the request's
 * identity, without a transaction of its own.
 */
export async function readVisitor(source: RequestSource): Promise<RequestContext & { memberships: MyMembership[] }> {
  const { ctx, identity } = await visitorContext(source);
  return { ...ctx, memberships: identity?.memberships ?? [] };
}

/**
 * Public pages: no user needed, the user is resolved when a session cookie is present. A member who
 * must enrol a second factor is sent to enrolment, unless `duringEnrolment` (the language switch).
 */
export async function withPublic<T>(
  source: RequestSource,
  fn: (tx: Tx, ctx: RequestContext) => Promise<T>,
  options: { duringEnrolment?: boolean } = {},
): Promise<T> {
  const { ctx, identity } = await visitorContext(source);
  if (!options.duringEnrolment) assertSecondFactorSettled(identity);
  return transaction({ userId: ctx.user?.id, role: ctx.user ? "user" : "public" }, (tx) => fn(tx, ctx));
}

/**
 * Sign-up, login, invitation acceptance and password reset act before the actor has a session or a
 * membership, so they run in the narrow `auth` scope: users, sessions, password resets and login
 * attempts, nothing of any tenant (decision 021). A flow that must create a tenant or a membership
 * switches to the system scope itself, after its input or token was checked. Only the auth flows use this.
 */
export async function withAuthFlow<T>(
  request: Request,
  fn: (tx: Tx, ctx: RequestContext, rescope: Rescope) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  const { ctx, tokenHash } = await openRequest(request);
  return transaction(
    { role: "auth" },
    async (tx) => {
      const found = tokenHash ? await identityIn(tx, tokenHash) : null;
      if (found) {
        Object.assign(ctx, { user: found.user, sessionTokenHash: found.tokenHash });
        noteActor({ userId: found.user.id });
      }
      return fn(tx, ctx, rescopeOf(tx));
    },
    options,
  );
}

/** A page that only shows the signed-in user and their workspaces: no transaction of its own. */
export async function readUser(source: RequestSource): Promise<UserContext & { memberships: MyMembership[] }> {
  const { ctx, identity } = await visitorContext(source);
  if (!identity) throw loginRedirect(requestOf(source));
  assertSecondFactorSettled(identity);
  return { ...ctx, user: identity.user, memberships: identity.memberships };
}

type PickMembership = (memberOf: MyMembership[]) => MyMembership | undefined;

const bySlug =
  (slug: string): PickMembership =>
  (memberOf) =>
    memberOf.find((m) => m.tenant.slug === slug);

// The committee tenant is unique; should a user belong to two, the oldest one, as before.
const theCommittee: PickMembership = (memberOf) =>
  memberOf.filter((m) => m.tenant.kind === "committee").sort((a, b) => a.tenantCreatedAt.getTime() - b.tenantCreatedAt.getTime())[0];

/** The membership a workspace or committee request acts through, checked for `permission`. */
async function resolveMembership(source: RequestSource, pick: PickMembership, permission: Permission): Promise<TenantContext> {
  const { ctx, identity } = await visitorContext(source);
  if (!identity) throw loginRedirect(requestOf(source));
  assertSecondFactorSettled(identity);
  const membership = pick(identity.memberships);
  // Not a member and no such workspace look the same: no probing for tenant slugs.
  if (!membership) throw new Response("Not found", { status: 404 });
  const { tenant, role } = membership;
  noteActor({ tenantSlug: tenant.slug });
  if (!can(tenant.kind, role, permission)) throw new Response("Forbidden", { status: 403 });
  return {
    ...ctx,
    user: identity.user,
    sessionTokenHash: identity.tokenHash,
    tenant,
    membershipId: membership.membershipId,
    role,
    permissions: permissionsOf(tenant.kind, role),
  };
}

function withMembership<T>(source: RequestSource, pick: PickMembership, permission: Permission, fn: (tx: Tx, ctx: TenantContext) => Promise<T>): Promise<T> {
  return resolveMembership(source, pick, permission).then((ctx) =>
    transaction({ tenantId: ctx.tenant.id, tenantKind: ctx.tenant.kind, userId: ctx.user.id, role: ctx.role }, (tx) => fn(tx, ctx)),
  );
}

/** A workspace page `/w/:slug/…`: the user must be a member of that tenant with `permission`. */
export function withTenant<T>(
  source: RequestSource,
  slug: string | undefined,
  permission: Permission,
  fn: (tx: Tx, ctx: TenantContext) => Promise<T>,
): Promise<T> {
  if (!isSlug(slug)) throw new Response("Not found", { status: 404 });
  return withMembership(source, bySlug(slug), permission, fn);
}

/** The committee's pages (`/committee/…`): the user's membership of the committee tenant. */
export function withCommittee<T>(source: RequestSource, permission: Permission, fn: (tx: Tx, ctx: TenantContext) => Promise<T>): Promise<T> {
  return withMembership(source, theCommittee, permission, fn);
}

/**
 * The memberships the library (`/library`, no slug) can act through, in the order it prefers them:
 * the user's schools, else the committee, else the organizations (decision 033).
 */
export function libraryScopes(memberOf: MyMembership[]): MyMembership[] {
  for (const kind of ["school", "committee", "organization"] as const) {
    const found = memberOf.filter((m) => m.tenant.kind === kind);
    if (found.length) return found;
  }
  return [];
}

/**
 * The library's pages: the membership chosen among `libraryScopes` (`preferred`, a slug remembered in
 * a cookie; the first one otherwise); `fn` also gets the choices, for the scope picker.
 */
export function withLibrary<T>(
  source: RequestSource,
  preferred: string | undefined,
  fn: (tx: Tx, ctx: TenantContext, choices: CurrentTenant[]) => Promise<T>,
): Promise<T> {
  let choices: CurrentTenant[] = [];
  const pick: PickMembership = (memberOf) => {
    const scopes = libraryScopes(memberOf);
    choices = scopes.map((m) => m.tenant);
    return scopes.find((m) => m.tenant.slug === preferred) ?? scopes[0];
  };
  return withMembership(source, pick, "library:read", (tx, ctx) => fn(tx, ctx, choices));
}

/** A layout that only shows the membership (`/w/:slug`): checked like its pages, no transaction of its own. */
export function readTenant(source: RequestSource, slug: string | undefined, permission: Permission): Promise<TenantContext> {
  if (!isSlug(slug)) throw new Response("Not found", { status: 404 });
  return resolveMembership(source, bySlug(slug), permission);
}

/** The committee layout's counterpart of readTenant. */
export function readCommittee(source: RequestSource, permission: Permission): Promise<TenantContext> {
  return resolveMembership(source, theCommittee, permission);
}

/**
 * The signed-in user's own account pages (their sessions): a login redirect without a live session,
 * then a transaction as that user, outside any tenant (the user's own rows only).
 */
export async function withUser<T>(source: RequestSource, fn: (tx: Tx, ctx: UserContext) => Promise<T>): Promise<T> {
  const { ctx, identity } = await visitorContext(source);
  if (!identity) throw loginRedirect(requestOf(source));
  const userCtx: UserContext = { ...ctx, user: identity.user, sessionTokenHash: identity.tokenHash };
  return transaction({ userId: identity.user.id, role: "user" }, (tx) => fn(tx, userCtx));
}

/** Which database serves the app: the embedded PGlite or a PostgreSQL server (for the few queries that differ). */
export async function databaseKind() {
  return (await getDatabase()).kind;
}
