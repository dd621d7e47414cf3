// `npm test`: build the server once, then run every suite with vitest. The browser journeys need
// Debian's Chromium: without it they are left out with a notice, except under CI=true, where a
// missing Chromium fails the run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

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
execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
const result = spawnSync("npx", args, { stdio: "inherit" });
process.exit(result.status ?? 1);
