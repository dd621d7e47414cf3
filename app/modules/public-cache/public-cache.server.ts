import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getLocale, type Locale } from "~/i18n/locale.server";
import { readSessionToken } from "~/modules/auth/session.server";
import { publicDataVersion, type RequestSource } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";
import { BoundedLru } from "./lru";

// Public pages ahead of their floor (issue 18 item 6, decision 026). A page whose answer depends only
// on public data, the reader's language, the day and its URL is produced once per data version and
// kept here, shared by every anonymous visitor of this process; its ETag says which version it is, so
// a client that has it gets a 304. The version is one indexed read per request (the database keeps
// it, bumped by statement triggers in the writing transaction), so nothing is ever served from an
// older version than the database's: max-age bounds only what browsers and proxies keep.
// A request with a session cookie is never cached, here or downstream: the document shows who is
// signed in, and a signed-in scope may read more than the public one.
//
// To put a page behind it: in its loader, wrap the public read in `publicPage(source, group, …)`
// (documents and data requests; entry.server.tsx answers the 304 and keeps the HTML), or the whole
// Response in `publicResource(source, group, …)` (CSV, JSON); the group is a row of
// public_data_versions with statement triggers on every table the page reads (migration 0026).

export const publicCacheControl = "public, max-age=60, stale-while-revalidate=300";
const maxAgeMs = 60_000;
// What the answer varies on besides the URL: the language comes from the lng cookie, and a session
// cookie turns caching off.
const vary = "Cookie";

// The server build: a new release changes every page (its HTML names new assets), so every ETag.
const buildId = (() => {
  try {
    return createHash("sha256")
      .update(readFileSync(fileURLToPath(import.meta.url)))
      .digest("base64url")
      .slice(0, 12);
  } catch {
    return randomBytes(9).toString("base64url");
  }
})();

const limits = { entries: Number(process.env.PUBLIC_CACHE_ENTRIES ?? 500), bytes: Number(process.env.PUBLIC_CACHE_BYTES ?? 64 * 1024 * 1024) };
/** A page's loader data, by page key. */
const dataCache = new BoundedLru<unknown>(limits.entries, limits.bytes / 2, maxAgeMs);
/** A document's HTML (rendered with a placeholder nonce) or a resource's bytes, by page key. */
const bodyCache = new BoundedLru<CachedBody>(limits.entries, limits.bytes / 2, maxAgeMs);
/** Misses under way, so concurrent visitors of a new version wait for one production, not each run it. */
const producing = new Map<string, Promise<unknown>>();

export interface CachedBody {
  body: ArrayBuffer | string;
  headers: [string, string][];
  /** Documents: the placeholder in place of the CSP nonce, replaced per response. */
  noncePlaceholder?: string;
}

/** `dataEtag`: the same page as loader data (`?_data=`), which Remix hides from the loader's URL. */
export type PublicAnswer = { key: string; etag: string; dataEtag: string } | { private: true };

/** What a cacheable loader left for entry.server.tsx, per request (Remix's load context). */
const answers = new WeakMap<object, PublicAnswer>();

export function publicAnswerOf(context: unknown): PublicAnswer | undefined {
  return typeof context === "object" && context !== null ? answers.get(context) : undefined;
}

async function pageKey(request: Request, group: string, locale: Locale): Promise<{ key: string; etag: string; dataEtag: string }> {
  const version = await publicDataVersion(group);
  const url = new URL(request.url);
  // The day is part of the answer: fees come into force at midnight, Asia/Shanghai, without a write.
  const key = [buildId, group, version, locale, shanghaiDate(), request.method === "HEAD" ? "GET" : request.method, url.pathname + url.search].join("\u0000");
  const tag = (of: string) => `"${createHash("sha256").update(of).digest("base64url").slice(0, 32)}"`;
  return { key, etag: tag(key), dataEtag: tag(`${key}\u0000data`) };
}

export function matchesEtag(request: Request, etag: string) {
  const header = request.headers.get("if-none-match");
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** The headers of a cacheable public answer. */
export function publicHeaders(headers: Headers, etag: string) {
  headers.set("Cache-Control", publicCacheControl);
  headers.set("ETag", etag);
  headers.set("Vary", vary);
}

/** An answer that must not be kept: it carries a signed-in visitor's scope. */
export function privateHeaders(headers: Headers) {
  headers.set("Cache-Control", "private, no-store");
  headers.set("Vary", vary);
}

export function notModified(etag: string) {
  const headers = new Headers();
  publicHeaders(headers, etag);
  return new Response(null, { status: 304, headers });
}

async function once<T>(key: string, produce: () => Promise<T>): Promise<T> {
  const pending = producing.get(key);
  if (pending) return pending as Promise<T>;
  const started = produce();
  producing.set(key, started);
  try {
    return await started;
  } finally {
    producing.delete(key);
  }
}

const sourceParts = (source: RequestSource) => (source instanceof Request ? { request: source, context: undefined } : source);

/**
 * A public page's loader data: produced once per data version, language, day and URL for anonymous
 * visitors; produced afresh for a visitor with a session cookie. `produce` runs the page's own
 * `withPublic` read. Leaves the page's ETag for entry.server.tsx, which answers 304 and keeps the HTML.
 */
export async function publicPage<T>(source: RequestSource, group: string, produce: () => Promise<T>): Promise<T> {
  const { request, context } = sourceParts(source);
  if (await readSessionToken(request)) {
    if (context) answers.set(context, { private: true });
    return produce();
  }
  const answer = await pageKey(request, group, getLocale(request));
  if (context) answers.set(context, answer);
  const cached = dataCache.get(answer.key);
  if (cached !== undefined) return cached as T;
  return once(`data\u0000${answer.key}`, async () => {
    const data = await produce();
    // Only data that cannot hold a Response (a redirect or an error is not a page).
    if (!(data instanceof Response)) dataCache.set(answer.key, data, Buffer.byteLength(JSON.stringify(data) ?? ""));
    return data;
  });
}

/**
 * A public resource (CSV, JSON): the whole answer kept per data version, language, day and URL, a 304
 * for a client that has it. With a session cookie: produced afresh and marked private.
 */
export async function publicResource(source: RequestSource, group: string, produce: () => Promise<Response>): Promise<Response> {
  const { request } = sourceParts(source);
  if (await readSessionToken(request)) {
    const response = await produce();
    privateHeaders(response.headers);
    return response;
  }
  const { key, etag } = await pageKey(request, group, getLocale(request));
  if (matchesEtag(request, etag)) return notModified(etag);
  const cached = bodyCache.get(key) ?? (await produceBody(key, produce));
  if (cached instanceof Response) return cached;
  const headers = new Headers(cached.headers);
  publicHeaders(headers, etag);
  return new Response(cached.body, { status: 200, headers });
}

async function produceBody(key: string, produce: () => Promise<Response>): Promise<CachedBody | Response> {
  const response = await produce();
  if (response.status !== 200) return response;
  const body = await response.arrayBuffer();
  const entry: CachedBody = { body, headers: [...response.headers] };
  bodyCache.set(key, entry, body.byteLength);
  return entry;
}

/** A document's HTML kept for `answer` (entry.server.tsx), or undefined. */
export function cachedDocument(answer: { key: string }): CachedBody | undefined {
  return bodyCache.get(`document\u0000${answer.key}`);
}

export function keepDocument(answer: { key: string }, html: string, headers: Headers, noncePlaceholder: string) {
  bodyCache.set(`document\u0000${answer.key}`, { body: html, headers: [...headers], noncePlaceholder }, Buffer.byteLength(html));
}

/** For tests and the benchmark: what the caches hold. */
export function publicCacheStats() {
  return { data: { entries: dataCache.size, bytes: dataCache.bytes }, bodies: { entries: bodyCache.size, bytes: bodyCache.bytes } };
}
