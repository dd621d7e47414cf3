import { ErrorPage } from "~/root";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "errorPage.notFound.title" };

// Every unknown URL: a 404 in the user's language.
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = ErrorPage;
