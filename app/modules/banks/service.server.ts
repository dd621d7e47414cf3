import { and, asc, desc, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { cases, certificates, materials, questions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import type { levels } from "~/modules/certificates/schemas";
import { skillRequirements, type SkillRequirement } from "~/modules/standards/requirements.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";

// What the banks (questions, cases, materials) share: the certificate picker, freshness, coverage of
// the skill requirements and the placement checks. Each bank keeps its own rows, lists and import adapter.

/** The organization's certificates that can hold bank items, with their levels. */
export function bankCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), sql`${certificates.status} <> 'retired'`))
    .orderBy(asc(certificates.code));
}
export type BankCertificate = Awaited<ReturnType<typeof bankCertificates>>[number];

const banks = { questions, cases, materials };
export type BankName = keyof typeof banks;

/**
 * When a bank (questions, cases or materials) of the organization last changed, for one certificate or
 * all of them: the newest row through the (tenant_id, …) index, no aggregate over the bank.
 */
export async function bankUpdatedAt(tx: Tx, ctx: TenantContext, name: BankName, certificateId?: string) {
  const bank = banks[name] as typeof questions;
  const [row] = await tx
    .select({ at: bank.updatedAt })
    .from(bank)
    .where(and(eq(bank.tenantId, ctx.tenant.id), certificateId && isUuid(certificateId) ? eq(bank.certificateId, certificateId) : undefined))
    .orderBy(desc(bank.updatedAt))
    .limit(1);
  return row ? new Date(row.at).toISOString() : null;
}

/**
 * A bank list of one certificate at a time (questions, cases): the certificate asked for (or the
 * first), its page, its skill requirements and the bank's freshness. The reads after the picker are
 * independent: sent together (pipelined in the transaction), not one round trip after another.
 */
export async function bankPage<Page extends { rows: unknown[]; nextCursor: string | null }>(
  tx: Tx,
  ctx: TenantContext,
  name: BankName,
  requested: string | undefined,
  list: (certificateId: string) => Promise<Page>,
) {
  const certificates = await bankCertificates(tx, ctx);
  const certificate = certificates.find((c) => c.id === requested) ?? certificates[0] ?? null;
  const [page, requirements, lastUpdated] = certificate
    ? await Promise.all([list(certificate.id), skillRequirements(tx, ctx.tenant.id, certificate.id), bankUpdatedAt(tx, ctx, name, certificate.id)])
    : ([null, [] as SkillRequirement[], null] as const);
  return { certificates, certificate, page, requirements, lastUpdated };
}

type FieldErrors = Record<string, string[]>;
type Level = (typeof levels)[number];

/**
 * The checks a schema cannot make about where an item sits: the certificate is the organization's and
 * offers the level(s), and the requirements are its own. A question or case has one `level` (its
 * requirements must be of that level); a material spans `levels` (requirements of any level).
 */
export async function checkPlacement(
  tx: Tx,
  ctx: TenantContext,
  input: { certificateId: string; requirementIds: string[] } & ({ level: Level } | { levels: Level[] }),
): Promise<FieldErrors> {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, input.certificateId)))
    .limit(1);
  if (!certificate) return { certificateId: [t("errors.invalidOption")] };
  const single = "level" in input ? input.level : null;
  if (single && !certificate.levels.includes(single)) errors.level = [t("errors.levelNotOffered")];
  if ("levels" in input && input.levels.some((level) => !certificate.levels.includes(level))) errors.levels = [t("errors.levelNotOffered")];
  if (input.requirementIds.length) {
    // Requirements of this certificate only (by lineage, as of its latest published standard).
    const known = new Set(
      (await skillRequirements(tx, ctx.tenant.id, input.certificateId)).filter((r) => !single || r.level === single).map((r) => r.lineageId),
    );
    if (input.requirementIds.some((id) => !known.has(id))) errors.requirementIds = [t("errors.invalidOption")];
  }
  return errors;
}

/**
 * Coverage of a certificate's skill requirements (§二.6): per level and requirement of the latest
 * published standard, the practice and exam questions and the cases that name it; and when each
 * bank was last updated.
 */
export async function coverage(tx: Tx, ctx: TenantContext, certificateId: string) {
  const requirements = await skillRequirements(tx, ctx.tenant.id, certificateId);
  const counts = rowsOf<{ lineage_id: string; level: string; kind: string; n: number }>(
    await tx.execute(sql`
      select r.lineage_id, q.level::text as level, q.pool::text as kind, count(*)::int as n
      from questions q, unnest(q.requirement_ids) as r(lineage_id)
      where q.tenant_id = ${ctx.tenant.id} and q.certificate_id = ${certificateId}
      group by 1, 2, 3
      union all
      select r.lineage_id, c.level::text, 'case', count(*)::int
      from cases c, unnest(c.requirement_ids) as r(lineage_id)
      where c.tenant_id = ${ctx.tenant.id} and c.certificate_id = ${certificateId}
      group by 1, 2`),
  );
  const key = (lineageId: string, level: string, kind: string) => `${lineageId}:${level}:${kind}`;
  const byKey = new Map(counts.map((c) => [key(c.lineage_id, c.level, c.kind), Number(c.n)]));
  const rows = requirements.map((r) => ({
    ...r,
    practice: byKey.get(key(r.lineageId, r.level, "practice")) ?? 0,
    exam: byKey.get(key(r.lineageId, r.level, "exam")) ?? 0,
    cases: byKey.get(key(r.lineageId, r.level, "case")) ?? 0,
  }));
  const [fresh] = rowsOf<{ questions: string | null; cases: string | null; materials: string | null }>(
    await tx.execute(sql`select
      (select max(updated_at) from questions where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as questions,
      (select max(updated_at) from cases where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as cases,
      (select max(updated_at) from materials where tenant_id = ${ctx.tenant.id} and certificate_id = ${certificateId}) as materials`),
  );
  const iso = (value: string | null | undefined) => (value ? new Date(value).toISOString() : null);
  return {
    requirements: rows,
    uncovered: rows.filter((r) => r.practice + r.exam + r.cases === 0),
    lastUpdated: { questions: iso(fresh?.questions), cases: iso(fresh?.cases), materials: iso(fresh?.materials) },
  };
}
