// `npm test`: build the server (unless build/ is newer than its sources), then run every suite with vitest. The browser journeys need
// Debian's Chromium: without it they are left out with a notice, except under CI=true, where a
// missing Chromium fails the run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const args = ["vitest", "run", ...process.argv.slice(2)];
if (!existsSync(chromium)) {
  if (process.env.CI === "true") {
    console.error(`CI=true and no Chromium at ${chromium}: the browser journeys cannot run.`);
    process.exit(1);
  }
  console.warn(`No Chromium at ${chromium}: browser journeys (tests/e2e) left out. apt-get install chromium to run them.`);
  args.push("--exclude", "tests/e2e/**");
}
if (buildIsCurrent()) console.log("build/ is newer than every source it is built from: remix build skipped.");
else execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
const result = spawnSync("npx", args, { stdio: "inherit" });
process.exit(result.status ?? 1);

/**
 * Whether the server build is newer than everything it is built from (sources, configs, installed
 * packages and their patches; a directory's time covers a file removed from it). CI runs the tests
 * twice, on PGlite and on PostgreSQL: the second run reuses the first's build.
 */
function buildIsCurrent() {
  const built = ["build/index.js", "public/build"].map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0));
  if (built.includes(0)) return false;
  const sources = [
    "app",
    "db",
    "emails",
    "patches",
    "remix.config.js",
    "tailwind.config.ts",
    "postcss.config.js",
    "tsconfig.json",
    "package.json",
    "package-lock.json",
    "node_modules/.package-lock.json",
  ];
  return Math.max(...sources.map(newest)) < Math.min(...built);
}

function newest(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((entry) => newest(path.join(file, entry))));
}
