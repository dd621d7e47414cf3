import { isUuid } from "~/ui/ids";
import { likePattern } from "~/ui/like";
import { and, asc, eq, gt, ilike, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { certificates, industries } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { certificateFilterSchema, certificateSchema } from "./schemas";

export const certificatePageSize = 50;

export function listIndustries(tx: Tx) {
  return tx.select().from(industries).orderBy(asc(industries.sort));
}

/** The organization's certificates, by code, keyset-paginated. */
export async function listCertificates(tx: Tx, ctx: TenantContext, filter: z.infer<typeof certificateFilterSchema>, limit = certificatePageSize) {
  const q = filter.q?.trim();
  const rows = await tx
    .select()
    .from(certificates)
    .where(
      and(
        eq(certificates.tenantId, ctx.tenant.id),
        filter.status ? eq(certificates.status, filter.status) : undefined,
        q ? or(ilike(certificates.code, likePattern(q)), ilike(certificates.nameZh, likePattern(q)), ilike(certificates.nameEn, likePattern(q))) : undefined,
        filter.cursor ? gt(certificates.code, filter.cursor) : undefined,
      ),
    )
    .orderBy(asc(certificates.code))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextCursor: more ? page[page.length - 1].code : null };
}

export async function getCertificate(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select()
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, id)))
    .limit(1);
  return row ?? null;
}

type CertificateInput = z.infer<typeof certificateSchema>;

async function validate(tx: Tx, ctx: TenantContext, input: CertificateInput, id?: string) {
  const t = translator(ctx.locale);
  const fieldErrors: Record<string, string[]> = {};
  const [industry] = await tx.select().from(industries).where(eq(industries.code, input.industryCode)).limit(1);
  if (!industry) fieldErrors.industryCode = [t("errors.invalidOption")];
  const [clash] = await tx
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), sql`lower(${certificates.code}) = lower(${input.code})`))
    .limit(1);
  if (clash && clash.id !== id) fieldErrors.code = [t("errors.certificateCodeTaken")];
  return Object.keys(fieldErrors).length ? fieldErrors : null;
}

export async function createCertificate(tx: Tx, ctx: TenantContext, input: CertificateInput) {
  const fieldErrors = await validate(tx, ctx, input);
  if (fieldErrors) return { ok: false, status: 400, fieldErrors } as const;
  const [row] = await tx
    .insert(certificates)
    .values({ ...input, levels: sortLevels(input.levels), tenantId: ctx.tenant.id })
    .returning();
  await audit(tx, ctx, { action: "certificate.create", entityType: "certificate", entityId: row.id, after: row });
  return { ok: true, value: row } as const;
}

export async function updateCertificate(tx: Tx, ctx: TenantContext, id: string, input: CertificateInput) {
  const before = await getCertificate(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  const fieldErrors = await validate(tx, ctx, input, id);
  if (fieldErrors) return { ok: false, status: 400, fieldErrors } as const;
  const [after] = await tx
    .update(certificates)
    .set({ ...input, levels: sortLevels(input.levels), updatedAt: sql`now()` })
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, id)))
    .returning();
  await audit(tx, ctx, { action: "certificate.update", entityType: "certificate", entityId: id, before, after });
  return { ok: true, value: after } as const;
}

const levelOrder = { junior: 0, intermediate: 1, senior: 2 } as const;
function sortLevels<T extends keyof typeof levelOrder>(values: T[]) {
  return [...new Set(values)].sort((a, b) => levelOrder[a] - levelOrder[b]);
}
