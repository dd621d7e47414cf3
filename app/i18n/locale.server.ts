import { defaultLocale, isLocale, type Locale } from "./i18n";

export type { Locale };

// The language choice outlives the session: it is also stored on the user when signed in.

function cookieValue(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== "lng") continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function getLocale(request: Request): Locale {
  const fromCookie = cookieValue(request);
  if (isLocale(fromCookie)) return fromCookie;
  return defaultLocale;
}

/** A plain `lng=en` cookie, readable by getLocale and by the browser's scripts alike. */
export async function serializeLocale(locale: Locale) {
  return `lng=${encodeURIComponent(locale)}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax`;
}
