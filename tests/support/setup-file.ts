import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll } from "vitest";

// Tests host the server build in-process: no background email worker (tests drive it). Demo mode on,
// so the seeded accounts log in with the password alone (decision 031: the seed's exemption from the
// second factor counts only under XCERT_DEMO=1); second-factor.test.ts turns it off. Demo mode changes
// nothing else outside NODE_ENV=production.
process.env.EMAIL_WORKER = "off";
process.env.XCERT_DEMO = "1";
process.env.TRUST_PROXY = "1";
// The credential registry's secrets, required in production (servers the tests start with
// NODE_ENV=production inherit them): a test key of their own, never the demo's.
process.env.CREDENTIAL_ID_KEY ??= "test-credential-id-key-0123456789abcdef";
if (!process.env.CREDENTIAL_SIGNING_KEY) {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  process.env.CREDENTIAL_SIGNING_KEY = JSON.stringify(await exportJWK(privateKey));
}
// Uploaded attachments go to a directory of this test file's own, never .data/.
const files = mkdtempSync(path.join(os.tmpdir(), "xcert-test-files-"));
process.env.STORAGE_DIR ??= path.join(files, "storage");
afterAll(() => rmSync(files, { recursive: true, force: true }));
