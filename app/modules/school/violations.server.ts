import { and, asc, desc, eq, ne } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { tenants, users, violationDisclosures, violationEvidence, violationReportNotes, violationReports, violationReportUpdates } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { FileChanges } from "~/modules/storage/storage.server";
import { detectUploadType, imageAndPdfTypes, putUpload, storedFileResponse, uploadFileName } from "~/modules/storage/uploads.server";
import { isUuid } from "~/ui/ids";
import { fieldError, newestFirst, pageOf, pageSize, refuse, type Result } from "./common.server";

// Violation reports (§三.3), decision 037: a school reports an organization; the committee triages.
// The report is the school's row: the reported organization has no policy that reads it (nor its
// evidence, nor who filed it). Evidence files go through app/modules/storage.

export const maxEvidenceBytes = 10 * 1024 * 1024;

/** Organizations a school can report (every organization's name is public). */
export function reportableOrganizations(tx: Tx) {
  return tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.kind, "organization")).orderBy(tenants.name).limit(1000);
}

export async function listViolationReports(tx: Tx, ctx: TenantContext, options: { cursor?: string; all?: boolean } = {}, limit = pageSize) {
  const keyset = newestFirst(violationReports.createdAt, violationReports.id, options.cursor);
  const rows = await tx
    .select({
      id: violationReports.id,
      cursorAt: keyset.cursorAt,
      schoolId: violationReports.tenantId,
      organizationName: tenants.name,
      category: violationReports.category,
      status: violationReports.status,
      createdAt: violationReports.createdAt,
      updatedAt: violationReports.updatedAt,
    })
    .from(violationReports)
    .innerJoin(tenants, eq(tenants.id, violationReports.organizationId))
    .where(and(options.all ? undefined : eq(violationReports.tenantId, ctx.tenant.id), keyset.after))
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

export async function getViolationReport(tx: Tx, ctx: TenantContext, id: string, options: { any?: boolean } = {}) {
  if (!isUuid(id)) return null;
  const [report] = await tx
    .select({ report: violationReports, organizationName: tenants.name })
    .from(violationReports)
    .innerJoin(tenants, eq(tenants.id, violationReports.organizationId))
    .where(and(options.any ? undefined : eq(violationReports.tenantId, ctx.tenant.id), eq(violationReports.id, id)));
  if (!report) return null;
  const [evidence, updates] = await Promise.all([
    tx
      .select({
        id: violationEvidence.id,
        fileName: violationEvidence.fileName,
        sizeBytes: violationEvidence.sizeBytes,
        contentType: violationEvidence.contentType,
        createdAt: violationEvidence.createdAt,
      })
      .from(violationEvidence)
      .where(and(eq(violationEvidence.tenantId, report.report.tenantId), eq(violationEvidence.reportId, id)))
      .orderBy(asc(violationEvidence.createdAt), asc(violationEvidence.id)),
    tx
      .select()
      .from(violationReportUpdates)
      .where(and(eq(violationReportUpdates.tenantId, report.report.tenantId), eq(violationReportUpdates.reportId, id)))
      .orderBy(asc(violationReportUpdates.createdAt)),
  ]);
  return { ...report, evidence, updates };
}

export async function fileViolationReport(
  tx: Tx,
  ctx: TenantContext,
  files: FileChanges,
  input: { organizationId: string; category: (typeof violationReports.$inferInsert)["category"]; description: string },
  evidence: File | undefined,
): Promise<Result<{ id: string }>> {
  const [organization] = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.id, input.organizationId), eq(tenants.kind, "organization"), ne(tenants.id, ctx.tenant.id)));
  if (!organization) return fieldError(ctx, "organizationId", "errors.invalidOption");
  const checked = evidence && evidence.size > 0 ? await checkEvidence(ctx, evidence) : null;
  if (checked && !checked.ok) return checked;
  const [report] = await tx
    .insert(violationReports)
    .values({ tenantId: ctx.tenant.id, ...input, createdByUserId: ctx.user.id })
    .returning({ id: violationReports.id });
  if (checked) await storeEvidence(tx, ctx, files, report.id, checked.value);
  await audit(tx, ctx, {
    action: "violation_report.create",
    entityType: "violation_report",
    entityId: report.id,
    after: { ...input, evidence: evidence?.name ?? null },
  });
  return { ok: true, value: report };
}

// Decision 056: the school adds evidence while the committee has not decided (received, investigating);
// an upheld or dismissed report keeps the evidence it was decided on. The policy on violation_evidence
// says the same (migration 0051).
const openStatuses: ViolationStatus[] = ["received", "investigating"];

export function acceptsEvidence(status: ViolationStatus) {
  return openStatuses.includes(status);
}

/** One more evidence file for the school's own open report. */
export async function addViolationEvidence(tx: Tx, ctx: TenantContext, files: FileChanges, reportId: string, evidence: File): Promise<Result<{ id: string }>> {
  const found = await getViolationReport(tx, ctx, reportId);
  if (!found) throw new Response("Not found", { status: 404 });
  if (!acceptsEvidence(found.report.status)) return refuse(ctx, 409, "school.violations.closed");
  const checked = await checkEvidence(ctx, evidence);
  if (!checked.ok) return checked;
  const stored = await storeEvidence(tx, ctx, files, reportId, checked.value);
  await audit(tx, ctx, {
    action: "violation_report.evidence",
    entityType: "violation_report",
    entityId: reportId,
    after: { evidenceId: stored.id, fileName: stored.fileName, contentType: stored.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256 },
  });
  return { ok: true, value: { id: stored.id } };
}

type CheckedEvidence = { file: File; bytes: Uint8Array; mime: string; ext: string };

/** A photo, a scan or a PDF, by its bytes; a field error on `evidence` otherwise. */
async function checkEvidence(ctx: TenantContext, file: File): Promise<Result<CheckedEvidence>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await detectUploadType(bytes, imageAndPdfTypes);
  if (!type) return fieldError(ctx, "evidence", "school.violations.fileType");
  return { ok: true, value: { file, bytes, ...type } };
}

/** Stored through app/modules/storage: the file is kept only if the transaction commits (withFileChanges). */
async function storeEvidence(tx: Tx, ctx: TenantContext, files: FileChanges, reportId: string, evidence: CheckedEvidence) {
  const stored = await putUpload(files, ctx.tenant.id, evidence.bytes);
  const [row] = await tx
    .insert(violationEvidence)
    .values({
      tenantId: ctx.tenant.id,
      reportId,
      fileName: uploadFileName(evidence.file.name, evidence.ext, "evidence"),
      contentType: evidence.mime,
      ...stored,
    })
    .returning();
  return row;
}

/** An evidence file of a report the caller can read (the school's own, or any for the committee). */
export async function evidenceFile(tx: Tx, reportId: string, evidenceId: string) {
  if (!isUuid(reportId) || !isUuid(evidenceId)) return null;
  const [file] = await tx
    .select()
    .from(violationEvidence)
    .where(and(eq(violationEvidence.reportId, reportId), eq(violationEvidence.id, evidenceId)));
  return file ?? null;
}

/** The committee moves a report's status, with a note the reporting school reads. */
export async function updateViolationStatus(
  tx: Tx,
  ctx: TenantContext,
  id: string,
  input: { status: (typeof violationReports.$inferSelect)["status"]; note: string },
): Promise<Result<{ id: string }>> {
  const found = await getViolationReport(tx, ctx, id, { any: true });
  if (!found) throw new Response("Not found", { status: 404 });
  if (found.report.status === input.status && !input.note) return refuse(ctx, 400, "school.violations.nothingChanged");
  if (!allowedStatuses(found.report.status).includes(input.status))
    return fieldError(ctx, "status", "supervision.triage.badStep", { from: found.report.status, to: input.status });
  await tx
    .update(violationReports)
    .set({ status: input.status })
    .where(and(eq(violationReports.tenantId, found.report.tenantId), eq(violationReports.id, id)));
  await tx
    .insert(violationReportUpdates)
    .values({ tenantId: found.report.tenantId, reportId: id, status: input.status, note: input.note, byUserId: ctx.user.id });
  await audit(tx, ctx, {
    action: "violation_report.status",
    entityType: "violation_report",
    entityId: id,
    before: { status: found.report.status },
    after: input,
  });
  return { ok: true, value: { id } };
}

/** An evidence file as a download (its detected type, never rendered inline). */
export function evidenceDownload(file: typeof violationEvidence.$inferSelect) {
  return storedFileResponse(file);
}

// Triage (issue 17 item 4, decision 048): received → investigating → upheld | dismissed. The note
// with a move is the message the reporting school reads; internal notes stay with the committee; the
// finding disclosed to the reported organization is its own row and names neither the school nor
// the reporter.
const nextStatuses: Record<ViolationStatus, ViolationStatus[]> = {
  received: ["investigating"],
  investigating: ["upheld", "dismissed"],
  upheld: [],
  dismissed: [],
};
export type ViolationStatus = (typeof violationReports.$inferSelect)["status"];

export function allowedStatuses(status: ViolationStatus): ViolationStatus[] {
  return [status, ...nextStatuses[status]];
}

/** The committee's own view of a report: internal notes and what was disclosed to the organization. */
export async function triageOf(tx: Tx, report: { tenantId: string; id: string; organizationId: string }) {
  const [notes, disclosures] = await Promise.all([
    tx
      .select({ id: violationReportNotes.id, body: violationReportNotes.body, createdAt: violationReportNotes.createdAt, author: users.name })
      .from(violationReportNotes)
      .leftJoin(users, eq(users.id, violationReportNotes.authorUserId))
      .where(and(eq(violationReportNotes.tenantId, report.tenantId), eq(violationReportNotes.reportId, report.id)))
      .orderBy(asc(violationReportNotes.createdAt)),
    tx
      .select({
        id: violationDisclosures.id,
        outcome: violationDisclosures.outcome,
        finding: violationDisclosures.finding,
        createdAt: violationDisclosures.createdAt,
      })
      .from(violationDisclosures)
      .where(and(eq(violationDisclosures.tenantId, report.organizationId), eq(violationDisclosures.reference, report.id)))
      .orderBy(asc(violationDisclosures.createdAt)),
  ]);
  return { notes, disclosures };
}

export async function addInternalNote(tx: Tx, ctx: TenantContext, id: string, body: string): Promise<Result<null>> {
  const found = await getViolationReport(tx, ctx, id, { any: true });
  if (!found) throw new Response("Not found", { status: 404 });
  await tx.insert(violationReportNotes).values({ tenantId: found.report.tenantId, reportId: id, body, authorUserId: ctx.user.id });
  // The audit row is the committee's (its tenant): the school's audit log never shows the note.
  await audit(tx, ctx, { action: "violation_report.note", entityType: "violation_report", entityId: id, after: { body } });
  return { ok: true, value: null };
}

/** The finding the committee chooses to tell the reported organization, once the report is decided. */
export async function discloseFinding(tx: Tx, ctx: TenantContext, id: string, finding: string): Promise<Result<null>> {
  const found = await getViolationReport(tx, ctx, id, { any: true });
  if (!found) throw new Response("Not found", { status: 404 });
  const { status, organizationId, category } = found.report;
  if (status !== "upheld" && status !== "dismissed") return refuse(ctx, 409, "supervision.triage.notDecided");
  await tx.insert(violationDisclosures).values({ tenantId: organizationId, reference: id, category, outcome: status, finding, disclosedByUserId: ctx.user.id });
  await audit(tx, ctx, {
    action: "violation_report.disclose",
    entityType: "violation_report",
    entityId: id,
    after: { organizationId, outcome: status, finding },
  });
  return { ok: true, value: null };
}

/** What the committee disclosed to this organization (the organization's own rows). */
export function disclosuresFor(tx: Tx, ctx: TenantContext) {
  return tx
    .select({
      id: violationDisclosures.id,
      category: violationDisclosures.category,
      outcome: violationDisclosures.outcome,
      finding: violationDisclosures.finding,
      createdAt: violationDisclosures.createdAt,
    })
    .from(violationDisclosures)
    .where(eq(violationDisclosures.tenantId, ctx.tenant.id))
    .orderBy(desc(violationDisclosures.createdAt))
    .limit(200);
}
