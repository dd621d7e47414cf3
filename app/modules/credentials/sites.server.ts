import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { assessmentSessions, certificates, credentialHolders, credentials, examinerAssignments, examSites, tenants } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import { normalizeCredentialNumber } from "./number";
import type { examSiteFields, sessionFields } from "./schemas";

// Exam sites (考核站点, §二.13), their assessment sessions and the examiners assigned to them. The
// conflict rule (an examiner never assesses at a site of their own employer) is checked here for a
// clear message and enforced by the trigger examiner_assignments_guard whatever writes the row.

type SiteInput = z.infer<typeof examSiteFields>;
type FieldErrors = Record<string, string[]>;
const pageSize = 50;

/** The organization's sites, or for a school the sites it hosts or proposed; newest first. */
export async function listSites(tx: Tx, ctx: TenantContext, cursor?: string) {
  const after = decodeCursor(cursor, [isTimestamp, isUuid]);
  const mine = ctx.tenant.kind === "organization" ? eq(examSites.tenantId, ctx.tenant.id) : eq(examSites.hostTenantId, ctx.tenant.id);
  const rows = await tx
    .select({
      id: examSites.id,
      name: examSites.name,
      district: examSites.district,
      levels: examSites.levels,
      capacity: examSites.capacity,
      equipment: examSites.equipment,
      status: examSites.status,
      certificateCode: certificates.code,
      organization: sql<string>`(select t.name from ${tenants} t where t.id = ${examSites.tenantId})`,
      host: sql<string>`coalesce((select t.name from ${tenants} t where t.id = ${examSites.hostTenantId}), ${examSites.hostName})`,
      // Sites laid out near each other (§二.13: no duplicate construction): the others in the district.
      sameDistrict: sql<number>`(select count(*)::int from ${examSites} o where o.tenant_id = ${examSites.tenantId} and o.district = ${examSites.district} and o.id <> ${examSites.id} and o.status <> 'declined')`,
      cursorAt: cursorTime(examSites.createdAt),
    })
    .from(examSites)
    .leftJoin(certificates, and(eq(certificates.tenantId, examSites.tenantId), eq(certificates.id, examSites.certificateId)))
    .where(and(mine, after ? sql`(${examSites.createdAt}, ${examSites.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined))
    .orderBy(desc(examSites.createdAt), desc(examSites.id))
    .limit(pageSize + 1);
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => row), nextCursor: more ? encodeCursor([last.cursorAt, last.id]) : null };
}

/** The organization's upcoming sessions with their examiners. */
export async function listSessions(tx: Tx, ctx: TenantContext) {
  const rows = await tx
    .select({
      id: assessmentSessions.id,
      heldOn: assessmentSessions.heldOn,
      level: assessmentSessions.level,
      site: examSites.name,
      examiners: sql<string[]>`coalesce((select array_agg(c.number || ' ' || h.name order by c.number) from ${examinerAssignments} e
        join ${credentials} c on c.tenant_id = e.tenant_id and c.id = e.credential_id
        join ${credentialHolders} h on h.tenant_id = c.tenant_id and h.id = c.holder_id
        where e.tenant_id = ${assessmentSessions.tenantId} and e.session_id = ${assessmentSessions.id}), '{}')`,
    })
    .from(assessmentSessions)
    .innerJoin(examSites, and(eq(examSites.tenantId, assessmentSessions.tenantId), eq(examSites.id, assessmentSessions.siteId)))
    .where(eq(assessmentSessions.tenantId, ctx.tenant.id))
    .orderBy(desc(assessmentSessions.heldOn), asc(assessmentSessions.id))
    .limit(100);
  return rows.map((r) => ({
    ...r,
    examiners: Array.isArray(r.examiners)
      ? r.examiners
      : String(r.examiners)
          .replace(/^\{|\}$/g, "")
          .split(",")
          .filter(Boolean)
          .map((s) => s.replace(/^"|"$/g, "")),
  }));
}

/** Certificates a site can serve: the organization's own, or (for a school proposing) every active one. */
export function siteCertificates(tx: Tx, ctx: TenantContext) {
  return tx
    .select({
      id: certificates.id,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
      organization: tenants.name,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .where(ctx.tenant.kind === "organization" ? eq(certificates.tenantId, ctx.tenant.id) : eq(certificates.status, "active"))
    .orderBy(asc(tenants.name), asc(certificates.code));
}

async function checkSite(tx: Tx, ctx: TenantContext, input: SiteInput) {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ tenantId: certificates.tenantId, levels: certificates.levels })
    .from(certificates)
    .where(
      and(
        eq(certificates.id, input.certificateId),
        ctx.tenant.kind === "organization" ? eq(certificates.tenantId, ctx.tenant.id) : eq(certificates.status, "active"),
      ),
    )
    .limit(1);
  if (!certificate) errors.certificateId = [t("errors.invalidOption")];
  else if (input.levels.some((l) => !certificate.levels.includes(l))) errors.levels = [t("errors.levelNotOffered")];
  if (ctx.tenant.kind === "organization" && !input.hostTenantId && !input.hostName) errors.hostName = [t("errors.required")];
  return { errors, organizationId: certificate?.tenantId };
}

/** An organization adds a site (approved at once); a school proposes hosting one for the certificate's organization. */
export async function saveSite(tx: Tx, ctx: TenantContext, input: SiteInput) {
  const { errors, organizationId } = await checkSite(tx, ctx, input);
  if (Object.keys(errors).length || !organizationId) return { ok: false, status: 400, fieldErrors: errors } as const;
  const school = ctx.tenant.kind === "school";
  const [site] = await tx
    .insert(examSites)
    .values({
      tenantId: organizationId,
      name: input.name,
      hostTenantId: school ? ctx.tenant.id : (input.hostTenantId ?? null),
      hostName: school ? "" : input.hostName,
      district: input.district,
      certificateId: input.certificateId,
      levels: input.levels,
      capacity: input.capacity,
      equipment: input.equipment,
      status: school ? "proposed" : "approved",
      proposedByTenantId: school ? ctx.tenant.id : null,
      decidedAt: school ? null : new Date(),
    })
    .returning();
  // Both sides see the proposal in their audit log.
  await audit(tx, ctx, { action: school ? "exam_site.propose" : "exam_site.create", entityType: "exam_site", entityId: site.id, after: site });
  return { ok: true, value: site } as const;
}

export async function decideSite(tx: Tx, ctx: TenantContext, siteId: string, approve: boolean) {
  const [before] = await tx
    .select()
    .from(examSites)
    .where(and(eq(examSites.tenantId, ctx.tenant.id), eq(examSites.id, siteId), eq(examSites.status, "proposed")))
    .limit(1);
  if (!before) throw new Response("Not found", { status: 404 });
  const [after] = await tx
    .update(examSites)
    .set({ status: approve ? "approved" : "declined", decidedAt: new Date() })
    .where(and(eq(examSites.tenantId, ctx.tenant.id), eq(examSites.id, siteId)))
    .returning();
  await audit(tx, ctx, { action: approve ? "exam_site.approve" : "exam_site.decline", entityType: "exam_site", entityId: siteId, before, after });
  return after;
}

export async function createSession(tx: Tx, ctx: TenantContext, input: z.infer<typeof sessionFields>) {
  const t = translator(ctx.locale);
  const [site] = await tx
    .select({ levels: examSites.levels })
    .from(examSites)
    .where(and(eq(examSites.tenantId, ctx.tenant.id), eq(examSites.id, input.siteId), eq(examSites.status, "approved")))
    .limit(1);
  if (!site) return { ok: false, status: 400, fieldErrors: { siteId: [t("errors.invalidOption")] } } as const;
  if (!site.levels.includes(input.level)) return { ok: false, status: 400, fieldErrors: { level: [t("errors.levelNotOffered")] } } as const;
  const [session] = await tx
    .insert(assessmentSessions)
    .values({ tenantId: ctx.tenant.id, siteId: input.siteId, heldOn: input.heldOn, level: input.level })
    .returning();
  await audit(tx, ctx, { action: "assessment_session.create", entityType: "assessment_session", entityId: session.id, after: session });
  return { ok: true, value: session } as const;
}

/** Assigns the examiner with this credential number; refused, with the reason, when their employer hosts the site. */
export async function assignExaminer(tx: Tx, ctx: TenantContext, sessionId: string, credentialNumber: string) {
  const t = translator(ctx.locale);
  const number = normalizeCredentialNumber(credentialNumber);
  const [examiner] = number
    ? await tx
        .select({ id: credentials.id, role: credentials.role, status: credentials.status, employer: credentialHolders.employerTenantId })
        .from(credentials)
        .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
        .where(and(eq(credentials.tenantId, ctx.tenant.id), eq(credentials.number, number)))
        .limit(1)
    : [];
  if (!examiner) return { ok: false, status: 400, fieldErrors: { credentialNumber: [t("credentials.errors.unknownNumber")] } } as const;
  const [session] = await tx
    .select({ host: examSites.hostTenantId })
    .from(assessmentSessions)
    .innerJoin(examSites, and(eq(examSites.tenantId, assessmentSessions.tenantId), eq(examSites.id, assessmentSessions.siteId)))
    .where(and(eq(assessmentSessions.tenantId, ctx.tenant.id), eq(assessmentSessions.id, sessionId)))
    .limit(1);
  if (!session) return { ok: false, status: 400, fieldErrors: { sessionId: [t("errors.invalidOption")] } } as const;
  if (examiner.role !== "examiner" || examiner.status !== "active")
    return { ok: false, status: 400, fieldErrors: { credentialNumber: [t("credentials.errors.examinerNotActive")] } } as const;
  if (examiner.employer && examiner.employer === session.host)
    return { ok: false, status: 400, fieldErrors: { credentialNumber: [t("credentials.errors.employerIsHost")] } } as const;
  const [assigned] = await tx
    .insert(examinerAssignments)
    .values({ tenantId: ctx.tenant.id, sessionId, credentialId: examiner.id })
    .onConflictDoNothing()
    .returning();
  if (!assigned) return { ok: false, status: 400, fieldErrors: { credentialNumber: [t("credentials.errors.alreadyAssigned")] } } as const;
  await audit(tx, ctx, { action: "examiner_assignment.create", entityType: "examiner_assignment", entityId: assigned.id, after: { ...assigned, number } });
  return { ok: true, value: assigned } as const;
}
