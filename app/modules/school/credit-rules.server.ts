import { and, eq, ilike, or, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { certificates, creditRules, tenants } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";
import { likePattern } from "~/ui/like";
import { fieldError, newestFirst, pageOf, pageSize, type Result } from "./common.server";
import type { CreditRuleInput } from "./schemas";

// 学分转换规则 (§二.7), decision 036: recorded by an organization (for its own certificates) or a
// school (for any active certificate); public. The database refuses two rules of one key whose
// validity overlaps (credit_rules_no_overlap); the app checks first to answer with a field message.

const columns = {
  id: creditRules.id,
  recorderId: creditRules.tenantId,
  recorderName: sql<string>`(select t.name from tenants t where t.id = ${creditRules.tenantId})`,
  organizationName: tenants.name,
  certificateId: creditRules.certificateId,
  certificateCode: certificates.code,
  certificateName: certificates.nameZh,
  level: creditRules.level,
  courseCode: creditRules.courseCode,
  courseName: creditRules.courseName,
  module: creditRules.module,
  credits: creditRules.credits,
  exemption: creditRules.exemption,
  validFrom: creditRules.validFrom,
  validUntil: creditRules.validUntil,
  createdAt: creditRules.createdAt,
};

const inForceOn = (day: string) =>
  sql`${creditRules.validFrom} <= ${day}::date and (${creditRules.validUntil} is null or ${creditRules.validUntil} >= ${day}::date)`;

/** Rules by certificate or by course (code or name), optionally those in force on a day. */
export async function listCreditRules(
  tx: Tx,
  _ctx: TenantContext | null,
  query: { certificate?: string; course?: string; on?: string; cursor?: string },
  limit = pageSize,
) {
  const keyset = newestFirst(creditRules.createdAt, creditRules.id, query.cursor);
  const rows = await tx
    .select({ ...columns, cursorAt: keyset.cursorAt })
    .from(creditRules)
    .innerJoin(certificates, and(eq(certificates.tenantId, creditRules.organizationId), eq(certificates.id, creditRules.certificateId)))
    .innerJoin(tenants, eq(tenants.id, creditRules.organizationId))
    .where(
      and(
        query.certificate ? eq(creditRules.certificateId, query.certificate) : undefined,
        query.course ? or(ilike(creditRules.courseCode, likePattern(query.course)), ilike(creditRules.courseName, likePattern(query.course))) : undefined,
        query.on ? inForceOn(query.on) : undefined,
        // The public API (no tenant): nothing of a tenant not admitted, certificate owner or recorder (§二.2, decision 042).
        _ctx
          ? undefined
          : sql`${tenants.admission} in ('admitted', 'suspended') and exists (select 1 from tenants r where r.id = ${creditRules.tenantId} and r.admission in ('admitted', 'suspended'))`,
        keyset.after,
      ),
    )
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

/** Certificates a tenant may record rules for: an organization its own, a school any active one. */
export function ruleCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({
      id: certificates.id,
      organizationId: certificates.tenantId,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
    })
    .from(certificates)
    .where(ctx.tenant.kind === "organization" ? eq(certificates.tenantId, ctx.tenant.id) : eq(certificates.status, "active"))
    .orderBy(certificates.code)
    .limit(1000);
}

export async function createCreditRule(tx: Tx, ctx: TenantContext, input: CreditRuleInput): Promise<Result<{ id: string }>> {
  const certificate = (await ruleCertificates(tx, ctx)).find((c) => c.id === input.certificateId);
  if (!certificate) return fieldError(ctx, "certificateId", "errors.invalidOption");
  if (!certificate.levels.includes(input.level)) return fieldError(ctx, "level", "school.adoptions.levelNotOffered");
  if (input.validUntil && input.validUntil < input.validFrom) return fieldError(ctx, "validUntil", "school.creditRules.untilBeforeFrom");
  const [overlap] = await tx
    .select({ id: creditRules.id, validFrom: creditRules.validFrom, validUntil: creditRules.validUntil })
    .from(creditRules)
    .where(
      and(
        eq(creditRules.tenantId, ctx.tenant.id),
        eq(creditRules.certificateId, input.certificateId),
        eq(creditRules.level, input.level),
        sql`lower(${creditRules.courseCode}) = lower(${input.courseCode})`,
        eq(creditRules.module, input.module),
        sql`daterange(${creditRules.validFrom}, ${creditRules.validUntil}, '[]') && daterange(${input.validFrom}::date, ${input.validUntil ?? null}::date, '[]')`,
      ),
    )
    .limit(1);
  if (overlap) return fieldError(ctx, "validFrom", "school.creditRules.overlap", { from: overlap.validFrom, until: overlap.validUntil ?? "∞" });
  const [rule] = await tx
    .insert(creditRules)
    .values({
      tenantId: ctx.tenant.id,
      organizationId: certificate.organizationId,
      ...input,
      validUntil: input.validUntil ?? null,
      createdByUserId: ctx.user.id,
    })
    .returning({ id: creditRules.id });
  await audit(tx, ctx, { action: "credit_rule.create", entityType: "credit_rule", entityId: rule.id, after: input });
  return { ok: true, value: rule };
}

/** Ends a rule of the tenant's own on a day (its last valid day). */
export async function endCreditRule(tx: Tx, ctx: TenantContext, id: string, lastDay: string): Promise<Result<{ id: string }>> {
  const [rule] = await tx
    .select()
    .from(creditRules)
    .where(and(eq(creditRules.tenantId, ctx.tenant.id), eq(creditRules.id, id)));
  if (!rule) throw new Response("Not found", { status: 404 });
  if (lastDay < rule.validFrom) return fieldError(ctx, "lastDay", "school.creditRules.untilBeforeFrom");
  // Only shortened: a longer rule could overlap the next one; a new period is a new rule.
  if (rule.validUntil && lastDay > rule.validUntil) return fieldError(ctx, "lastDay", "school.creditRules.endLater");
  // Conversions already made under a rule in force stand: it ends today at the earliest.
  const today = shanghaiDate();
  if (rule.validFrom <= today && lastDay < today) return fieldError(ctx, "lastDay", "school.creditRules.endInPast");
  await tx
    .update(creditRules)
    .set({ validUntil: lastDay })
    .where(and(eq(creditRules.tenantId, ctx.tenant.id), eq(creditRules.id, id)));
  await audit(tx, ctx, {
    action: "credit_rule.end",
    entityType: "credit_rule",
    entityId: id,
    before: { validUntil: rule.validUntil },
    after: { validUntil: lastDay },
  });
  return { ok: true, value: { id } };
}

export type CreditRuleRow = Awaited<ReturnType<typeof listCreditRules>>["rows"][number];

/** The public API's shape of a rule (GET /api/v1/credit-rules), in the fee API's conventions. */
export function apiCreditRule(r: CreditRuleRow) {
  return {
    id: r.id,
    recordedBy: { id: r.recorderId, name: r.recorderName },
    organization: { name: r.organizationName },
    certificate: { code: r.certificateCode, name: r.certificateName },
    level: r.level,
    course: { code: r.courseCode, name: r.courseName, module: r.module || null },
    credits: Number(r.credits),
    exemption: r.exemption,
    validFrom: r.validFrom,
    validUntil: r.validUntil,
  };
}

/** The rules in force on a day (default today in Asia/Shanghai), for the public API. */
export function rulesInForce(tx: Tx, query: { on?: string; certificate?: string; course?: string; cursor?: string }, limit: number) {
  return listCreditRules(tx, null, { ...query, on: query.on ?? shanghaiDate() }, limit);
}
