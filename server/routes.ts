import type { ServerBuild } from "@remix-run/node";
// react-router's matcher, as Remix itself matches (already loaded by the build; a direct dependency).
import { matchRoutes } from "@remix-run/react";

type RouteObject = Parameters<typeof matchRoutes>[0][number];

/**
 * The route id a URL reaches, for the request log: a data request names it (`?_data=`), a document
 * is the deepest route its path matches. Built once from the build's route manifest.
 */
export function routeMatcher(build: ServerBuild): (url: string) => string | undefined {
  const tree = (parentId: string | undefined): RouteObject[] =>
    Object.values(build.routes)
      .filter((route) => route.parentId === parentId)
      .map(
        (route) =>
          ({
            id: route.id,
            path: route.path,
            index: route.index,
            caseSensitive: route.caseSensitive,
            children: route.index ? undefined : tree(route.id),
          }) as RouteObject,
      );
  const routes = tree(undefined);
  // matchRoutes ranks every route on each call: the answers of recent paths are kept (bounded).
  const known = new Map<string, string | undefined>();
  return (url) => {
    const [pathname = "/", search = ""] = url.split("?");
    const data = search ? new URLSearchParams(search).get("_data") : null;
    if (data) return data;
    if (known.has(pathname)) return known.get(pathname);
    const matches = matchRoutes(routes, pathname);
    const id = matches?.[matches.length - 1]?.route.id;
    if (known.size >= 1000) known.clear();
    known.set(pathname, id);
    return id;
  };
}
