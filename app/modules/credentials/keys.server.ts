import { createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { env, isProduction } from "~/env.server";

// The two secrets of the credential registry (decisions 038, 039).

// Public on purpose: demo data only. Production refuses to start without CREDENTIAL_ID_KEY.
const demoIdKey = "xcert-demo-credential-id-key-not-secret-0000";

/** An ID document number as compared: NFKC, no spaces, upper case (a final x of a 身份证 is X). */
export function normalizeIdNumber(value: string) {
  return value.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

/** The keyed hash stored instead of the ID number: the same person is found again, nobody can read it back. */
export function hashIdNumber(idNumber: string): string {
  const key = env().CREDENTIAL_ID_KEY ?? (isProduction() ? null : demoIdKey);
  if (!key) throw new Error("CREDENTIAL_ID_KEY is not set");
  return createHmac("sha256", key).update(normalizeIdNumber(idNumber)).digest("hex");
}

export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK & { kid: string };
}

let signingKey: Promise<SigningKey> | undefined;

/** Where demo mode keeps the key it generated (beside the embedded database). */
function demoKeyFile() {
  return path.join(process.cwd(), ".data", "credential-signing-key.json");
}

async function loadPrivateJwk(): Promise<JWK> {
  const configured = env().CREDENTIAL_SIGNING_KEY;
  if (configured) return JSON.parse(configured) as JWK;
  if (isProduction()) throw new Error("CREDENTIAL_SIGNING_KEY is not set");
  const file = demoKeyFile();
  try {
    return JSON.parse(await readFile(file, "utf8")) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const jwk = await exportJWK(privateKey);
    await mkdir(path.dirname(file), { recursive: true });
    // wx: two processes starting together keep the first key written.
    await writeFile(file, JSON.stringify(jwk), { flag: "wx", mode: 0o600 }).catch(() => {});
    return JSON.parse(await readFile(file, "utf8")) as JWK;
  }
}

/** The platform's Ed25519 key: the private half signs, the public half is published at /.well-known/jwks.json. */
export function credentialSigningKey(): Promise<SigningKey> {
  signingKey ??= (async () => {
    const jwk = await loadPrivateJwk();
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d) throw new Error("CREDENTIAL_SIGNING_KEY must be a private Ed25519 JWK");
    const { d: _private, ...publicPart } = jwk;
    const kid = await calculateJwkThumbprint(publicPart);
    const privateKey = (await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA")) as CryptoKey;
    return { privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x: publicPart.x, kid, alg: "EdDSA", use: "sig" } };
  })();
  signingKey.catch(() => (signingKey = undefined));
  return signingKey;
}
