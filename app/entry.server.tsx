import { randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { startBackground, stopBackground } from "./background.server";
import { getLocale } from "./i18n/locale.server";
import {
  cachedDocument,
  documentResponse,
  earlyPublicAnswer,
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

/** For the server (server/): wait for the database before listening, stop the background on SIGTERM. */
export const background = { ready: startBackground, stop: stopBackground };

/** For the server (server/app.ts): a public page's hit or 304 answered before Remix (decision 062). */
export { earlyPublicAnswer };

const abortDelay = 5_000;

const newNonce = () => randomBytes(16).toString("base64");
const nonceOf = (loadContext: AppLoadContext) => (typeof loadContext?.cspNonce === "string" ? loadContext.cspNonce : newNonce());

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The server (server/app.ts) made this answer's nonce and put it in the Content-Security-Policy
  // header with the other security headers; without it (no server in front) the document still renders.
  const answer = publicAnswerOf(loadContext);
  if (answer && "private" in answer) privateHeaders(responseHeaders);
  else if (answer && responseStatusCode === 200) return publicDocument(request, responseHeaders, remixContext, answer, nonceOf(loadContext));
  return renderDocument(request, responseStatusCode, responseHeaders, remixContext, nonceOf(loadContext));
}

/**
 * A public page for an anonymous visitor (decision 026): 304 when the client has this version, else the
 * HTML rendered once per page key and kept with a placeholder where the nonce goes; every response
 * gets its own nonce in the HTML, the one the server (server/app.ts) put in its CSP header. The 304
 * carries no CSP (the server drops it): the client keeps the one stored with the body it already has,
 * whose nonce matches that body.
 */
async function publicDocument(
  request: Request,
  responseHeaders: Headers,
  remixContext: EntryContext,
  answer: { key: string; etag: string; dataEtag: string; at: string; group: string },
  nonce: string,
) {
  if (matchesEtag(request, answer.etag)) return notModified(answer.etag);
  let kept = cachedDocument(answer);
  if (!kept) {
    const placeholder = newNonce();
    const rendered = await renderDocument(request, 200, responseHeaders, remixContext, placeholder, true);
    if (rendered.status !== 200) return rendered;
    const html = await rendered.text();
    kept = keepDocument(answer, html, rendered.headers, placeholder);
  }
  return documentResponse(kept, answer.etag, nonce);
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
          const body = withoutTrailingNuls();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
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

/**
 * React 18's streaming renderer flushes its whole 2 KB view even when a multi-byte character (most
 * Chinese text) did not fit at its end, so up to three NUL bytes reach the page there
 * (facebook/react#26228, fixed in React 19 only); where they fall moves with every change of layout.
 * No valid HTML holds a NUL: they are dropped from the end of each chunk React writes.
 */
function withoutTrailingNuls() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--;
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
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
