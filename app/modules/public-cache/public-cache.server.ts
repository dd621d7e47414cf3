import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
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
// An entry's key holds its data version, day and build, and every request reads the version first:
// an entry is never served for another version, so it needs no expiry of its own. A visitor after a
// quiet minute gets the kept answer (revalidated by the version read), not a new render; old
// versions' entries leave by the bounds below.
const entryTtlMs = Number.POSITIVE_INFINITY;
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
const dataCache = new BoundedLru<unknown>(limits.entries, limits.bytes / 2, entryTtlMs);
/** A document's HTML (rendered with a placeholder nonce) or a resource's bytes, by page key. */
const bodyCache = new BoundedLru<CachedBody>(limits.entries, limits.bytes / 2, entryTtlMs);
/**
 * The group a kept answer was read under, by its key without the version (`urlKey`): what lets the
 * server answer a hit or a 304 before Remix runs (`earlyPublicAnswer`), for URLs answered from here before.
 */
const groupOfUrl = new BoundedLru<{ group: string; kind: "document" | "resource" }>(limits.entries * 4, 4 * 1024 * 1024, entryTtlMs);
/** Misses under way, so concurrent visitors of a new version wait for one production, not each run it. */
const producing = new Map<string, Promise<unknown>>();

/**
 * A kept answer: a resource's bytes, or a document's HTML as its UTF-8 bytes between the CSP nonce's
 * places, encoded once (each answer joins them with its own nonce).
 */
export type CachedBody = { headers: [string, string][] } & (
  { body: ArrayBuffer; parts?: undefined; encoded?: Partial<Record<ContentCoding, Promise<Buffer>>> } | { parts: Buffer[]; body?: undefined }
);

/**
 * The codings a kept resource is also kept in, compressed once per entry instead of once per request
 * (the register's CSV is about 15 MB, 2 MB gzipped). The server negotiates as its compression does
 * (server/app.ts); documents carry a nonce per answer and are compressed as they are sent.
 */
export type ContentCoding = "br" | "gzip";
const encoders: Record<ContentCoding, (bytes: Buffer) => Promise<Buffer>> = {
  // Quality 5: about gzip's speed at a smaller size; the default 11 takes tens of seconds on 15 MB.
  br: (bytes) =>
    promisify(brotliCompress)(bytes, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }),
  gzip: (bytes) => promisify(gzip)(bytes),
};
// What the server's compression would compress (server/app.ts step 5) among what resources are.
const compressibleType = /^(text\/(csv|plain)|application\/json)/i;

/** An answer the server sends as it is (server/app.ts): status, headers, bytes. */
export interface EarlyAnswer {
  status: number;
  headers: [string, string][];
  body?: Buffer | ArrayBuffer | string;
}

/** `dataEtag`: the same page as loader data (`?_data=`), which Remix hides from the loader's URL. */
export type PublicAnswer = { key: string; etag: string; dataEtag: string; at: string; group: string } | { private: true };

/** What a cacheable loader left for entry.server.tsx, per request (Remix's load context). */
const answers = new WeakMap<object, PublicAnswer>();

export function publicAnswerOf(context: unknown): PublicAnswer | undefined {
  return typeof context === "object" && context !== null ? answers.get(context) : undefined;
}

/** Everything of a page's key but its group and data version. */
function urlKey(request: Request, locale: Locale) {
  const url = new URL(request.url);
  // The day is part of the answer: fees come into force at midnight, Asia/Shanghai, without a write.
  return [buildId, locale, shanghaiDate(), request.method === "HEAD" ? "GET" : request.method, url.pathname + url.search].join("\u0000");
}

const tag = (of: string) => `"${createHash("sha256").update(of).digest("base64url").slice(0, 32)}"`;

function keyOf(at: string, group: string, version: number) {
  const key = [group, version, at].join("\u0000");
  return { key, etag: tag(key), dataEtag: tag(`${key}\u0000data`) };
}

async function pageKey(request: Request, group: string, locale: Locale): Promise<{ key: string; etag: string; dataEtag: string; at: string }> {
  const at = urlKey(request, locale);
  return { ...keyOf(at, group, await publicDataVersion(group)), at };
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
  const answer = { ...(await pageKey(request, group, getLocale(request))), group };
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
  const { key, etag, at } = await pageKey(request, group, getLocale(request));
  if (matchesEtag(request, etag)) return notModified(etag);
  const cached = bodyCache.get(key) ?? (await produceBody(key, produce));
  if (cached instanceof Response) return cached;
  groupOfUrl.set(at, { group, kind: "resource" }, at.length);
  return resourceResponse(cached, etag);
}

function resourceResponse(cached: CachedBody, etag: string) {
  const headers = new Headers(cached.headers);
  publicHeaders(headers, etag);
  return new Response(cached.body, { status: 200, headers });
}

/**
 * One production per key at a time: concurrent misses of a new version wait for the first (a CSV of
 * the whole register is seconds of work). Only a 200 is kept; any other answer goes to its own
 * visitor, and each waiting visitor then produces its own.
 */
async function produceBody(key: string, produce: () => Promise<Response>): Promise<CachedBody | Response> {
  const pending = producing.get(`body\u0000${key}`) as Promise<CachedBody | null> | undefined;
  if (pending) {
    const kept = await pending.catch(() => null);
    if (kept) return kept;
    return produce();
  }
  let answer: Response | undefined;
  const kept = once(`body\u0000${key}`, async () => {
    const response = await produce();
    if (response.status !== 200) {
      answer = response;
      return null;
    }
    const body = await response.arrayBuffer();
    const entry: CachedBody = { body, headers: [...response.headers] };
    bodyCache.set(key, entry, body.byteLength);
    return entry;
  });
  return (await kept) ?? answer!;
}

/** A document's HTML kept for `answer` (entry.server.tsx), or undefined. */
export function cachedDocument(answer: { key: string }): CachedBody | undefined {
  return bodyCache.get(`document\u0000${answer.key}`);
}

export function keepDocument(answer: { key: string; at: string; group: string }, html: string, headers: Headers, noncePlaceholder: string): CachedBody {
  const kept = { headers: [...headers], parts: html.split(noncePlaceholder).map((part) => Buffer.from(part)) };
  bodyCache.set(`document\u0000${answer.key}`, kept, Buffer.byteLength(html));
  groupOfUrl.set(answer.at, { group: answer.group, kind: "document" }, answer.at.length);
  return kept;
}

export function documentResponse(kept: CachedBody, etag: string, nonce: string) {
  const headers = new Headers(kept.headers);
  publicHeaders(headers, etag);
  return new Response(documentBytes(kept, nonce), { status: 200, headers });
}

/** A kept document's bytes with this answer's nonce in its places. */
function documentBytes(kept: CachedBody, nonce: string) {
  const bytes = Buffer.from(nonce);
  return Buffer.concat((kept.parts ?? []).flatMap((part, i) => (i === 0 ? [part] : [bytes, part])));
}

/**
 * What must run before a group's page is answered at all, even as a 304 (the per-address limit of
 * /verify): true to go on. Registered by the module that owns the group; it runs once per request.
 */
const preludes = new Map<string, () => Promise<boolean>>();

export function registerPublicPrelude(group: string, prelude: () => Promise<boolean>) {
  preludes.set(group, prelude);
}

/**
 * The server's answer before Remix (server/app.ts, issue 18): for an anonymous GET of a URL this
 * process has answered from the cache before, the version read and then a 304 or the kept answer,
 * exactly as the route would give it (same headers), without the loaders, the session lookup or the
 * render. Null when Remix must answer: a session, a data request, a URL not kept, a new version, a
 * prelude that refuses (its answer is then the route's, which knows the prelude already ran).
 */
export async function earlyPublicAnswer(request: Request, nonce: string, coding?: ContentCoding): Promise<EarlyAnswer | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  if (new URL(request.url).searchParams.has("_data")) return null;
  if (await readSessionToken(request)) return null;
  const at = urlKey(request, getLocale(request));
  const known = groupOfUrl.get(at);
  if (!known) return null;
  // The version read and the prelude at once: nothing is answered before both are done.
  const prelude = preludes.get(known.group);
  const [version, goOn] = await Promise.all([publicDataVersion(known.group), prelude ? prelude() : true]);
  if (!goOn) return null;
  const { key, etag } = keyOf(at, known.group, version);
  if (matchesEtag(request, etag)) return { status: 304, headers: [...notModified(etag).headers] };
  const kept = bodyCache.get(known.kind === "resource" ? key : `document\u0000${key}`);
  if (!kept) return null;
  const headers = new Headers(kept.headers);
  publicHeaders(headers, etag);
  if (kept.parts) return { status: 200, headers: [...headers], body: documentBytes(kept, nonce) };
  if (coding && kept.body.byteLength >= 1024 && compressibleType.test(headers.get("Content-Type") ?? "")) {
    const body = await encodedBody(key, kept, coding);
    headers.set("Content-Encoding", coding);
    headers.set("Content-Length", String(body.length));
    return { status: 200, headers: [...headers], body };
  }
  return { status: 200, headers: [...headers], body: kept.body };
}

/** A kept resource's bytes in `coding`: compressed by the first request that asks, then kept with it (and weighed). */
function encodedBody(key: string, kept: CachedBody & { body: ArrayBuffer }, coding: ContentCoding): Promise<Buffer> {
  kept.encoded ??= {};
  const pending = kept.encoded[coding];
  if (pending) return pending;
  const encoding = encoders[coding](Buffer.from(kept.body));
  kept.encoded[coding] = encoding;
  encoding.then(
    async () => {
      // Weighed again with its codings, if the entry is still kept.
      if (bodyCache.get(key) !== kept) return;
      const sizes = await Promise.allSettled(Object.values(kept.encoded ?? {}));
      const encodedBytes = sizes.reduce((sum, size) => sum + (size.status === "fulfilled" ? size.value.length : 0), 0);
      bodyCache.set(key, kept, kept.body.byteLength + encodedBytes);
    },
    () => {
      if (kept.encoded?.[coding] === encoding) delete kept.encoded[coding];
    },
  );
  return encoding;
}
