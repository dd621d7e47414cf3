// `npm run test:reliability`: build the server once (the load and fault files run the production
// build), then the reliability files. RELIABILITY_SHORT=1 is the short mode CI runs: shorter load,
// fewer generated inputs, the same checks.
import { execFileSync, spawnSync } from "node:child_process";

execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
const result = spawnSync("npx", ["vitest", "run", "--config", "vitest.reliability.config.ts", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
