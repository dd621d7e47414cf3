import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import Negotiator from "negotiator";
import onHeaders from "on-headers";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { requestStorage, type RequestStore } from "../app/request-store.server";
import { routeMatcher } from "./routes";

// The HTTP server in front of the Remix build (decision 023): everything an answer needs that the
// app cannot see from a Request — the client's address, the request id, the security headers, the
// cache policy of private answers, compression, the request log — is done here, once, for every
// answer, before Remix runs.

export interface AppOptions {
  build: ServerBuild;
  /** How many reverse proxies in front append to X-Forwarded-For (TRUST_PROXY; decision 024). */
  trustProxy: number;
  /** APP_URL: HSTS only when it is https. */
  appUrl?: string;
  logger: Logger;
  /** Where `remix build` wrote the browser assets' parent (public/). */
  publicDir: string;
  mode?: "production" | "development";
}

/** The two things the server keeps per request beyond the app's store: SSE answers, for shutdown. */
export interface ServerApp {
  app: express.Express;
  /** Answers currently streaming server-sent events. */
  streams: Set<ServerResponse>;
}

const MB = 1024 * 1024;
// compression 1.8's own lists (step 5), so a kept resource's coding is the one compression would choose.
const supportedCodings = ["br", "gzip", "deflate", "identity"] as const;
const preferredCodings = ["br", "gzip"] as const;
/** Stripe's events are under 256 KB; anyone may post to the webhook (issue 18 item 5). */
export const webhookMaxBytes = MB;

const sessionCookie = /(?:^|;\s*)(?:__Host-)?xcert_session=[^;\s]/;
const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The socket peer (or the trusted proxies' client) without the IPv4-mapped IPv6 prefix. */
function addressOf(req: Request): string | null {
  const address = req.ip ?? req.socket.remoteAddress ?? null;
  return address?.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

// A proxy's request id may be any opaque token; anything else is not worth keeping.
const requestIdShape = /^[\w.:@/+=-]{1,64}$/;

/**
 * The path as the log may keep it: no query string (a search can hold a name or an ID number) and no
 * one-time tokens in the path (a reset link, an invitation link).
 */
export function loggedPath(url: string): string {
  const pathname = url.split("?")[0] ?? "/";
  return pathname.replace(/^\/reset-password\/[^/]+/, "/reset-password/[token]").replace(/^\/join\/([^/]+)\/[^/]+/, "/join/$1/[token]");
}

/**
 * A post from another site (CSRF): Sec-Fetch-Site names another site, or Origin differs from the host
 * the request was sent to. Browsers send Origin on every POST; a client sending neither is not a
 * browser another site can drive.
 */
function isCrossOrigin(req: Request, trustProxy: number): boolean {
  const site = req.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = req.get("origin");
  if (origin === undefined) return false;
  const host = (trustProxy > 0 && req.get("x-forwarded-host")?.split(",")[0]?.trim()) || req.get("host");
  try {
    return !host || new URL(origin).host !== host;
  } catch {
    return true; // "null" (a sandboxed frame, a redirect chain) or garbage
  }
}

export function createApp(options: AppOptions): ServerApp {
  const { build, trustProxy, logger } = options;
  const app = express();
  const streams = new Set<ServerResponse>();
  app.disable("x-powered-by");
  // Express's own: req.ip is the socket's peer, or with N trusted hops the right-most address of
  // X-Forwarded-For that those N proxies did not add (never the left-most, which the client writes).
  app.set("trust proxy", trustProxy > 0 ? trustProxy : false);
  const matchRoute = routeMatcher(build);
  const describe = (req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) => {
    const store = (res as Response).locals?.store as RequestStore | undefined;
    const asked = ((res as Response).locals?.askedUrl as string | undefined) ?? req.url ?? "/";
    return {
      ...value,
      method: (res as Response).locals?.askedMethod,
      path: loggedPath(asked),
      route: matchRoute(asked),
      tenant: store?.tenantSlug,
      user: store?.userId,
      // Answered from the public cache before Remix (decision 062).
      ...((res as Response).locals?.early ? { early: true } : {}),
    };
  };

  // 1. The request's store: id, client address, CSP nonce; the rest of the request runs inside it.
  app.use((req, res, next) => {
    const offered = trustProxy > 0 ? req.get("x-request-id") : undefined;
    const store: RequestStore = {
      // A client's own id would be written verbatim into logs and audit rows: kept only from a trusted proxy (F21).
      requestId: offered && requestIdShape.test(offered) ? offered : randomUUID(),
      clientAddress: addressOf(req),
      cspNonce: randomBytes(16).toString("base64"),
    };
    res.locals.store = store;
    // The URL as asked (a refused cross-origin post is rewritten below), for the log.
    res.locals.askedUrl = req.originalUrl;
    res.locals.askedMethod = req.method;
    res.setHeader("X-Request-Id", store.requestId);
    // Without a trusted proxy a client's forwarded headers are its own words: Remix reads
    // X-Forwarded-Host for its origin check and its URLs, so they are dropped here.
    if (trustProxy === 0) {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
    }
    requestStorage.run(store, next);
  });

  // 2. One JSON line per request, written when the answer is finished.
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => (res as Response).locals.store.requestId,
      quietReqLogger: true,
      // Only what is named here is logged: no headers (cookies), no bodies, no query strings.
      serializers: {
        req: () => undefined,
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
        err: (err: Error) => ({ type: err.name, message: err.message }),
      },
      wrapSerializers: false,
      // Who and what, read when the answer is finished (the app notes the user and tenant as it goes).
      customSuccessObject: (req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) => describe(req, res, value),
      customErrorObject: (req: IncomingMessage, res: ServerResponse, _error: Error, value: Record<string, unknown>) => describe(req, res, value),
      customSuccessMessage: () => "request",
      customErrorMessage: () => "request failed",
      // A line the level leaves out is not built at all (pino-http builds it first: the route match is costly).
      customLogLevel: (_req, res, error) => {
        const level = error || res.statusCode >= 500 ? "error" : "info";
        return logger.isLevelEnabled(level) ? level : "silent";
      },
    }),
  );

  // 3. Security headers on every answer (documents, data, exports, streams, errors alike).
  const https = options.appUrl?.startsWith("https:") ?? false;
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.store.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      referrerPolicy: { policy: "same-origin" },
      strictTransportSecurity: https ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
      xFrameOptions: { action: "deny" },
      crossOriginEmbedderPolicy: false,
    }),
  );

  // 4. Private answers are never stored by a browser or a cache: anything answered to a session, or
  // setting a cookie, and every download — unless the route chose its own policy (the public pages).
  app.use((req, res, next) => {
    const authenticated = sessionCookie.test(req.headers.cookie ?? "");
    onHeaders(res, function (this: ServerResponse) {
      // A 304 updates the headers the browser stored with the body it keeps: a new nonce there would no
      // longer match that body's scripts (decision 026), so a 304 carries no policy.
      if (this.statusCode === 304) this.removeHeader("Content-Security-Policy");
      if (this.getHeader("Cache-Control") !== undefined) return;
      const download = /attachment/i.test(String(this.getHeader("Content-Disposition") ?? ""));
      if (authenticated || download || this.getHeader("Set-Cookie") !== undefined) this.setHeader("Cache-Control", "no-store");
    });
    // Server-sent events: tracked so a shutdown can wait for them to end (they end on its signal).
    onHeaders(res, function (this: ServerResponse) {
      if (/^text\/event-stream/i.test(String(this.getHeader("Content-Type") ?? ""))) {
        streams.add(this);
        this.once("close", () => streams.delete(this));
      }
    });
    next();
  });

  // 5. gzip or brotli for text over 1 KB; never an event stream, which must reach the browser as written.
  app.use(
    compression({
      threshold: 1024,
      filter: (_req, res) => {
        const type = String(res.getHeader("Content-Type") ?? "");
        if (/^text\/event-stream/i.test(type)) return false;
        return /^(text\/(html|csv|plain|css|javascript|x-script)|application\/(json|javascript|xml))/i.test(type);
      },
    }),
  );

  // Remix streams every body, so compression cannot see a small one's size: text answers (JSON,
  // CSV, plain) are whole in memory already, so they are gathered and sent with their length, and
  // the 1 KB threshold applies. Documents and event streams go on streaming.
  app.use((_req, res, next) => {
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let chunks: Buffer[] | null = null;
    const gathering = () => {
      if (chunks) return true;
      if (res.headersSent || !/^(application\/json|text\/csv|text\/plain)/i.test(String(res.getHeader("Content-Type") ?? ""))) return false;
      chunks = [];
      return true;
    };
    const bytesOf = (chunk: unknown, encoding: unknown) =>
      Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === "string"
          ? Buffer.from(chunk, (typeof encoding === "string" ? encoding : "utf8") as BufferEncoding)
          : Buffer.from(chunk as Uint8Array);
    res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      if (!gathering()) return write(chunk, encoding, callback);
      chunks!.push(bytesOf(chunk, encoding));
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
      if (typeof chunk === "function") return end(chunk);
      if (!chunks && (chunk === undefined || chunk === null || !gathering())) return end(chunk, encoding, callback);
      if (chunk !== undefined && chunk !== null) chunks!.push(bytesOf(chunk, encoding));
      const body = Buffer.concat(chunks!);
      chunks = null;
      res.setHeader("Content-Length", body.length);
      return end(body, typeof encoding === "function" ? encoding : callback);
    }) as typeof res.end;
    next();
  });

  // 6. Browser assets: fingerprinted names, so a year and immutable; only under their own prefixes, so
  // a page request never looks at the disk. Other files of public/ (none today) each get their path.
  const buildDir = path.join(options.publicDir, "build");
  app.use("/build", express.static(buildDir, { immutable: true, maxAge: "1y", index: false, redirect: false, fallthrough: false }));
  if (existsSync(options.publicDir)) {
    for (const entry of readdirSync(options.publicDir)) {
      if (entry === "build" || entry.startsWith(".")) continue;
      const file = path.join(options.publicDir, entry);
      if (statSync(file).isDirectory()) app.use(`/${entry}`, express.static(file, { maxAge: "1h", index: false, redirect: false, fallthrough: false }));
      else app.get(`/${entry}`, (_req, res, next) => res.sendFile(file, { maxAge: "1h" }, (error) => error && next(error)));
    }
  }

  // 7. Bodies bounded before anything reads them: the Stripe webhook announces its length (Stripe
  // does); a chunked body is counted by the route itself (decision 018).
  app.post("/webhooks/stripe", (req, res, next) => {
    if (Number(req.get("content-length") ?? 0) > webhookMaxBytes) {
      res.set("Connection", "close").status(413).json({ error: "payload too large" });
      return;
    }
    next();
  });

  // 8. A cross-origin post is refused before any app code runs, with the app's own 403 page (Remix
  // would otherwise answer its own origin check with a bare 500). The request becomes a GET of a URL
  // only the catch-all route matches, marked refused: nothing of the post is read or run.
  app.use((req, _res, next) => {
    if (!unsafeMethods.has(req.method) || !isCrossOrigin(req, trustProxy)) return next();
    const store = _res.locals.store as RequestStore & { refused?: boolean };
    store.refused = true;
    const isData = new URLSearchParams(req.url.split("?")[1] ?? "").has("_data");
    req.method = "GET";
    // Remix's adapter builds its Request from originalUrl.
    req.url = req.originalUrl = isData ? "/__refused?_data=routes%2F%24" : "/__refused";
    delete req.headers.origin;
    next();
  });

  // A route that sets a header the server already set (an attachment's own nosniff) replaces it:
  // the adapter appends each header of Remix's answer, which would send both. Remix's Headers joins
  // repeated values into one already, except Set-Cookie, which stays a list.
  app.use((_req, res, next) => {
    const append = res.append.bind(res);
    res.append = (field: string, value?: string | string[]) => (field.toLowerCase() === "set-cookie" ? append(field, value) : res.set(field, value));
    next();
  });

  // 9. A public page this process has kept (decision 062): an anonymous GET gets its 304 or the kept
  // answer here, after one version read, without Remix's loaders, session lookup or render. The
  // function lives in the app build (its cache, its database pool); it answers null when Remix must.
  type Early = (
    request: globalThis.Request,
    nonce: string,
    coding?: "br" | "gzip",
  ) => Promise<{ status: number; headers: [string, string][]; body?: Buffer | ArrayBuffer | string } | null>;
  const early = (build.entry.module as unknown as { earlyPublicAnswer?: Early }).earlyPublicAnswer;
  if (early)
    app.use((req, res, next) => {
      if ((req.method !== "GET" && req.method !== "HEAD") || sessionCookie.test(req.headers.cookie ?? "")) return next();
      const store = res.locals.store as RequestStore & { refused?: boolean };
      if (store.refused) return next();
      const headers = new Headers();
      for (const name of ["cookie", "if-none-match"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers.set(name, value);
      }
      // The coding step 5 would choose: a kept resource is also kept compressed in it (decision 062).
      const coding = new Negotiator(req).encoding([...supportedCodings], [...preferredCodings]);
      early(
        new globalThis.Request(new URL(req.originalUrl, "http://localhost"), { method: req.method, headers }),
        store.cspNonce,
        coding === "br" || coding === "gzip" ? coding : undefined,
      )
        .then((answer) => {
          if (!answer) return next();
          res.locals.early = true;
          res.status(answer.status);
          for (const [name, value] of answer.headers) res.setHeader(name, value);
          if (answer.status === 304 || req.method === "HEAD" || answer.body === undefined) return void res.end();
          res.end(answer.body instanceof ArrayBuffer ? Buffer.from(answer.body) : answer.body);
        })
        // Anything unusual (the database unavailable) is Remix's to answer, with its error page.
        .catch(() => (res.headersSent ? res.destroy() : next()));
    });

  // 10. The app. Its load context is the request's store (one object per request, which the identity
  // lookup of decision 014 keys on).
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: options.mode ?? "production",
      getLoadContext: (_req, res) => res.locals.store,
    }),
  );

  // Errors outside Remix (a missing asset, a malformed request): a status and no stack.
  app.use((error: Error & { status?: number; statusCode?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) res.err = error;
    res
      .status(status)
      .type("text/plain")
      .send(status === 404 ? "Not found" : status < 500 ? "Bad request" : "Internal server error");
  });

  return { app, streams };
}
