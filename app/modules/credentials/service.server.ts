import { and, asc, desc, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { certificates, credentialHolders, credentials, credentialStatusHistory, tenants, users } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import { hashIdNumber } from "./keys.server";
import { formatCredentialNumber } from "./number";
import type { CredentialFilter, CredentialInput, CredentialStatus } from "./schemas";
import { requireAdmitted } from "~/modules/admission/service.server";

const pageSize = 50;

type FieldErrors = Record<string, string[]>;

/** The organization's certificates a credential can cover. */
export function credentialCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), ne(certificates.status, "retired")))
    .orderBy(asc(certificates.code));
}

/** Schools and organizations a holder can work for (or a site be hosted by). */
export function tenantChoices(tx: Tx, kinds: ("school" | "organization")[] = ["school", "organization"]) {
  return tx
    .select({ id: tenants.id, name: tenants.name, nameEn: tenants.nameEn, kind: tenants.kind })
    .from(tenants)
    .where(inArray(tenants.kind, kinds))
    .orderBy(asc(tenants.name))
    .limit(1000);
}

function listConditions(ctx: TenantContext, filter: CredentialFilter): SQL[] {
  return [
    eq(credentials.tenantId, ctx.tenant.id),
    filter.status ? eq(credentials.status, filter.status) : undefined,
    filter.role ? eq(credentials.role, filter.role) : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** Credentials with their holders, newest first, keyset-paginated. */
export async function listCredentials(tx: Tx, ctx: TenantContext, filter: CredentialFilter, limit = pageSize) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const rows = await tx
    .select({
      id: credentials.id,
      number: credentials.number,
      role: credentials.role,
      levels: credentials.levels,
      issuedOn: credentials.issuedOn,
      expiresOn: credentials.expiresOn,
      status: credentials.status,
      statusReason: credentials.statusReason,
      certificateCode: certificates.code,
      holderName: credentialHolders.name,
      idLast4: credentialHolders.idLast4,
      source: credentialHolders.source,
      employer: sql<string>`coalesce(nullif(${credentialHolders.employerName}, ''), (select t.name from ${tenants} t where t.id = ${credentialHolders.employerTenantId}), '')`,
      contact: credentialHolders.contact,
      createdAt: credentials.createdAt,
      cursorAt: cursorTime(credentials.createdAt),
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .innerJoin(certificates, and(eq(certificates.tenantId, credentials.tenantId), eq(certificates.id, credentials.certificateId)))
    .where(
      and(
        ...listConditions(ctx, filter),
        after ? sql`(${credentials.createdAt}, ${credentials.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(credentials.createdAt), desc(credentials.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => row), nextCursor: more ? encodeCursor([last.cursorAt, last.id]) : null };
}

export async function getCredential(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select({
      credential: credentials,
      holder: credentialHolders,
      certificate: { code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn },
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .innerJoin(certificates, and(eq(certificates.tenantId, credentials.tenantId), eq(certificates.id, credentials.certificateId)))
    .where(and(eq(credentials.tenantId, ctx.tenant.id), eq(credentials.id, id)))
    .limit(1);
  if (!row) return null;
  const { idHash: _hash, ...holder } = row.holder;
  const employer = holder.employerTenantId
    ? ((await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, holder.employerTenantId)))[0]?.name ?? "")
    : "";
  return { credential: row.credential, holder: { ...holder, employer: holder.employerName || employer }, certificate: row.certificate };
}

export function credentialHistory(tx: Tx, ctx: TenantContext, credentialId: string) {
  return tx
    .select({ status: credentialStatusHistory.status, reason: credentialStatusHistory.reason, changedAt: credentialStatusHistory.changedAt, by: users.email })
    .from(credentialStatusHistory)
    .leftJoin(users, eq(users.id, credentialStatusHistory.changedByUserId))
    .where(and(eq(credentialStatusHistory.tenantId, ctx.tenant.id), eq(credentialStatusHistory.credentialId, credentialId)))
    .orderBy(desc(credentialStatusHistory.changedAt), desc(credentialStatusHistory.id));
}

/** The next number from the platform-wide sequence, in the year of issue. */
export async function nextNumber(tx: Tx, issuedOn: string) {
  const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select nextval('credential_number_seq')::int as n`));
  return formatCredentialNumber(Number(issuedOn.slice(0, 4)), Number(row.n));
}

/** The holder with this ID document in the organization, created on first sight. */
async function holderFor(tx: Tx, ctx: TenantContext, input: CredentialInput) {
  const idHash = hashIdNumber(input.idNumber);
  const [existing] = await tx
    .select()
    .from(credentialHolders)
    .where(and(eq(credentialHolders.tenantId, ctx.tenant.id), eq(credentialHolders.idHash, idHash)))
    .limit(1);
  if (existing) return existing;
  const [holder] = await tx
    .insert(credentialHolders)
    .values({
      tenantId: ctx.tenant.id,
      name: input.name,
      idHash,
      idLast4: input.idNumber.slice(-4),
      source: input.source,
      employerTenantId: input.employerTenantId ?? null,
      employerName: input.employerName,
      contact: input.contact,
    })
    .returning();
  const { idHash: _hash, ...logged } = holder;
  await audit(tx, ctx, { action: "credential_holder.create", entityType: "credential_holder", entityId: holder.id, after: logged });
  return holder;
}

/** The checks a schema cannot make: the certificate and its levels, the dates, the employer. */
async function checkCredential(tx: Tx, ctx: TenantContext, input: CredentialInput): Promise<FieldErrors> {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, input.certificateId)))
    .limit(1);
  if (!certificate) errors.certificateId = [t("errors.invalidOption")];
  else if (input.levels.some((level) => !certificate.levels.includes(level))) errors.levels = [t("errors.levelNotOffered")];
  if (input.expiresOn <= input.issuedOn) errors.expiresOn = [t("credentials.errors.expiresBeforeIssued")];
  if (input.employerTenantId) {
    const [employer] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, input.employerTenantId)).limit(1);
    if (!employer) errors.employerTenantId = [t("errors.invalidOption")];
  }
  if (input.source === "school_teacher" && !input.employerTenantId && !input.employerName) errors.employerName = [t("credentials.errors.employerNeeded")];
  if (input.source === "industry_expert" && !input.employerName && !input.employerTenantId) errors.employerName = [t("credentials.errors.employerNeeded")];
  return errors;
}

export async function createCredential(tx: Tx, ctx: TenantContext, input: CredentialInput) {
  const fieldErrors = await checkCredential(tx, ctx, input);
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;
  // Only an admitted organization issues (decision 042; credentials_admitted is the wall). Drafts are fine.
  const notAdmitted = input.draft ? null : await requireAdmitted(tx, ctx);
  if (notAdmitted) return notAdmitted;
  const holder = await holderFor(tx, ctx, input);
  const [saved] = await tx
    .insert(credentials)
    .values({
      tenantId: ctx.tenant.id,
      holderId: holder.id,
      role: input.role,
      certificateId: input.certificateId,
      levels: input.levels,
      number: await nextNumber(tx, input.issuedOn),
      issuedOn: input.issuedOn,
      expiresOn: input.expiresOn,
      status: input.draft ? "draft" : "active",
    })
    .returning();
  await audit(tx, ctx, { action: "credential.create", entityType: "credential", entityId: saved.id, after: saved });
  return { ok: true, value: saved } as const;
}

// Revoked is final; an expired credential is renewed by issuing a new one, not by reactivating.
const allowed: Record<CredentialStatus, CredentialStatus[]> = {
  draft: ["active", "revoked"],
  active: ["suspended", "revoked"],
  suspended: ["active", "revoked"],
  revoked: [],
  expired: [],
};

export async function changeCredentialStatus(tx: Tx, ctx: TenantContext, id: string, input: { status: "active" | "suspended" | "revoked"; reason: string }) {
  const t = translator(ctx.locale);
  const found = await getCredential(tx, ctx, id);
  if (!found) throw new Response("Not found", { status: 404 });
  const before = found.credential;
  if (!allowed[before.status].includes(input.status)) return { ok: false, status: 400, fieldErrors: { status: [t("credentials.errors.transition")] } } as const;
  const notAdmitted = before.status === "draft" && input.status === "active" ? await requireAdmitted(tx, ctx) : null;
  if (notAdmitted) return notAdmitted;
  if (input.status === "active" && before.expiresOn < shanghaiDate())
    return { ok: false, status: 400, fieldErrors: { status: [t("credentials.errors.pastExpiry")] } } as const;
  const [after] = await tx
    .update(credentials)
    .set({ status: input.status, statusReason: input.reason })
    .where(and(eq(credentials.tenantId, ctx.tenant.id), eq(credentials.id, id)))
    .returning();
  await audit(tx, ctx, {
    action: `credential.${input.status === "active" ? "activate" : input.status === "suspended" ? "suspend" : "revoke"}`,
    entityType: "credential",
    entityId: id,
    before,
    after,
  });
  return { ok: true, value: after } as const;
}

export interface IndustryShare {
  certificateId: string | null;
  certificateCode: string | null;
  trainers: number;
  industry: number;
  /** Industry experts still needed for 40% (0 when met). */
  needed: number;
}

/** Industry experts needed so that industry / total >= 40%: smallest k with (i + k) / (n + k) >= 0.4. */
export function industryNeeded(industry: number, trainers: number) {
  // 5(i + k) >= 2(n + k)  <=>  3k >= 2n - 5i
  return Math.max(0, Math.ceil((2 * trainers - 5 * industry) / 3));
}

/**
 * 行业企业培训师占比 (§二.10): active industry-expert trainers over active trainers, for the
 * organization (certificateId null) and per certificate. A person counts once per certificate.
 */
export async function industryShares(tx: Tx, ctx: TenantContext): Promise<IndustryShare[]> {
  const today = shanghaiDate();
  const rows = (await tx
    .select({
      certificateId: credentials.certificateId,
      certificateCode: certificates.code,
      trainers: sql<number>`count(distinct ${credentials.holderId})::int`,
      industry: sql<number>`count(distinct ${credentials.holderId}) filter (where ${credentialHolders.source} = 'industry_expert')::int`,
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .innerJoin(certificates, and(eq(certificates.tenantId, credentials.tenantId), eq(certificates.id, credentials.certificateId)))
    .where(
      and(
        eq(credentials.tenantId, ctx.tenant.id),
        eq(credentials.role, "trainer"),
        eq(credentials.status, "active"),
        sql`${credentials.expiresOn} >= ${today}`,
      ),
    )
    .groupBy(credentials.certificateId, certificates.code)
    .orderBy(asc(certificates.code))) as Omit<IndustryShare, "needed">[];
  const [total] = await tx
    .select({
      trainers: sql<number>`count(distinct ${credentials.holderId})::int`,
      industry: sql<number>`count(distinct ${credentials.holderId}) filter (where ${credentialHolders.source} = 'industry_expert')::int`,
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .where(
      and(
        eq(credentials.tenantId, ctx.tenant.id),
        eq(credentials.role, "trainer"),
        eq(credentials.status, "active"),
        sql`${credentials.expiresOn} >= ${today}`,
      ),
    );
  return [{ certificateId: null, certificateCode: null, ...total }, ...rows].map((r) => ({ ...r, needed: industryNeeded(r.industry, r.trainers) }));
}
