import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { npmVersion } from "drizzle-orm/version";
import { describe, expect, it } from "vitest";
import { assertPrepareQueryFits, prepareQueryWrittenFor } from "../../db/client.server";

// The dependency patches under patches/ (applied by `npm ci` through patch-package) each target one
// exact release: package.json pins it, and the patched code is what the server loads.

const root = path.resolve(import.meta.dirname, "../..");
const require = createRequire(path.join(root, "package.json"));
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  overrides?: Record<string, string>;
};
const patches = readdirSync(path.join(root, "patches"))
  .filter((file) => file.endsWith(".patch"))
  .map((file) => {
    const [, scope, name, version] = /^(?:(@[^+]+)\+)?(.+)\+(\d+\.\d+\.\d+)\.patch$/.exec(file) ?? [];
    return { file, name: scope ? `${scope}/${name}` : name, version };
  });

const installedDir = (name: string) => path.join(root, "node_modules", name);
const installedVersion = (name: string) => (JSON.parse(readFileSync(path.join(installedDir(name), "package.json"), "utf8")) as { version: string }).version;

describe("dependency patches", () => {
  it("pins every patched dependency to the exact release its patch targets, and that release is installed", () => {
    expect(patches.map((p) => p.name).sort()).toEqual(["@remix-run/react", "@remix-run/router", "postgres", "react-router-dom"]);
    for (const { name, version } of patches) {
      expect(manifest.dependencies[name], name).toBe(version);
      expect(installedVersion(name), name).toBe(version);
    }
    // Transitive copies (under @remix-run/server-runtime, react-router-dom) follow the pinned release.
    expect(manifest.overrides?.["@remix-run/router"]).toBe("$@remix-run/router");
    expect(manifest.overrides?.["react-router-dom"]).toBe("$react-router-dom");
  });

  it("has the postgres.js fixes in every build of the driver (decision 010)", () => {
    const driver = installedDir("postgres");
    for (const flavor of ["src", "cjs/src", "cf/src"]) {
      expect(readFileSync(path.join(driver, flavor, "connection.js"), "utf8")).toContain("xcert-patch: null socket");
      expect(readFileSync(path.join(driver, flavor, "index.js"), "utf8")).toContain("xcert-patch: closed transaction");
    }
  });

  it("has the route matching cache in the router and server rendering the server loads (decision 012)", () => {
    const runtime = require.resolve("@remix-run/server-runtime");
    const files = [
      require.resolve("@remix-run/router/dist/router.cjs.js", { paths: [runtime] }),
      require.resolve("@remix-run/react/dist/server.js", { paths: [runtime] }),
      require.resolve("react-router-dom/server.js", { paths: [require.resolve("@remix-run/react/dist/server.js", { paths: [runtime] })] }),
    ];
    for (const file of files) expect(readFileSync(file, "utf8")).toContain("xcert-patch: route matching cache");
  });

  it("refuses to override drizzle's prepareQuery on a release it was not written for", () => {
    // db/client.server.ts ran the guard on import (above) against the installed release's method.
    expect(prepareQueryWrittenFor).toContain(npmVersion);
    const sevenArguments = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown) => [a, b, c, d, e, f, g];
    expect(() => assertPrepareQueryFits(npmVersion, sevenArguments)).not.toThrow();
    expect(() => assertPrepareQueryFits("0.46.0", sevenArguments)).toThrow(/not 0\.46\.0/);
    // Same version, but a method of another shape (an argument added or dropped).
    expect(() => assertPrepareQueryFits(npmVersion, (query: unknown, fields: unknown, name: unknown) => [query, fields, name])).toThrow(/prepareQuery/);
  });
});
