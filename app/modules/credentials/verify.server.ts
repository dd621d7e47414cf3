import { SignJWT } from "jose";
import QRCode from "qrcode";
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { env } from "~/env.server";
import type { WindowLimit } from "~/modules/auth/limits.server";
import { clientIp, takeVerifyLimit } from "~/modules/tenancy/context.server";
import { currentRequest } from "~/request-store.server";
import { registerPublicPrelude } from "~/modules/public-cache/public-cache.server";
import { credentialSigningKey } from "./keys.server";
import { normalizeCredentialNumber } from "./number";

// Public verification of a trainer's or examiner's credential (§二.10): only what the public needs,
// read through verify_credential() (SECURITY DEFINER), never from the holder rows (decision 039).

interface VerifiedRow {
  number: string;
  status: string;
  holder: string;
  organization_name: string;
  organization_name_en: string | null;
  organization_suspended: boolean;
  role: string;
  certificate_code: string;
  certificate_name_zh: string;
  certificate_name_en: string;
  levels: string[] | string;
  issued_on: string | Date;
  expires_on: string | Date;
}

/** The minimized credential: these keys and no others, for every answer (found or not). */
export interface PublicCredential {
  number: string;
  valid: boolean;
  status: string;
  holder: string;
  organizationName: string;
  organizationNameEn: string | null;
  /**
   * The committee suspended the issuing organization (decision 055). The credential's own status is
   * untouched: it was lawfully issued and stays valid; the page and the signed JSON say both.
   */
  organizationSuspended: boolean;
  role: string;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  levels: string[];
  issuedOn: string;
  expiresOn: string;
}

function day(value: string | Date) {
  return typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

/** PGlite reads an enum array as its text form ({junior,senior}); postgres.js as an array. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, "")
    .split(",")
    .filter(Boolean);
}

/** The credential behind a number, or null for a malformed, unknown or draft number (the same answer). */
export async function lookUpCredential(tx: Tx, input: string): Promise<PublicCredential | null> {
  const number = normalizeCredentialNumber(input);
  if (!number) return null;
  const [row] = rowsOf<VerifiedRow>(await tx.execute(sql`select * from verify_credential(${number})`));
  if (!row) return null;
  return {
    number: row.number,
    valid: row.status === "active",
    status: row.status,
    holder: row.holder,
    organizationName: row.organization_name,
    organizationNameEn: row.organization_name_en,
    organizationSuspended: row.organization_suspended === true,
    role: row.role,
    certificateCode: row.certificate_code,
    certificateNameZh: row.certificate_name_zh,
    certificateNameEn: row.certificate_name_en,
    levels: textArray(row.levels),
    issuedOn: day(row.issued_on),
    expiresOn: day(row.expires_on),
  };
}

/** The public address of a path: APP_URL when set (behind a proxy), else the address the request came to. */
export function publicUrl(request: Request, path: string) {
  return new URL(path, env().APP_URL ?? new URL(request.url).origin).toString();
}

/** The verify page's own address as a QR code, for printing on the holder's card (server-rendered SVG). */
export function qrCodeSvg(url: string) {
  return QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
}

const levelNames: Record<string, string> = { junior: "初级 Junior", intermediate: "中级 Intermediate", senior: "高级 Senior" };
const roleNames: Record<string, string> = { trainer: "培训师 Trainer", examiner: "考评员 Examiner" };

/** Shanghai calendar day → an instant (VC 2.0 validFrom / validUntil are dateTimeStamps). */
const startOf = (d: string) => `${d}T00:00:00+08:00`;
const endOf = (d: string) => `${d}T23:59:59+08:00`;

/**
 * The credential as an Open Badges 3.0 OpenBadgeCredential in the W3C VC data model 2.0, with the same
 * minimized subject as the page. The current status is the registry's: credentialStatus points back to it.
 */
export function openBadgeCredential(credential: PublicCredential, request: Request) {
  const page = publicUrl(request, `/verify/${credential.number}`);
  const levels = credential.levels.map((l) => levelNames[l] ?? l).join(", ");
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: page,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: publicUrl(request, "/"), type: ["Profile"], name: "XCert 上海1+X证书平台" },
    name: `${credential.certificateNameZh} ${roleNames[credential.role] ?? credential.role}`,
    validFrom: startOf(credential.issuedOn),
    validUntil: endOf(credential.expiresOn),
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [{ type: ["IdentityObject"], identityType: "name", hashed: false, identityHash: credential.holder }],
      achievement: {
        id: `${page}#achievement`,
        type: ["Achievement"],
        achievementType: "License",
        name: `${credential.certificateCode} ${credential.certificateNameZh} / ${credential.certificateNameEn} — ${roleNames[credential.role] ?? credential.role}`,
        description: `${levels}`,
        criteria: { narrative: "沪教委高〔2021〕3号: 1+X 职业技能等级证书培训师/考评员资格 (trainer / examiner credential of a 1+X certificate)" },
        creator: {
          id: `${publicUrl(request, "/")}#organization-${encodeURIComponent(credential.organizationName)}`,
          type: ["Profile"],
          name: credential.organizationName,
        },
      },
    },
    // issuerStatus: whether the committee has suspended the issuing organization (decision 055).
    credentialStatus: {
      id: `${page}.json`,
      type: "XCertRegistryStatus",
      status: credential.status,
      issuerStatus: credential.organizationSuspended ? "suspended" : "admitted",
    },
  };
}

/** Signed as a VC-JWT (VC-JOSE-COSE): the credential is the payload, Ed25519 (EdDSA) over it. */
export async function signCredential(credential: ReturnType<typeof openBadgeCredential>) {
  const key = await credentialSigningKey();
  return new SignJWT({ ...credential })
    .setProtectedHeader({ alg: "EdDSA", kid: key.publicJwk.kid, typ: "vc+jwt", cty: "vc" })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setIssuedAt()
    .sign(key.privateKey);
}

/** The published keys: what anyone checks the signature with. */
export async function publicJwks() {
  const key = await credentialSigningKey();
  return { keys: [key.publicJwk] };
}

// The per-client-address limit of the public lookup (decision 040, amended by 054 and 062): 30 lookups
// a minute per address, page and .json together, counted in PostgreSQL in the generalized limiter's
// rows (rate_limit_hits), so every server process and instance counts the same hits. Taken in one
// statement (take_verify_limit) before the page is read, served from the public cache or answered 304.
export const verifyLimit = { kind: "verify.ip", windowSeconds: 60, max: 30 } as const satisfies WindowLimit;

// A request's lookup is counted once: the server may take it before Remix runs (a cache hit or a 304
// answered early, decision 062); a refusal then goes on to the route, which reads the same answer here.
const takenBy = new WeakMap<object, number>();

/** Seconds to wait when this client has used up its lookups this minute; 0 when it may look up now. */
export async function verifyRetryAfter(ip: string | null = clientIp()): Promise<number> {
  if (!ip) return 0;
  const store = currentRequest();
  const already = store ? takenBy.get(store) : undefined;
  if (already !== undefined) return already;
  const wait = await takeVerifyLimit(ip, verifyLimit.windowSeconds, verifyLimit.max);
  if (store) takenBy.set(store, wait);
  return wait;
}

registerPublicPrelude("verify", async () => (await verifyRetryAfter()) === 0);
