import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { isProduction } from "~/env.server";

const maxAgeSeconds = 60 * 60 * 24 * 30;
export const sessionMaxAgeMs = maxAgeSeconds * 1000;

// The cookie holds a random token; the database keeps only its sha256. `__Host-` in production pins
// it to this host over HTTPS.
function sessionCookie() {
  return createCookie(isProduction() ? "__Host-xcert_session" : "xcert_session", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: isProduction(),
    maxAge: maxAgeSeconds,
  });
}

export function newToken() {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export function commitSessionCookie(token: string) {
  return sessionCookie().serialize(token);
}

export function clearSessionCookie() {
  return sessionCookie().serialize("", { maxAge: 0 });
}
