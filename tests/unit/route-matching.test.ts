import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

// patches/@remix-run+router+1.23.4.patch and its server-rendering companions (decision 012): the server's router caches compiled patterns and ranked
// branches. The cache must never change an answer: repeated matches agree, and routes patched in
// place (lazy route discovery) are seen at once.

const require = createRequire(import.meta.url);
// The CommonJS build the server loads (an import here would get the ES module build, which is not patched).
const routerFile = require.resolve("@remix-run/router/dist/router.cjs.js", { paths: [require.resolve("@remix-run/server-runtime")] });
const { createMemoryHistory, createRouter, createStaticHandler, matchRoutes } = require(routerFile) as typeof import("@remix-run/router");
// The server rendering files RemixServer loads, patched to build its routes once per build.
const remixServerFile = require.resolve("@remix-run/react/dist/server.js", { paths: [require.resolve("@remix-run/server-runtime")] });
const staticRouterFile = require.resolve("react-router-dom/server.js", { paths: [remixServerFile] });
const { createStaticRouter } = require(staticRouterFile) as typeof import("react-router-dom/server");

describe("route matching cache", () => {
  it("is installed in the router the server runs and in its server rendering", () => {
    for (const file of [routerFile, remixServerFile, staticRouterFile]) expect(readFileSync(file, "utf8")).toContain("xcert-patch: route matching cache");
  });

  it("builds the static router's data routes once per routes array, and each request's matches from its own context", async () => {
    const routes = [
      {
        id: "root",
        path: "/",
        children: [
          { id: "fees", path: "fees" },
          { id: "fee", path: "fees/:id" },
        ],
      },
    ];
    const handler = createStaticHandler(routes);
    const contextOf = async (url: string) => {
      const context = await handler.query(new Request(`http://localhost${url}`));
      if (context instanceof Response) throw new Error("unexpected response");
      return context;
    };
    const first = createStaticRouter(routes, await contextOf("/fees/1"));
    const second = createStaticRouter(routes, await contextOf("/fees/2"));
    const third = createStaticRouter(routes, await contextOf("/fees"));
    expect(second.routes).toBe(first.routes);
    expect(first.state.matches.map((m) => [m.route.id, m.params])).toEqual([
      ["root", { id: "1" }],
      ["fee", { id: "1" }],
    ]);
    expect(second.state.matches.at(-1)?.params).toEqual({ id: "2" });
    expect(third.state.matches.at(-1)?.route.id).toBe("fees");
    // The matches carry the converted data routes (what the render matches against), not the input.
    expect(second.state.matches.at(-1)?.route).toBe(first.routes[0].children?.[1]);
    expect(createStaticRouter([...routes], await contextOf("/fees")).routes).not.toBe(first.routes);
  });

  it("answers the same on every call, params and index routes included", () => {
    const routes: AgnosticRouteObject[] = [
      {
        id: "root",
        path: "/",
        children: [
          {
            id: "workspace",
            path: "w/:slug",
            children: [
              { id: "questions", path: "questions" },
              { id: "question", path: "questions/:questionId" },
              { id: "home", index: true },
            ],
          },
          { id: "fees", path: "fees" },
          { id: "splat", path: "*" },
        ],
      },
    ];
    const ids = (path: string) => matchRoutes(routes, path)?.map((m) => [m.route.id, m.params]);
    for (let i = 0; i < 3; i++) {
      expect(ids("/w/demo-ai/questions")).toEqual([
        ["root", { slug: "demo-ai" }],
        ["workspace", { slug: "demo-ai" }],
        ["questions", { slug: "demo-ai" }],
      ]);
      expect(ids("/w/demo-care/questions/42")?.at(-1)).toEqual(["question", { slug: "demo-care", questionId: "42" }]);
      expect(ids("/w/demo-ai")?.at(-1)?.[0]).toBe("home");
      expect(ids("/FEES")?.at(-1)?.[0]).toBe("fees");
      expect(ids("/nowhere/at/all")?.at(-1)).toEqual(["splat", { "*": "nowhere/at/all" }]);
    }
  });

  it("sees routes patched in place by lazy route discovery", () => {
    const router = createRouter({ routes: [{ id: "root", path: "/", children: [{ id: "a", path: "a" }] }], history: createMemoryHistory() });
    expect(matchRoutes(router.routes, "/b")).toBeNull();
    router.patchRoutes("root", [{ id: "b", path: "b" }]);
    expect(matchRoutes(router.routes, "/b")?.at(-1)?.route.id).toBe("b");
    router.dispose();
  });
});
