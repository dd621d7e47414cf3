// What the benchmark scripts (run.ts, patch-ab.ts) share: the load generator in its own process, a
// logged-in session, and the credential keys production refuses to start without.
import { spawn } from "node:child_process";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { password } from "../support/demo";
import type { LoadResult, LoadSpec } from "./load";

const root = path.resolve(import.meta.dirname, "../..");

/** The load generator in its own process (tests/bench/load.ts), so it never shares an event loop with what it measures. */
export function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "tests/bench/load.ts"), JSON.stringify(spec)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as LoadResult) : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

export const formHeaders = { "content-type": "application/x-www-form-urlencoded" };

/** The session cookie of a demo-password account, logged in through the form. */
export async function login(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    headers: formHeaders,
    body: new URLSearchParams({ email, password, redirectTo: "" }),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().find((c) => c.includes("xcert_session="));
  if (response.status !== 302 || !cookie) throw new Error(`login of ${email} answered ${response.status}: ${await response.text()}`);
  return cookie.split(";")[0];
}

/** Production refuses to start without the credential registry's keys (decisions 038, 039): the bench's own. */
export const credentialKeys = {
  CREDENTIAL_ID_KEY: "bench-credential-id-key-0123456789abcdef",
  CREDENTIAL_SIGNING_KEY: JSON.stringify(await exportJWK((await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).privateKey)),
};
