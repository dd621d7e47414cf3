import { randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { startBackground, stopBackground } from "./background.server";
import { getLocale } from "./i18n/locale.server";
import { retryAfterSeconds } from "./modules/tenancy/unavailable.server";
import { DocumentProvider } from "./ui/document-context";

// Open the database (migrated, query role checked) and the email worker when the server starts.
void startBackground();

/** For the server (server/): wait for the database before listening, stop the background on SIGTERM. */
export const background = { ready: startBackground, stop: stopBackground };

const abortDelay = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The server (server/app.ts) made this answer's nonce and put it in the Content-Security-Policy
  // header with the other security headers; without it (no server in front) the document still renders.
  const nonce = typeof loadContext?.cspNonce === "string" ? loadContext.cspNonce : randomBytes(16).toString("base64");
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
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

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Never log request bodies: they may hold passwords.
  console.error(error instanceof Error ? error.stack : error);
}
