// postinstall: patches @remix-run/router 1.23.x (the router under Remix v2, no later 1.x release) so the
// server stops recompiling every route's pattern on every request. Each document request matches the
// ~80 routes several times (server runtime, static handler, RemixServer, the lazy-discovery manifest),
// and each match flattened and ranked the whole route tree and built a RegExp per route segment: about
// a fifth of the CPU of a small page (docs/PERFORMANCE.md). React Router 7 caches both since
// remix-run/react-router#14967; this does the same in the server's CommonJS build: compiled paths in a
// bounded Map, ranked branches per routes array (dropped whenever routes are patched in place). Only
// the cache is new, never the matching. Decision 012. The script refuses a router it does not know,
// so an upgrade is noticed; drop it when Remix moves to React Router 7.
/* global process, console */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

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

let text = readFileSync(file, "utf8");
if (!text.includes(marker)) {
  for (const [from, to] of replacements) {
    if (text.split(from).length !== 2) {
      console.error(`app/patch-remix-router.mjs: ${file} is not the @remix-run/router this patch knows. Check whether it caches route matching and remove the patch, or update it.`);
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}
