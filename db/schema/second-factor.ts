import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./tenancy";

// The second factor (issue 14 item 6, decision 031). Shared tables like sessions: keyed by user, no
// tenant. Only the auth and system scopes reach them (RLS), and the sealed TOTP secret is not granted
// to the app role at all: second_factor_secret() reads it in the auth scope.

export const secondFactors = pgTable("second_factors", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  // AES-256-GCM under XCERT_SECOND_FACTOR_KEY (app/modules/auth/second-factor.server.ts).
  totpSecretSealed: text("totp_secret_sealed").notNull(),
  // The last 30-second step a code was accepted for: the same step is never accepted twice.
  totpLastStep: bigint("totp_last_step", { mode: "number" }),
  enrolledAt: timestamp("enrolled_at", { withTimezone: true }).notNull().defaultNow(),
});

// One-time recovery codes, stored as HMAC-SHA256 under a key derived from XCERT_SECOND_FACTOR_KEY.
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

// Demo accounts the seed exempts from the enrolment requirement; honoured only under XCERT_DEMO=1.
export const secondFactorExemptions = pgTable("second_factor_exemptions", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

// A password that matched for an account with a second factor: a challenge, not a session. The
// cookie holds a random token, the table its sha256; a few wrong codes end it.
export const loginChallenges = pgTable(
  "login_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectTo: text("redirect_to"),
    failures: integer("failures").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("login_challenges_user_idx").on(t.userId)],
);
