// `npm run test:reliability`: build the server once (the load and fault files run the production
// build), then the reliability files. RELIABILITY_SHORT=1 is the short mode CI runs: shorter load,
// fewer generated inputs, the same checks. On PostgreSQL the server runs as production does, with
// several processes (WEB_CONCURRENCY=2 unless set); on PGlite it is one process (decision 025).
import { execFileSync, spawnSync } from "node:child_process";

execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
const env = { ...process.env, WEB_CONCURRENCY: process.env.WEB_CONCURRENCY ?? (process.env.DATABASE_URL ? "2" : "1") };
const result = spawnSync("npx", ["vitest", "run", "--config", "vitest.reliability.config.ts", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
