import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
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
          const body = new PassThrough();
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

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Never log request bodies: they may hold passwords.
  console.error(error instanceof Error ? error.stack : error);
}
