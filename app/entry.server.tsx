import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { startBackground } from "./background.server";
import { getLocale } from "./i18n/locale.server";
import {
  cachedDocument,
  keepDocument,
  matchesEtag,
  notModified,
  privateHeaders,
  publicAnswerOf,
  publicHeaders,
} from "./modules/public-cache/public-cache.server";
import { retryAfterSeconds } from "./modules/tenancy/unavailable.server";
import { DocumentProvider } from "./ui/document-context";

// Open the database (migrated, query role checked) and the email worker when the server starts.
void startBackground();

const abortDelay = 5_000;

function securityHeaders(headers: Headers, nonce: string) {
  headers.set(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join("; "),
  );
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
}

const newNonce = () => randomBytes(16).toString("base64");

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const answer = publicAnswerOf(loadContext);
  if (answer && "private" in answer) privateHeaders(responseHeaders);
  else if (answer && responseStatusCode === 200) return publicDocument(request, responseHeaders, remixContext, answer);
  return renderDocument(request, responseStatusCode, responseHeaders, remixContext, newNonce());
}

/**
 * A public page for an anonymous visitor (decision 026): 304 when the client has this version, else the
 * HTML rendered once per page key and kept with a placeholder where the nonce goes; every response
 * gets a fresh nonce in both its CSP and its HTML. The 304 carries no CSP: the client keeps the one
 * stored with the body it already has, whose nonce matches that body.
 */
async function publicDocument(request: Request, responseHeaders: Headers, remixContext: EntryContext, answer: { key: string; etag: string; dataEtag: string }) {
  if (matchesEtag(request, answer.etag)) return notModified(answer.etag);
  let kept = cachedDocument(answer);
  if (!kept) {
    const placeholder = newNonce();
    const rendered = await renderDocument(request, 200, responseHeaders, remixContext, placeholder, true);
    if (rendered.status !== 200) return rendered;
    const html = await rendered.text();
    keepDocument(answer, html, rendered.headers, placeholder);
    kept = { body: html, headers: [...rendered.headers], noncePlaceholder: placeholder };
  }
  const nonce = newNonce();
  const headers = new Headers(kept.headers);
  securityHeaders(headers, nonce);
  publicHeaders(headers, answer.etag);
  return new Response((kept.body as string).replaceAll(kept.noncePlaceholder!, nonce), { status: 200, headers });
}

function renderDocument(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  nonce: string,
  whole = false,
): Promise<Response> {
  const waitForAll = whole || isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <DocumentProvider value={{ nonce, locale: getLocale(request) }}>
        <RemixServer context={remixContext} url={request.url} abortDelay={abortDelay} nonce={nonce} />
      </DocumentProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          securityHeaders(responseHeaders, nonce);
          // The error page of a database outage (a 503 thrown by the request wrapper): tell clients when to retry.
          if (responseStatusCode === 503) responseHeaders.set("Retry-After", String(retryAfterSeconds));
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, abortDelay);
  });
}

/** Data requests of a public page (`?_data=`): the same ETag, 304 and Cache-Control as its document. */
export function handleDataRequest(response: Response, { request, context }: { request: Request; context: AppLoadContext }) {
  const answer = publicAnswerOf(context);
  if (!answer) return response;
  if ("private" in answer) privateHeaders(response.headers);
  else if (response.status === 200) {
    if (matchesEtag(request, answer.dataEtag)) return notModified(answer.dataEtag);
    publicHeaders(response.headers, answer.dataEtag);
  }
  return response;
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Never log request bodies: they may hold passwords.
  console.error(error instanceof Error ? error.stack : error);
}
