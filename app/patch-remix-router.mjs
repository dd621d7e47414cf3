// postinstall: patches @remix-run/router 1.23.x (the router under Remix v2, no later 1.x release) so the
// server stops recompiling every route's pattern on every request. Each document request matches the
// ~80 routes several times (server runtime, static handler, RemixServer, the lazy-discovery manifest),
// and each match flattened and ranked the whole route tree and built a RegExp per route segment: about
// a fifth of the CPU of a small page (docs/PERFORMANCE.md). React Router 7 caches both since
// remix-run/react-router#14967; this does the same in the server's CommonJS build: compiled paths in a
// bounded Map, ranked branches per routes array (dropped whenever routes are patched in place). And
// RemixServer (@remix-run/react 2.17, react-router-dom 6.30) builds its route objects once per build
// instead of per request, so that cache hits during the render too. Only caches are new, never the
// matching. Decision 012. The script refuses a file it does not know, so an upgrade is noticed; drop
// it when Remix moves to React Router 7.
/* global process, console */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const marker = "xcert-patch: route matching cache";
const require = createRequire(import.meta.url);
let file;
try {
  file = require.resolve("@remix-run/router/dist/router.cjs.js", { paths: [require.resolve("@remix-run/server-runtime")] });
} catch {
  process.exit(0); // not installed (yet): nothing to patch
}

const replacements = [
  [
    "  let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);\n  let matches = null;",
    `  // ${marker}
  let branches = rankedBranches.get(routes);
  if (!branches) {
    branches = flattenRoutes(routes);
    rankRouteBranches(branches);
    rankedBranches.set(routes, branches);
  }
  let matches = null;`,
  ],
  [
    "function compilePath(path, caseSensitive, end) {\n",
    `// ${marker}
let rankedBranches = new WeakMap();
const compiledPaths = new Map();
function compilePath(path, caseSensitive, end) {
  const key = path + "\\u0000" + caseSensitive + "\\u0000" + end;
  let compiled = compiledPaths.get(key);
  if (!compiled) {
    if (compiledPaths.size >= 1000) compiledPaths.clear();
    compiled = compilePathUncached(path, caseSensitive, end);
    compiledPaths.set(key, compiled);
  }
  return compiled;
}
function compilePathUncached(path, caseSensitive, end) {
`,
  ],
  // Lazy route discovery adds children to existing route arrays: forget every ranked tree.
  [
    "function patchRoutesImpl(routeId, children, routesToUse, manifest, mapRouteProperties) {\n",
    `function patchRoutesImpl(routeId, children, routesToUse, manifest, mapRouteProperties) {\n  rankedBranches = new WeakMap(); // ${marker}\n`,
  ],
];

/** Applies `replacements` once to `target`, or stops the install if the file is not the one they fit. */
function patch(target, replacements) {
  let text = readFileSync(target, "utf8");
  if (text.includes(marker)) return;
  for (const [from, to] of replacements) {
    if (text.split(from).length !== 2) {
      console.error(`app/patch-remix-router.mjs: ${target} is not the file this patch knows. Check whether it caches route matching and remove the patch, or update it.`);
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(target, text);
}

patch(file, replacements);

// Server rendering: RemixServer rebuilt the route objects from the build's manifest on every request
// and the static router converted them again, so the ranked-branch cache above never hit for the
// render's own matching nor for the lazy-discovery manifest in <Scripts>. Both are now built once per
// build: the server routes per manifest (while the route modules are the same), the data routes per
// routes array. Nothing mutates them while rendering (the static router refuses patchRoutes).
const remixReact = path.dirname(require.resolve("@remix-run/react/package.json", { paths: [require.resolve("@remix-run/server-runtime")] }));
patch(path.join(remixReact, "dist/server.js"), [
  [
    "  let routes$1 = routes.createServerRoutes(manifest.routes, routeModules, context.future, context.isSpaMode);",
    "  let routes$1 = serverRoutesOf(manifest.routes, routeModules, context.future, context.isSpaMode);",
  ],
  [
    "function RemixServer({",
    `// ${marker}
const serverRoutes = new WeakMap();
function serverRoutesOf(manifestRoutes, routeModules, future, isSpaMode) {
  let cached = serverRoutes.get(manifestRoutes);
  const same = cached && cached.future === future && cached.isSpaMode === isSpaMode &&
    Object.keys(routeModules).length === Object.keys(cached.routeModules).length &&
    Object.keys(routeModules).every(id => cached.routeModules[id] === routeModules[id]);
  if (!same) {
    cached = { routeModules: { ...routeModules }, future, isSpaMode, routes: routes.createServerRoutes(manifestRoutes, routeModules, future, isSpaMode) };
    serverRoutes.set(manifestRoutes, cached);
  }
  return cached.routes;
}
function RemixServer({`,
  ],
]);
const routerDomServer = require.resolve("react-router-dom/server.js", { paths: [remixReact] });
patch(routerDomServer, [
  [
    "function createStaticRouter(routes, context, opts = {}) {\n  let manifest = {};\n  let dataRoutes = router.UNSAFE_convertRoutesToDataRoutes(routes, reactRouter.UNSAFE_mapRouteProperties, undefined, manifest);\n",
    `// ${marker}
const staticDataRoutes = new WeakMap();
function createStaticRouter(routes, context, opts = {}) {
  let converted = staticDataRoutes.get(routes);
  if (!converted) {
    const manifest = {};
    converted = { manifest, dataRoutes: router.UNSAFE_convertRoutesToDataRoutes(routes, reactRouter.UNSAFE_mapRouteProperties, undefined, manifest) };
    staticDataRoutes.set(routes, converted);
  }
  let { manifest, dataRoutes } = converted;
`,
  ],
]);
