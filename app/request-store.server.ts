import { AsyncLocalStorage } from "node:async_hooks";

// What the HTTP server (server/) knows about a request and the app cannot read from its Request: the
// client's address from the socket (or the right hop of X-Forwarded-For behind a trusted proxy), the
// request id, the CSP nonce. The server hands it to Remix as the load context and also runs the
// request inside this AsyncLocalStorage, so code given only a Request (actions, streams) reads it too.
// The app fills in who the request acted for, which the server's log line then names.
// One instance per process, shared by the server and the app build (which bundles its own copy of
// this module): kept on globalThis under a registered symbol.

export interface RequestStore {
  requestId: string;
  /** The client's address; null when unknown (code run outside a request). */
  clientAddress: string | null;
  /** The nonce of this answer's Content-Security-Policy, for the document's scripts. */
  cspNonce: string;
  /** Set by the request wrappers: who the request acted for (for the request log only). */
  userId?: string;
  tenantSlug?: string;
}

const key = Symbol.for("xcert.requestStore");
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestStore> | undefined>;
export const requestStorage: AsyncLocalStorage<RequestStore> = (holder[key] ??= new AsyncLocalStorage<RequestStore>());

/** The current request's store, or undefined outside a request served by server/. */
export function currentRequest(): RequestStore | undefined {
  return requestStorage.getStore();
}

const shutdownKey = Symbol.for("xcert.shutdown");
const shutdownHolder = globalThis as unknown as Record<symbol, AbortController | undefined>;

/** Aborted when the server begins a graceful shutdown: long answers (server-sent events) end on it. */
export function shutdownSignal(): AbortSignal {
  return (shutdownHolder[shutdownKey] ??= new AbortController()).signal;
}

/** Called once by the server on SIGTERM. */
export function beginShutdown() {
  (shutdownHolder[shutdownKey] ??= new AbortController()).abort();
}
