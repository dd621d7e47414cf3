import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

// Tests host the server build in-process: no background email worker (tests drive it), demo mode off.
process.env.EMAIL_WORKER = "off";
process.env.TRUST_PROXY = "1";
// Uploaded attachments go to a directory of this test file's own, never .data/.
const files = mkdtempSync(path.join(os.tmpdir(), "xcert-test-files-"));
process.env.STORAGE_DIR ??= path.join(files, "storage");
afterAll(() => rmSync(files, { recursive: true, force: true }));
