import { and, asc, eq, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { cohorts, pilotMajorCertificates, pilotMajors } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { fieldError, newestFirst, pageOf, pageSize, type Result } from "./common.server";
import type { CohortInput, MajorInput } from "./schemas";

// 试点专业 and their cohorts (§二.8, §二.14): the school's own rows; the committee reads them.

export type Major = typeof pilotMajors.$inferSelect;

/** The school's majors, newest first, with cohort counts and students. */
export async function listMajors(tx: Tx, ctx: TenantContext, options: { cursor?: string } = {}, limit = pageSize) {
  const keyset = newestFirst(pilotMajors.createdAt, pilotMajors.id, options.cursor);
  const rows = await tx
    .select({
      id: pilotMajors.id,
      code: pilotMajors.code,
      name: pilotMajors.name,
      educationLevel: pilotMajors.educationLevel,
      createdAt: pilotMajors.createdAt,
      cursorAt: keyset.cursorAt,
      cohorts: sql<number>`(select count(*)::int from cohorts c where c.tenant_id = ${pilotMajors}.tenant_id and c.major_id = ${pilotMajors}.id)`,
      students: sql<number>`(select coalesce(sum(c.student_count), 0)::int from cohorts c where c.tenant_id = ${pilotMajors}.tenant_id and c.major_id = ${pilotMajors}.id)`,
    })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), keyset.after))
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

/** Majors for a select (code order). */
export function majorOptions(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: pilotMajors.id, code: pilotMajors.code, name: pilotMajors.name })
    .from(pilotMajors)
    .where(eq(pilotMajors.tenantId, ctx.tenant.id))
    .orderBy(asc(pilotMajors.code));
}

export async function getMajor(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [major] = await tx
    .select()
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, id)));
  if (!major) return null;
  const majorCohorts = await tx
    .select()
    .from(cohorts)
    .where(and(eq(cohorts.tenantId, ctx.tenant.id), eq(cohorts.majorId, id)))
    .orderBy(asc(cohorts.entryYear));
  const piloted = await tx
    .select({
      certificateId: pilotMajorCertificates.certificateId,
      level: pilotMajorCertificates.level,
      organizationId: pilotMajorCertificates.organizationId,
      certificateName: sql<
        string | null
      >`(select name_zh from certificates c where c.tenant_id = ${pilotMajorCertificates.organizationId} and c.id = ${pilotMajorCertificates.certificateId})`,
    })
    .from(pilotMajorCertificates)
    .where(and(eq(pilotMajorCertificates.tenantId, ctx.tenant.id), eq(pilotMajorCertificates.majorId, id)));
  return { major, cohorts: majorCohorts, piloted };
}

async function codeTaken(tx: Tx, ctx: TenantContext, code: string, exceptId?: string) {
  const [row] = await tx
    .select({ id: pilotMajors.id })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.code, code)));
  return row && row.id !== exceptId;
}

export async function createMajor(tx: Tx, ctx: TenantContext, input: MajorInput): Promise<Result<Major>> {
  if (await codeTaken(tx, ctx, input.code)) return fieldError(ctx, "code", "school.majors.codeTaken");
  const [major] = await tx
    .insert(pilotMajors)
    .values({ tenantId: ctx.tenant.id, ...input, createdByUserId: ctx.user.id })
    .returning();
  await audit(tx, ctx, { action: "pilot_major.create", entityType: "pilot_major", entityId: major.id, after: input });
  return { ok: true, value: major };
}

export async function updateMajor(tx: Tx, ctx: TenantContext, id: string, input: MajorInput): Promise<Result<Major>> {
  const found = await getMajor(tx, ctx, id);
  if (!found) throw new Response("Not found", { status: 404 });
  if (await codeTaken(tx, ctx, input.code, id)) return fieldError(ctx, "code", "school.majors.codeTaken");
  const [major] = await tx
    .update(pilotMajors)
    .set(input)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, id)))
    .returning();
  await audit(tx, ctx, { action: "pilot_major.update", entityType: "pilot_major", entityId: id, before: found.major, after: input });
  return { ok: true, value: major };
}

/** Adds a cohort, or updates the cohort of that entry year. */
export async function saveCohort(tx: Tx, ctx: TenantContext, majorId: string, input: CohortInput): Promise<Result<{ id: string }>> {
  const found = await getMajor(tx, ctx, majorId);
  if (!found) throw new Response("Not found", { status: 404 });
  if (input.expectedGraduation < `${input.entryYear}-01-01`) return fieldError(ctx, "expectedGraduation", "school.majors.graduationBeforeEntry");
  const before = found.cohorts.find((c) => c.entryYear === input.entryYear) ?? null;
  const [cohort] = await tx
    .insert(cohorts)
    .values({ tenantId: ctx.tenant.id, majorId, ...input })
    .onConflictDoUpdate({
      target: [cohorts.tenantId, cohorts.majorId, cohorts.entryYear],
      set: { studentCount: input.studentCount, expectedGraduation: input.expectedGraduation },
    })
    .returning({ id: cohorts.id });
  await audit(tx, ctx, { action: before ? "cohort.update" : "cohort.create", entityType: "cohort", entityId: cohort.id, before, after: { majorId, ...input } });
  return { ok: true, value: cohort };
}

export async function deleteCohort(tx: Tx, ctx: TenantContext, majorId: string, cohortId: string): Promise<Result<{ id: string }>> {
  const [gone] = await tx
    .delete(cohorts)
    .where(and(eq(cohorts.tenantId, ctx.tenant.id), eq(cohorts.majorId, majorId), eq(cohorts.id, cohortId)))
    .returning();
  if (!gone) return fieldError(ctx, "cohortId", "errors.invalidOption");
  await audit(tx, ctx, { action: "cohort.delete", entityType: "cohort", entityId: cohortId, before: gone });
  return { ok: true, value: { id: cohortId } };
}

/** Every major with each of its cohorts (a major without cohorts once): the import template's rows. */
export async function majorsWithCohorts(tx: Tx, ctx: TenantContext, limit = 100_000) {
  return tx
    .select({
      code: pilotMajors.code,
      name: pilotMajors.name,
      educationLevel: pilotMajors.educationLevel,
      entryYear: cohorts.entryYear,
      studentCount: cohorts.studentCount,
      expectedGraduation: cohorts.expectedGraduation,
    })
    .from(pilotMajors)
    .leftJoin(cohorts, and(eq(cohorts.tenantId, pilotMajors.tenantId), eq(cohorts.majorId, pilotMajors.id)))
    .where(eq(pilotMajors.tenantId, ctx.tenant.id))
    .orderBy(asc(pilotMajors.code), asc(cohorts.entryYear))
    .limit(limit);
}

/** A cohort of the school's (an order names the cohort it assesses). */
export async function cohortOf(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [cohort] = await tx
    .select({ id: cohorts.id, majorId: cohorts.majorId })
    .from(cohorts)
    .where(and(eq(cohorts.tenantId, ctx.tenant.id), eq(cohorts.id, id)));
  return cohort ?? null;
}

/** Cohorts for a select: "590302 智慧健康养老服务与管理 · 2024". */
export function cohortOptions(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: cohorts.id, entryYear: cohorts.entryYear, majorCode: pilotMajors.code, majorName: pilotMajors.name })
    .from(cohorts)
    .innerJoin(pilotMajors, and(eq(pilotMajors.tenantId, cohorts.tenantId), eq(pilotMajors.id, cohorts.majorId)))
    .where(eq(cohorts.tenantId, ctx.tenant.id))
    .orderBy(asc(pilotMajors.code), asc(cohorts.entryYear));
}
