// A request that cannot reach the database (PostgreSQL restarting, the network to it down) is the
// server's temporary state, not a bug: answer 503 with Retry-After and a plain message, so clients and
// proxies retry, and never the driver's error (it names hosts, ports and SQL). postgres.js reconnects
// by itself on the next query, so nothing else is needed to recover.

/** Node socket errors and postgres.js's own connection codes. */
const socketCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception),
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down).
 */
function isUnavailableState(code: string) {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";
}

/** Drizzle wraps the driver's error as `cause`: walk the chain. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (socketCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableState(code)))) return true;
  }
  return false;
}

export const retryAfterSeconds = 5;

/**
 * The one 503 answer; both languages, since the locale may be unknown this early. A Response (Remix
 * answers a thrown one as it is, or renders the error boundary with its status) that also reads as
 * an Error in the logs of background work, which goes through the same transaction.
 */
class ServiceUnavailable extends Response {
  readonly message = "database unavailable";
}

export function serviceUnavailable() {
  return new ServiceUnavailable("服务暂时不可用，请稍后再试。\nService temporarily unavailable. Please try again shortly.\n", {
    status: 503,
    statusText: "Service Unavailable",
    headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" },
  });
}
