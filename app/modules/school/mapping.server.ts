import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { adoptions, requirementMappings, schoolCourses, standardNodes } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { fieldError, newestFirst, pageOf, pageSize, type Result } from "./common.server";
import type { CourseInput } from "./schemas";

// 书证融通 (§二.4): each skill requirement of an adopted certificate level, by lineage (so a mapping
// survives a new standard version), maps to zero or more of the school's courses.

export async function listCourses(tx: Tx, ctx: TenantContext, options: { cursor?: string } = {}, limit = pageSize) {
  const keyset = newestFirst(schoolCourses.createdAt, schoolCourses.id, options.cursor);
  const rows = await tx
    .select({
      id: schoolCourses.id,
      cursorAt: keyset.cursorAt,
      code: schoolCourses.code,
      name: schoolCourses.name,
      credits: schoolCourses.credits,
      semester: schoolCourses.semester,
      kind: schoolCourses.kind,
      createdAt: schoolCourses.createdAt,
    })
    .from(schoolCourses)
    .where(and(eq(schoolCourses.tenantId, ctx.tenant.id), keyset.after))
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

export function courseOptions(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: schoolCourses.id, code: schoolCourses.code, name: schoolCourses.name, semester: schoolCourses.semester })
    .from(schoolCourses)
    .where(eq(schoolCourses.tenantId, ctx.tenant.id))
    .orderBy(asc(schoolCourses.code));
}

export async function createCourse(tx: Tx, ctx: TenantContext, input: CourseInput): Promise<Result<{ id: string }>> {
  const [taken] = await tx
    .select({ id: schoolCourses.id })
    .from(schoolCourses)
    .where(and(eq(schoolCourses.tenantId, ctx.tenant.id), eq(schoolCourses.code, input.code)));
  if (taken) return fieldError(ctx, "code", "school.courses.codeTaken");
  const [course] = await tx
    .insert(schoolCourses)
    .values({
      tenantId: ctx.tenant.id,
      code: input.code,
      name: input.name,
      credits: input.credits,
      semester: input.semester ?? null,
      kind: input.kind,
      majorId: input.majorId ?? null,
    })
    .returning({ id: schoolCourses.id });
  await audit(tx, ctx, { action: "school_course.create", entityType: "school_course", entityId: course.id, after: input });
  return { ok: true, value: course };
}

async function adoptionOf(tx: Tx, ctx: TenantContext, adoptionId: string) {
  if (!isUuid(adoptionId)) return null;
  const [adoption] = await tx
    .select()
    .from(adoptions)
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, adoptionId), eq(adoptions.status, "approved")));
  return adoption ?? null;
}

/**
 * The skill requirements of the adoption's pinned standard version at its level, each with its
 * mapped courses, and the coverage: uncovered (no course) and unscheduled (no mapped course is in
 * any semester).
 */
export async function mappingOf(tx: Tx, ctx: TenantContext, adoptionId: string) {
  const adoption = await adoptionOf(tx, ctx, adoptionId);
  if (!adoption) return null;
  const requirements = adoption.standardVersionId
    ? await tx
        .select({ lineageId: standardNodes.lineageId, code: standardNodes.code, titleZh: standardNodes.titleZh, titleEn: standardNodes.titleEn })
        .from(standardNodes)
        .where(
          and(
            eq(standardNodes.tenantId, adoption.organizationId),
            eq(standardNodes.versionId, adoption.standardVersionId),
            eq(standardNodes.level, adoption.level),
            eq(standardNodes.kind, "skill_requirement"),
          ),
        )
    : [];
  requirements.sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
  const mapped = await tx
    .select({
      lineageId: requirementMappings.lineageId,
      courseId: schoolCourses.id,
      code: schoolCourses.code,
      name: schoolCourses.name,
      semester: schoolCourses.semester,
    })
    .from(requirementMappings)
    .innerJoin(schoolCourses, and(eq(schoolCourses.tenantId, requirementMappings.tenantId), eq(schoolCourses.id, requirementMappings.courseId)))
    .where(and(eq(requirementMappings.tenantId, ctx.tenant.id), eq(requirementMappings.adoptionId, adoptionId)));
  const rows = requirements.map((r) => {
    const courses = mapped.filter((m) => m.lineageId === r.lineageId);
    const state = courses.length === 0 ? "uncovered" : courses.every((c) => c.semester === null) ? "unscheduled" : "covered";
    return { ...r, courses, state: state as "uncovered" | "unscheduled" | "covered" };
  });
  return {
    adoption,
    rows,
    uncovered: rows.filter((r) => r.state === "uncovered").length,
    unscheduled: rows.filter((r) => r.state === "unscheduled").length,
  };
}

export async function changeMapping(
  tx: Tx,
  ctx: TenantContext,
  adoptionId: string,
  input: { intent: "map" | "unmap"; lineageId: string; courseId: string },
): Promise<Result<null>> {
  const mapping = await mappingOf(tx, ctx, adoptionId);
  if (!mapping) throw new Response("Not found", { status: 404 });
  if (!mapping.rows.some((r) => r.lineageId === input.lineageId)) return fieldError(ctx, "lineageId", "errors.invalidOption");
  const [course] = await tx
    .select({ id: schoolCourses.id })
    .from(schoolCourses)
    .where(and(eq(schoolCourses.tenantId, ctx.tenant.id), eq(schoolCourses.id, input.courseId)));
  if (!course) return fieldError(ctx, "courseId", "errors.invalidOption");
  const key = { tenantId: ctx.tenant.id, adoptionId, lineageId: input.lineageId, courseId: input.courseId };
  if (input.intent === "map") {
    const inserted = await tx.insert(requirementMappings).values(key).onConflictDoNothing().returning();
    if (inserted.length) await audit(tx, ctx, { action: "requirement_mapping.create", entityType: "adoption", entityId: adoptionId, after: key });
  } else {
    const removed = await tx
      .delete(requirementMappings)
      .where(
        and(
          eq(requirementMappings.tenantId, ctx.tenant.id),
          eq(requirementMappings.adoptionId, adoptionId),
          eq(requirementMappings.lineageId, input.lineageId),
          eq(requirementMappings.courseId, input.courseId),
        ),
      )
      .returning();
    if (removed.length) await audit(tx, ctx, { action: "requirement_mapping.delete", entityType: "adoption", entityId: adoptionId, before: key });
  }
  return { ok: true, value: null };
}
