// postinstall: patches postgres.js 3.4.9 (the latest release) where it crashes the whole process when
// PostgreSQL drops connections under load (a restart, a failover). A transaction's ROLLBACK written to
// a reserved connection whose socket is already closed schedules `nextWrite`, which then calls
// `socket.write` on null from a setImmediate: an uncaught TypeError, remix-serve exits
// (porsager/postgres#1066, #1154, #1208; fixes proposed in #1168 and #1176, not released). And the
// teardown clears the pending write timer without forgetting it, so a reused connection never flushes
// a small write again. The patch fails the waiting queries with CONNECTION_CLOSED instead, and resets
// the write state on teardown. A third part (below) keeps a dead transaction's queries off its
// connection once that reconnects for someone else. Found by tests/reliability/fault.test.ts; drop this file once a release
// has the fix (the script refuses to run on a driver it does not recognize, so an upgrade is noticed).
/* global process, console */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const marker = "xcert-patch: null socket";
const require = createRequire(import.meta.url);
let root;
try {
  root = path.dirname(path.dirname(require.resolve("postgres")));
} catch {
  process.exit(0); // not installed (yet): nothing to patch
}
// require.resolve gives cjs/src/index.js: the package root is two levels up from cjs/src.
root = path.dirname(root);

const replacements = [
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {
    if (!socket) { // ${marker}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  ],
  ["    clearImmediate(nextWriteTimer)\n    if (socket) {", "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {"],
  ["    remaining = 0\n    incomings = null\n    clearImmediate(nextWriteTimer)\n", "    remaining = 0\n    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n"],
];

// The transaction of a connection that closed under it keeps sending its queries (its ROLLBACK first) to
// that connection object, which by then may be reconnecting (the bytes go out before the startup
// message, spoiling the new session) or serving another request's transaction (whose work it would
// roll back half-way). Refuse them once the connection closed.
const transactionReplacements = [
  ["    let savepoints = 0\n      , connection\n", "    let savepoints = 0\n      , closed = false // xcert-patch: closed transaction\n      , connection\n"],
  ["        new Promise((_, reject) => connection.onclose = reject)", "        new Promise((_, reject) => connection.onclose = e => (closed = true, reject(e)))"],
  [
    "      function handler(q) {\n        q.catch(e => uncaughtError || (uncaughtError = e))\n",
    "      function handler(q) {\n        q.catch(e => uncaughtError || (uncaughtError = e))\n        if (closed)\n          return q.reject(Errors.connection('CONNECTION_CLOSED', options))\n",
  ],
];

function patch(file, replacements, mark) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return;
  }
  if (text.includes(mark)) return;
  for (const [from, to] of replacements) {
    if (text.split(from).length !== 2) {
      console.error(`db/patch-postgres-driver.mjs: ${file} is not the postgres.js this patch knows. Check whether the release fixes porsager/postgres#1154 and remove the patch, or update it.`);
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}

for (const flavor of ["src", "cjs/src", "cf/src"]) {
  patch(path.join(root, flavor, "connection.js"), replacements, marker);
  patch(path.join(root, flavor, "index.js"), transactionReplacements, "xcert-patch: closed transaction");
}
