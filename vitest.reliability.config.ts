import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:reliability`: load, fault, fuzzing and replays (tests/reliability). One file at a time:
// the load and fault files measure the server and would measure each other.
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["tests/reliability/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-file.ts"],
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
