import { env } from "~/env.server";

/** Absolute links for emails. APP_URL in production; the local server otherwise. */
export function appUrl(path: string) {
  const base = env().APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return new URL(path, base).toString();
}
