import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, inject } from "vitest";
import { startServersFromSeededDemo } from "./server-process";
import { applyTestEnv } from "./test-env";

applyTestEnv();
// The signing key, required in production too: one per test process.
if (!process.env.CREDENTIAL_SIGNING_KEY) {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  process.env.CREDENTIAL_SIGNING_KEY = JSON.stringify(await exportJWK(privateKey));
}
// Uploaded attachments go to a directory of this test file's own, never .data/.
const files = mkdtempSync(path.join(os.tmpdir(), "xcert-test-files-"));
process.env.STORAGE_DIR ??= path.join(files, "storage");
afterAll(() => rmSync(files, { recursive: true, force: true }));
// Servers started with the demo copy the demo seeded once for the whole run (global-setup.ts).
const seeded = { pgliteDump: inject("seededDump"), pgTemplate: inject("seededTemplate"), files: inject("seededFiles") };
if (seeded.pgliteDump || seeded.pgTemplate) startServersFromSeededDemo(seeded);
