import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { and, count, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { rowsOf, type Tx } from "../../../db/client.server";
import { loginChallenges, recoveryCodes, secondFactors, users } from "../../../db/schema";
import { isProduction, secondFactorKey } from "~/env.server";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { RequestContext } from "~/modules/tenancy/context.server";
import { verifyPassword } from "./password.server";
import { hashToken, newToken } from "./session.server";

// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one-time recovery codes (issue 14 item 6, decision 031).
// Everything here runs in the auth scope (withAuthFlow): only it reaches the second factor's tables.
// The secret is sealed with AES-256-GCM under XCERT_SECOND_FACTOR_KEY, bound to its user, and read
// through second_factor_secret(); recovery codes are stored as HMAC-SHA256 under a key derived from it.

export type Result<T> = { ok: true; value: T } | { ok: false; status: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };

const issuer = "XCert";
const period = 30;
/** A code of the step before or after is accepted too (clock drift, a code typed as it turned). */
const window = 1;
const recoveryCodeCount = 10;
const enrolmentTtlMs = 30 * 60 * 1000;
const challengeTtlMs = 5 * 60 * 1000;
/** Wrong codes a login challenge takes before it ends (then the password is asked again). */
const challengeFailures = 5;

function subkey(purpose: string) {
  return createHmac("sha256", secondFactorKey()).update(`xcert:${purpose}`).digest();
}

/** AES-256-GCM; `context` (e.g. the user's id) is authenticated, so a sealed value only opens where it was sealed. */
function seal(plain: string, context: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", subkey("seal"), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

function unseal(sealed: string, context: string): string | null {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", subkey("seal"), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

function totpOf(secretBase32: string, label: string) {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period, secret: Secret.fromBase32(secretBase32) });
}

/** The step a code matches now (±1), or null. */
function matchingStep(secretBase32: string, code: string, now = Date.now()) {
  const delta = totpOf(secretBase32, "").validate({ token: code, timestamp: now, window });
  return delta === null ? null : Math.floor(now / 1000 / period) + delta;
}

// Recovery codes: 10 characters of a 32-letter alphabet without look-alikes (50 bits), shown as xxxxx-xxxxx.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

function newRecoveryCode() {
  let code = "";
  for (let i = 0; i < 10; i++) code += recoveryAlphabet[randomInt(recoveryAlphabet.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

function recoveryHash(code: string) {
  return createHmac("sha256", subkey("recovery-code")).update(code.toLowerCase().replace(/[\s-]/g, "")).digest("hex");
}

const isTotpCode = (code: string) => /^\d{6}$/.test(code);

export async function secondFactorStatus(tx: Tx, userId: string) {
  const [factor] = await tx.select({ enrolledAt: secondFactors.enrolledAt }).from(secondFactors).where(eq(secondFactors.userId, userId));
  if (!factor) return { enrolled: false as const };
  const [{ left }] = await tx
    .select({ left: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { enrolled: true as const, enrolledAt: factor.enrolledAt, recoveryCodesLeft: left };
}

/**
 * A fresh secret to enrol with: nothing is stored until a first code confirms it. The secret travels
 * in the form sealed to this user, with an expiry, so a page left open or a token copied elsewhere
 * cannot enrol anyone else.
 */
export async function newEnrolment(user: { id: string; email: string }) {
  const secret = new Secret({ size: 20 }).base32;
  const uri = totpOf(secret, user.email).toString();
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const token = seal(JSON.stringify({ secret, expiresAt: Date.now() + enrolmentTtlMs }), `enrolment:${user.id}`);
  return { secret, uri, qrSvg, token };
}

async function checkTotp(tx: Tx, userId: string, code: string) {
  const [row] = rowsOf<{ sealed: string | null }>(await tx.execute(sql`select second_factor_secret(${userId}) as sealed`));
  const secret = row?.sealed ? unseal(row.sealed, `totp:${userId}`) : null;
  if (!secret) return false;
  const step = matchingStep(secret, code);
  if (step === null) return false;
  // Claimed atomically: a code of a step already used (or older) is refused, even by two requests at once.
  const claimed = await tx
    .update(secondFactors)
    .set({ totpLastStep: step })
    .where(and(eq(secondFactors.userId, userId), or(isNull(secondFactors.totpLastStep), lt(secondFactors.totpLastStep, step))))
    .returning({ userId: secondFactors.userId });
  return claimed.length === 1;
}

async function spendRecoveryCode(tx: Tx, userId: string, code: string) {
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, recoveryHash(code)), isNull(recoveryCodes.usedAt)))
    .returning({ userId: recoveryCodes.userId });
  return used.length === 1;
}

/** A code from the app, or one of the recovery codes: which one was used, or null. */
async function checkSecondFactor(tx: Tx, userId: string, code: string): Promise<"totp" | "recovery" | null> {
  if (isTotpCode(code)) return (await checkTotp(tx, userId, code)) ? "totp" : null;
  return (await spendRecoveryCode(tx, userId, code)) ? "recovery" : null;
}

async function replaceRecoveryCodes(tx: Tx, userId: string) {
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: recoveryHash(code) })));
  return codes;
}

type SignedIn = RequestContext & { user: NonNullable<RequestContext["user"]> };

/** Confirms an enrolment with a first code; answers the recovery codes, which are shown this once. */
export async function confirmEnrolment(tx: Tx, ctx: SignedIn, input: { token: string; code: string }): Promise<Result<{ recoveryCodes: string[] }>> {
  const t = translator(ctx.locale);
  const opened = unseal(input.token, `enrolment:${ctx.user.id}`);
  const enrolment = opened ? (JSON.parse(opened) as { secret: string; expiresAt: number }) : null;
  if (!enrolment || enrolment.expiresAt < Date.now()) return { ok: false, status: 400, formErrors: [t("secondFactor.errors.enrolmentExpired")] };
  if ((await secondFactorStatus(tx, ctx.user.id)).enrolled) return { ok: false, status: 409, formErrors: [t("secondFactor.errors.alreadyEnrolled")] };
  const step = matchingStep(enrolment.secret, input.code);
  if (step === null) return { ok: false, status: 400, fieldErrors: { code: [t("secondFactor.errors.wrongCode")] } };
  await tx.insert(secondFactors).values({ userId: ctx.user.id, totpSecretSealed: seal(enrolment.secret, `totp:${ctx.user.id}`), totpLastStep: step });
  const codes = await replaceRecoveryCodes(tx, ctx.user.id);
  await audit(tx, ctx, {
    action: "second_factor.enrolled",
    entityType: "second_factor",
    entityId: ctx.user.id,
    after: { method: "totp", recoveryCodes: codes.length },
  });
  return { ok: true, value: { recoveryCodes: codes } };
}

/** Removes the second factor (to re-enrol, or to stop), proven by a current code or the password. */
export async function disableSecondFactor(tx: Tx, ctx: SignedIn, input: { proof: string }): Promise<Result<null>> {
  const t = translator(ctx.locale);
  const userId = ctx.user.id;
  if (!(await secondFactorStatus(tx, userId)).enrolled) return { ok: false, status: 409, formErrors: [t("secondFactor.errors.notEnrolled")] };
  let proven: boolean;
  if (isTotpCode(input.proof)) proven = await checkTotp(tx, userId, input.proof);
  else {
    // The password, through the one function that reads its hash (auth scope only, decision 021).
    const [row] = rowsOf<{ hash: string | null }>(await tx.execute(sql`select login_password_hash(${userId}) as hash`));
    proven = await verifyPassword(row?.hash ?? null, input.proof);
  }
  if (!proven) return { ok: false, status: 400, fieldErrors: { proof: [t("secondFactor.errors.wrongProof")] } };
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.delete(secondFactors).where(eq(secondFactors.userId, userId));
  await audit(tx, ctx, {
    action: "second_factor.disabled",
    entityType: "second_factor",
    entityId: userId,
    after: { proof: isTotpCode(input.proof) ? "totp" : "password" },
  });
  return { ok: true, value: null };
}

// The challenge cookie: what a matched password earns instead of a session, for five minutes.
function challengeCookie() {
  return createCookie(isProduction() ? "__Host-xcert_login_challenge" : "xcert_login_challenge", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: isProduction(),
    maxAge: challengeTtlMs / 1000,
  });
}

export async function readChallengeToken(request: Request): Promise<string | null> {
  const value = await challengeCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export const commitChallengeCookie = (token: string) => challengeCookie().serialize(token);
export const clearChallengeCookie = () => challengeCookie().serialize("", { maxAge: 0 });

/**
 * After the password matched: for an account with a second factor, a login challenge (its token for
 * the cookie) instead of a session; null for an account without one.
 */
export async function startLoginChallenge(tx: Tx, ctx: RequestContext, userId: string, redirectTo: string | undefined) {
  const [factor] = await tx.select({ userId: secondFactors.userId }).from(secondFactors).where(eq(secondFactors.userId, userId));
  if (!factor) return null;
  const token = newToken();
  await tx.insert(loginChallenges).values({
    tokenHash: hashToken(token),
    userId,
    redirectTo: redirectTo ?? null,
    expiresAt: new Date(Date.now() + challengeTtlMs),
  });
  await audit(tx, { ...ctx, user: { id: userId } }, { action: "second_factor.challenged", entityType: "session", entityId: userId });
  return token;
}

/** The open challenge a cookie names, locked: two answers to one challenge take turns. */
export async function findLoginChallenge(tx: Tx, token: string | null) {
  if (!token) return null;
  const [challenge] = await tx
    .select({ tokenHash: loginChallenges.tokenHash, userId: loginChallenges.userId, redirectTo: loginChallenges.redirectTo, locale: users.locale })
    .from(loginChallenges)
    .innerJoin(users, eq(users.id, loginChallenges.userId))
    .where(
      and(
        eq(loginChallenges.tokenHash, hashToken(token)),
        isNull(loginChallenges.usedAt),
        gt(loginChallenges.expiresAt, sql`now()`),
        lt(loginChallenges.failures, challengeFailures),
      ),
    )
    .for("update", { of: loginChallenges });
  return challenge ?? null;
}

/**
 * The second step of a login: a code from the app or a recovery code. Wrong codes are counted (the
 * caller commits on failure); a challenge ends after five, or once answered. On success the caller
 * opens the session.
 */
export async function answerLoginChallenge(
  tx: Tx,
  ctx: RequestContext,
  token: string | null,
  code: string,
): Promise<Result<{ user: { id: string; locale: string }; redirectTo: string | null; method: "totp" | "recovery" }>> {
  const t = translator(ctx.locale);
  const challenge = await findLoginChallenge(tx, token);
  if (!challenge) return { ok: false, status: 410, formErrors: [t("secondFactor.errors.challengeEnded")] };
  const actor = { ...ctx, user: { id: challenge.userId } };
  const method = await checkSecondFactor(tx, challenge.userId, code);
  if (!method) {
    await tx
      .update(loginChallenges)
      .set({ failures: sql`${loginChallenges.failures} + 1` })
      .where(eq(loginChallenges.tokenHash, challenge.tokenHash));
    await audit(tx, actor, { action: "second_factor.failed", entityType: "session", entityId: challenge.userId });
    return { ok: false, status: 400, fieldErrors: { code: [t("secondFactor.errors.wrongCode")] } };
  }
  await tx
    .update(loginChallenges)
    .set({ usedAt: sql`now()` })
    .where(eq(loginChallenges.tokenHash, challenge.tokenHash));
  if (method === "recovery") await audit(tx, actor, { action: "second_factor.recovery_code_used", entityType: "second_factor", entityId: challenge.userId });
  return { ok: true, value: { user: { id: challenge.userId, locale: challenge.locale }, redirectTo: challenge.redirectTo, method } };
}
