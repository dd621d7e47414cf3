import { createCookie } from "@remix-run/node";
import { defaultLocale, isLocale, type Locale } from "./i18n";

export type { Locale };

// The language choice outlives the session: it is also stored on the user when signed in.
export const localeCookie = createCookie("lng", { path: "/", sameSite: "lax", httpOnly: false, maxAge: 60 * 60 * 24 * 365 });

function cookieValue(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "lng") return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

export function getLocale(request: Request): Locale {
  const fromCookie = cookieValue(request);
  if (isLocale(fromCookie)) return fromCookie;
  return defaultLocale;
}

export async function serializeLocale(locale: Locale) {
  return localeCookie.serialize(locale);
}
