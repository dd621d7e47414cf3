import { z } from "zod";

const schema = z
  .object({
    NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
    // `npm start` serves the demo with NODE_ENV=production (the server's default) and XCERT_DEMO=1:
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
    // How many reverse proxies in front of the server append to X-Forwarded-For (decision 024). 0, the
    // default: the client address is the socket's peer and forwarded headers are ignored. N: the
    // right-most hop the N proxies did not add; X-Forwarded-Host and X-Request-Id are believed too.
    TRUST_PROXY: z.coerce.number().int().min(0).max(16).default(0),
    // The request log's level (pino: fatal, error, warn, info, debug, trace, silent).
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // A session unused this long is over, whatever its absolute lifetime (30 days): 12 hours by default.
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(30 * 24 * 60)
      .default(12 * 60),
    // How many transactions one background job may run side by side on PostgreSQL (an import's
    // near-duplicate check, decision 063): by default the machine's cores, up to 4.
    JOB_LANES: z.coerce.number().int().min(1).max(16).optional(),
    // Only for tests: a directory where import runners pause at each progress checkpoint (decision 017).
    XCERT_IMPORT_GATE_DIR: z.string().min(1).optional(),
    // Seals TOTP secrets and keys recovery-code hashes (decision 031): 32 bytes as 64 hex digits
    // (`openssl rand -hex 32`). Required in production; the demo and tests use a fixed, public key.
    XCERT_SECOND_FACTOR_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "XCERT_SECOND_FACTOR_KEY must be 64 hex digits (openssl rand -hex 32)")
      .optional(),
    // The key of the holders' ID-document hashes (HMAC-SHA-256, decision 038). Required in production:
    // without it the same person could not be found again, and a guessable key would make the hashes
    // reversible by trying every ID number. Demo mode and tests use a fixed, public key.
    CREDENTIAL_ID_KEY: z.string().min(32).optional(),
    // The platform's Ed25519 key signing verifiable credentials (a private JWK as JSON, decision 039).
    // Required in production; demo mode generates one on first start and keeps it under .data/.
    CREDENTIAL_SIGNING_KEY: z.string().min(1).optional(),
  })
  .superRefine((e, issues) => {
    if (e.NODE_ENV === "production" && e.XCERT_DEMO !== "1" && !e.XCERT_SECOND_FACTOR_KEY)
      issues.addIssue({
        code: "custom",
        path: ["XCERT_SECOND_FACTOR_KEY"],
        message: "XCERT_SECOND_FACTOR_KEY is required in production (openssl rand -hex 32)",
      });
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

// Public by design: whatever it seals is demo data. Production refuses to start without its own key.
const demoSecondFactorKey = "78636572742d64656d6f2d7365636f6e642d666163746f722d6b65792d303031";

/** The 32-byte key that seals TOTP secrets and keys recovery-code hashes. */
export function secondFactorKey(e: Env = env()): Buffer {
  return Buffer.from(e.XCERT_SECOND_FACTOR_KEY ?? demoSecondFactorKey, "hex");
}

/** Production proper: no demo conveniences, `__Host-` cookies. */
export function isProduction(e: Env = env()) {
  return e.NODE_ENV === "production" && e.XCERT_DEMO !== "1";
}
