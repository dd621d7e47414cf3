import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { rowsOf } from "../../../db/client.server";
import {
  adoptionItems,
  adoptions,
  cases,
  certificates,
  materials,
  pilotMajorCertificates,
  pilotMajors,
  questions,
  questionVersions,
  standardNodes,
  standardVersions,
  tenants,
} from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { diffVersions } from "~/modules/standards/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { fieldError, newestFirst, pageOf, pageSize, refuse, type Result } from "./common.server";
import type { AdoptionInput } from "./schemas";

// Adoption of a certificate level into a major's plan (§二.4, §二.6), decision 035: a teacher
// proposes, the school admin approves. The adoption pins the standard version; practice questions
// are pinned at their version; cases and materials are live (not versioned). Every item keeps the
// title it had, so an item the organization stops sharing shows as withdrawn, never disappears.
// Reads of the organization's rows go through the shared-read policies for schools.

type Level = "junior" | "intermediate" | "senior";

/** Active certificates a school can adopt, with their organization (the catalogue, under RLS). */
export function adoptableCertificates(tx: Tx) {
  return tx
    .select({
      id: certificates.id,
      organizationId: certificates.tenantId,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
      organizationName: tenants.name,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .where(eq(certificates.status, "active"))
    .orderBy(certificates.nameZh, certificates.code)
    .limit(1000);
}

async function activeCertificate(tx: Tx, certificateId: string) {
  if (!isUuid(certificateId)) return null;
  const [row] = await tx
    .select({
      id: certificates.id,
      organizationId: certificates.tenantId,
      nameZh: certificates.nameZh,
      levels: certificates.levels,
      organizationName: tenants.name,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .where(and(eq(certificates.id, certificateId), eq(certificates.status, "active")))
    .limit(1);
  return row ?? null;
}

/** The latest published standard version of a certificate (readable as a public document). */
async function latestPublished(tx: Tx, organizationId: string, certificateId: string) {
  const [row] = await tx
    .select({ id: standardVersions.id, version: standardVersions.version, publishedAt: standardVersions.publishedAt })
    .from(standardVersions)
    .where(and(eq(standardVersions.tenantId, organizationId), eq(standardVersions.certificateId, certificateId), eq(standardVersions.status, "published")))
    .orderBy(desc(standardVersions.version))
    .limit(1);
  return row ?? null;
}

/** The shared practice questions, cases and materials of a certificate level a school may adopt. */
export async function shareableItems(tx: Tx, certificateId: string, level: Level) {
  if (!isUuid(certificateId)) return { questions: [], cases: [], materials: [] };
  const [qs, cs, ms] = await Promise.all([
    tx
      .select({ id: questions.id, title: questions.stem, version: questions.version, updatedAt: questions.updatedAt })
      .from(questions)
      .where(
        and(
          eq(questions.certificateId, certificateId),
          eq(questions.level, level),
          eq(questions.pool, "practice"),
          eq(questions.visibility, "shared"),
          eq(questions.status, "published"),
        ),
      )
      .orderBy(desc(questions.updatedAt))
      .limit(200),
    tx
      .select({ id: cases.id, title: cases.title, updatedAt: cases.updatedAt })
      .from(cases)
      .where(and(eq(cases.certificateId, certificateId), eq(cases.level, level), eq(cases.visibility, "shared")))
      .orderBy(desc(cases.updatedAt))
      .limit(200),
    tx
      .select({ id: materials.id, title: materials.title, updatedAt: materials.updatedAt })
      .from(materials)
      .where(and(eq(materials.certificateId, certificateId), eq(materials.visibility, "shared"), sql`${level}::certificate_level = any(${materials.levels})`))
      .orderBy(desc(materials.updatedAt))
      .limit(200),
  ]);
  return { questions: qs, cases: cs, materials: ms };
}

export async function proposeAdoption(tx: Tx, ctx: TenantContext, input: AdoptionInput): Promise<Result<{ id: string }>> {
  const [major] = await tx
    .select({ id: pilotMajors.id })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, input.majorId)));
  if (!major) return fieldError(ctx, "majorId", "errors.invalidOption");
  const certificate = await activeCertificate(tx, input.certificateId);
  if (!certificate) return fieldError(ctx, "certificateId", "errors.invalidOption");
  if (!certificate.levels.includes(input.level)) return fieldError(ctx, "level", "school.adoptions.levelNotOffered");
  const [live] = await tx
    .select({ id: adoptions.id })
    .from(adoptions)
    .where(
      and(
        eq(adoptions.tenantId, ctx.tenant.id),
        eq(adoptions.majorId, input.majorId),
        eq(adoptions.certificateId, input.certificateId),
        eq(adoptions.level, input.level),
        sql`${adoptions.status} <> 'rejected'`,
      ),
    );
  if (live) return fieldError(ctx, "level", "school.adoptions.alreadyAdopted");
  const standard = await latestPublished(tx, certificate.organizationId, certificate.id);
  const items = await shareableItems(tx, certificate.id, input.level);
  const pick = <T extends { id: string }>(available: T[], ids: string[]) => {
    const byId = new Map(available.map((item) => [item.id, item]));
    return ids.map((id) => byId.get(id));
  };
  const chosen = {
    question: pick(items.questions, input.questionIds),
    case: pick(items.cases, input.caseIds),
    material: pick(items.materials, input.materialIds),
  };
  for (const [kind, list] of Object.entries(chosen)) if (list.some((item) => !item)) return fieldError(ctx, `${kind}Ids`, "errors.invalidOption");
  const [adoption] = await tx
    .insert(adoptions)
    .values({
      tenantId: ctx.tenant.id,
      majorId: input.majorId,
      organizationId: certificate.organizationId,
      certificateId: certificate.id,
      level: input.level,
      standardVersionId: standard?.id ?? null,
      standardVersion: standard?.version ?? null,
      certificateName: certificate.nameZh,
      organizationName: certificate.organizationName,
      proposalNote: input.proposalNote,
      proposedByUserId: ctx.user.id,
    })
    .returning({ id: adoptions.id });
  const rows = [
    ...chosen.question.map((q) => ({ kind: "question" as const, itemId: q!.id, version: (q as { version: number }).version, title: q!.title.slice(0, 200) })),
    ...chosen.case.map((c) => ({ kind: "case" as const, itemId: c!.id, version: null, title: c!.title })),
    ...chosen.material.map((m) => ({ kind: "material" as const, itemId: m!.id, version: null, title: m!.title })),
  ];
  if (rows.length)
    await tx
      .insert(adoptionItems)
      .values(rows.map((row) => ({ tenantId: ctx.tenant.id, adoptionId: adoption.id, organizationId: certificate.organizationId, ...row })));
  await audit(tx, ctx, {
    action: "adoption.propose",
    entityType: "adoption",
    entityId: adoption.id,
    after: { ...input, standardVersion: standard?.version ?? null, items: rows.map((r) => ({ kind: r.kind, id: r.itemId, version: r.version })) },
  });
  return { ok: true, value: adoption };
}

export async function listAdoptions(tx: Tx, ctx: TenantContext, options: { cursor?: string } = {}, limit = pageSize) {
  const keyset = newestFirst(adoptions.createdAt, adoptions.id, options.cursor);
  const rows = await tx
    .select({
      id: adoptions.id,
      cursorAt: keyset.cursorAt,
      majorCode: pilotMajors.code,
      majorName: pilotMajors.name,
      certificateName: adoptions.certificateName,
      organizationName: adoptions.organizationName,
      level: adoptions.level,
      status: adoptions.status,
      standardVersion: adoptions.standardVersion,
      createdAt: adoptions.createdAt,
      // The newest published version readable now: greater than the pinned one means "update available".
      latestVersion: sql<number | null>`(select max(v.version) from standard_versions v
        where v.tenant_id = ${adoptions.organizationId} and v.certificate_id = ${adoptions.certificateId} and v.status = 'published')`,
    })
    .from(adoptions)
    .innerJoin(pilotMajors, and(eq(pilotMajors.tenantId, adoptions.tenantId), eq(pilotMajors.id, adoptions.majorId)))
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), keyset.after))
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

async function nodesOf(tx: Tx, organizationId: string, versionId: string) {
  return tx
    .select()
    .from(standardNodes)
    .where(and(eq(standardNodes.tenantId, organizationId), eq(standardNodes.versionId, versionId)));
}

/**
 * An adoption with its pinned items as they stand: a question at its pinned version (or withdrawn
 * when the organization no longer shares it), cases and materials live with their last update (or
 * withdrawn), and the newer standard version with its difference when there is one.
 */
export async function getAdoption(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [adoption] = await tx
    .select()
    .from(adoptions)
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, id)));
  if (!adoption) return null;
  const [major] = await tx
    .select({ id: pilotMajors.id, code: pilotMajors.code, name: pilotMajors.name })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, adoption.majorId)));
  const items = await tx
    .select()
    .from(adoptionItems)
    .where(and(eq(adoptionItems.tenantId, ctx.tenant.id), eq(adoptionItems.adoptionId, id)))
    .orderBy(adoptionItems.kind, adoptionItems.title);
  const ids = (kind: string) => items.filter((i) => i.kind === kind).map((i) => i.itemId);
  const pinnedQuestions = ids("question").length
    ? await tx
        .select({ questionId: questionVersions.questionId, version: questionVersions.version, snapshot: questionVersions.snapshot })
        .from(questionVersions)
        .where(and(eq(questionVersions.tenantId, adoption.organizationId), inArray(questionVersions.questionId, ids("question"))))
    : [];
  const liveQuestions = ids("question").length
    ? await tx
        .select({ id: questions.id, version: questions.version, updatedAt: questions.updatedAt })
        .from(questions)
        .where(and(eq(questions.tenantId, adoption.organizationId), inArray(questions.id, ids("question"))))
    : [];
  const liveCases = ids("case").length
    ? await tx
        .select({ id: cases.id, title: cases.title, updatedAt: cases.updatedAt })
        .from(cases)
        .where(and(eq(cases.tenantId, adoption.organizationId), inArray(cases.id, ids("case"))))
    : [];
  const liveMaterials = ids("material").length
    ? await tx
        .select({ id: materials.id, title: materials.title, updatedAt: materials.updatedAt })
        .from(materials)
        .where(and(eq(materials.tenantId, adoption.organizationId), inArray(materials.id, ids("material"))))
    : [];
  const shown = items.map((item) => {
    if (item.kind === "question") {
      const pinned = pinnedQuestions.find((p) => p.questionId === item.itemId && p.version === item.version);
      const live = liveQuestions.find((q) => q.id === item.itemId);
      return {
        kind: item.kind,
        itemId: item.itemId,
        title: pinned ? String(pinned.snapshot.stem ?? item.title) : item.title,
        version: item.version,
        latestVersion: live?.version ?? null,
        updatedAt: live?.updatedAt ?? null,
        withdrawn: !pinned || !live,
      };
    }
    const live = (item.kind === "case" ? liveCases : liveMaterials).find((row) => row.id === item.itemId);
    return {
      kind: item.kind,
      itemId: item.itemId,
      title: live?.title ?? item.title,
      version: null,
      latestVersion: null,
      updatedAt: live?.updatedAt ?? null,
      withdrawn: !live,
    };
  });
  const latest = await latestPublished(tx, adoption.organizationId, adoption.certificateId);
  const update =
    latest && adoption.standardVersionId && latest.version > (adoption.standardVersion ?? 0)
      ? {
          versionId: latest.id,
          version: latest.version,
          publishedAt: latest.publishedAt,
          levels: diffVersions(
            await nodesOf(tx, adoption.organizationId, adoption.standardVersionId),
            await nodesOf(tx, adoption.organizationId, latest.id),
          ).filter((l) => l.level === adoption.level),
        }
      : null;
  return { adoption, major: major ?? null, items: shown, update };
}

/** The admin approves or rejects a proposal. Approval adds the level to the major's piloted levels. */
export async function decideAdoption(tx: Tx, ctx: TenantContext, id: string, decision: "approve" | "reject", note: string): Promise<Result<{ id: string }>> {
  const [adoption] = await tx
    .select()
    .from(adoptions)
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, id)))
    .for("update");
  if (!adoption) throw new Response("Not found", { status: 404 });
  if (adoption.status !== "proposed") return refuse(ctx, 409, "school.adoptions.alreadyDecided");
  const status = decision === "approve" ? "approved" : "rejected";
  await tx
    .update(adoptions)
    .set({ status, decisionNote: note, decidedByUserId: ctx.user.id, decidedAt: new Date() })
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, id)));
  if (status === "approved")
    await tx
      .insert(pilotMajorCertificates)
      .values({
        tenantId: ctx.tenant.id,
        majorId: adoption.majorId,
        organizationId: adoption.organizationId,
        certificateId: adoption.certificateId,
        level: adoption.level,
      })
      .onConflictDoNothing();
  await audit(tx, ctx, {
    action: decision === "approve" ? "adoption.approve" : "adoption.reject",
    entityType: "adoption",
    entityId: id,
    before: { status: adoption.status },
    after: { status, note },
  });
  return { ok: true, value: { id } };
}

/** Moves an approved adoption to a newer published standard version: the school's explicit choice. */
export async function optIn(tx: Tx, ctx: TenantContext, id: string, versionId: string): Promise<Result<{ id: string }>> {
  const [adoption] = await tx
    .select()
    .from(adoptions)
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, id)))
    .for("update");
  if (!adoption) throw new Response("Not found", { status: 404 });
  if (adoption.status !== "approved") return refuse(ctx, 409, "school.adoptions.notApproved");
  const [version] = await tx
    .select({ id: standardVersions.id, version: standardVersions.version, status: standardVersions.status })
    .from(standardVersions)
    .where(
      and(
        eq(standardVersions.tenantId, adoption.organizationId),
        eq(standardVersions.certificateId, adoption.certificateId),
        eq(standardVersions.id, versionId),
      ),
    );
  if (!version || version.status !== "published" || version.version <= (adoption.standardVersion ?? 0))
    return fieldError(ctx, "versionId", "school.adoptions.notNewer");
  await tx
    .update(adoptions)
    .set({ standardVersionId: version.id, standardVersion: version.version })
    .where(and(eq(adoptions.tenantId, ctx.tenant.id), eq(adoptions.id, id)));
  await audit(tx, ctx, {
    action: "adoption.opt_in",
    entityType: "adoption",
    entityId: id,
    before: { standardVersion: adoption.standardVersion },
    after: { standardVersion: version.version },
  });
  return { ok: true, value: { id } };
}

/** Approved adoptions for selects (mapping, filings). */
export async function approvedAdoptions(tx: Tx, ctx: TenantContext) {
  return rowsOf<{
    id: string;
    certificate_name: string;
    level: Level;
    major_name: string;
    organization_id: string;
    certificate_id: string;
    standard_version_id: string | null;
  }>(
    await tx.execute(sql`select a.id, a.certificate_name, a.level, m.name as major_name, a.organization_id, a.certificate_id, a.standard_version_id
      from adoptions a join pilot_majors m on m.tenant_id = a.tenant_id and m.id = a.major_id
      where a.tenant_id = ${ctx.tenant.id} and a.status = 'approved' order by m.code, a.certificate_name, a.level`),
  );
}
