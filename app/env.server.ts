import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  // `npm start` serves the demo with NODE_ENV=production (remix-serve's default) and XCERT_DEMO=1:
  // demo mode keeps the development conveniences (the /dev/mail outbox viewer, plain cookie name).
  XCERT_DEMO: z.enum(["0", "1"]).default("0"),
  DATABASE_URL: z.string().url().optional(),
  APP_URL: z.string().url().optional(),
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().default("XCert <no-reply@xcert.example>"),
  EMAIL_WORKER: z.enum(["on", "off"]).default("on"),
  EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  // Only for tests: where the local double of Stripe's API listens (host:port, plain HTTP).
  STRIPE_API_BASE: z.string().url().optional(),
  // Behind a reverse proxy that sets X-Forwarded-For, set 1: the client address is its first hop.
  // Off by default: a server facing clients directly would otherwise trust a forged header.
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  // Only for tests: a directory where import runners pause at each progress checkpoint (decision 017).
  XCERT_IMPORT_GATE_DIR: z.string().min(1).optional(),
  // The key of the holders' ID-document hashes (HMAC-SHA-256, decision 038). Required in production:
  // without it the same person could not be found again, and a guessable key would make the hashes
  // reversible by trying every ID number. Demo mode and tests use a fixed, public key.
  CREDENTIAL_ID_KEY: z.string().min(32).optional(),
  // The platform's Ed25519 key signing verifiable credentials (a private JWK as JSON, decision 039).
  // Required in production; demo mode generates one on first start and keeps it under .data/.
  CREDENTIAL_SIGNING_KEY: z.string().min(1).optional(),
});

export type Env = z.infer<typeof schema>;

/** What production refuses to start without (the server exits with these names). */
export function missingProductionSecrets(e: Env): string[] {
  if (!isProduction(e)) return [];
  return (["CREDENTIAL_ID_KEY", "CREDENTIAL_SIGNING_KEY"] as const).filter((name) => !e[name]);
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= schema.parse(process.env);
  return cached;
}

/** Production proper: no demo conveniences, `__Host-` cookies. */
export function isProduction(e: Env = env()) {
  return e.NODE_ENV === "production" && e.XCERT_DEMO !== "1";
}
