// The environment every test process shares, set in the global setup (which seeds the demo once)
// and again in each test file's process: the seeded rows depend on it (holder ids are keyed hashes).
export function applyTestEnv() {
  // Tests host the server build in-process: no background email worker (tests drive it). Demo mode on,
  // so the seeded accounts log in with the password alone (decision 031: the seed's exemption from the
  // second factor counts only under XCERT_DEMO=1); second-factor.test.ts turns it off. Demo mode changes
  // nothing else outside NODE_ENV=production.
  process.env.EMAIL_WORKER = "off";
  process.env.XCERT_DEMO = "1";
  process.env.TRUST_PROXY = "1";
  // The credential registry's ID key, required in production (servers the tests start with
  // NODE_ENV=production inherit it): a test key of its own, never the demo's.
  process.env.CREDENTIAL_ID_KEY ??= "test-credential-id-key-0123456789abcdef";
}
