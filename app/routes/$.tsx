import type { LoaderFunctionArgs } from "@remix-run/node";

// Every unknown URL: a 404 in the user's language. A cross-origin post the server refused
// (server/app.ts) arrives here as a GET marked refused, and is shown the 403 page. No boundary of its
// own: the root's names the page after the status (a handle's title would call a 403 "not found").
export function loader({ context }: LoaderFunctionArgs) {
  if ((context as { refused?: boolean } | undefined)?.refused) throw new Response("Forbidden", { status: 403 });
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
