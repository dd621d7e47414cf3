import { createHash } from "node:crypto";
import { and, asc, eq, ne } from "drizzle-orm";
import { fileTypeFromBuffer } from "file-type";
import type { Tx } from "../../../db/client.server";
import { tenants, violationEvidence, violationReports, violationReportUpdates } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { newStorageKey, storage, type FileChanges } from "~/modules/storage/storage.server";
import { attachmentDisposition } from "~/ui/export.server";
import { isUuid } from "~/ui/ids";
import { stripControlChars } from "~/ui/schema-fields";
import { fieldError, newestFirst, pageOf, pageSize, refuse, type Result } from "./common.server";

// Violation reports (§三.3), decision 037: a school reports an organization; the committee triages.
// The report is the school's row: the reported organization has no policy that reads it (nor its
// evidence, nor who filed it). Evidence files go through app/modules/storage.

export const maxEvidenceBytes = 10 * 1024 * 1024;
// Evidence is a photo, a scan or a PDF, recognised by its bytes (never by the browser's word).
const evidenceTypes = new Set(["image/png", "image/jpeg", "image/webp", "application/pdf"]);

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
      .select({ id: violationEvidence.id, fileName: violationEvidence.fileName, sizeBytes: violationEvidence.sizeBytes, contentType: violationEvidence.contentType })
      .from(violationEvidence)
      .where(and(eq(violationEvidence.tenantId, report.report.tenantId), eq(violationEvidence.reportId, id))),
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
  const bytes = evidence && evidence.size > 0 ? new Uint8Array(await evidence.arrayBuffer()) : null;
  const type = bytes ? await fileTypeFromBuffer(bytes) : undefined;
  if (bytes && (!type || !evidenceTypes.has(type.mime))) return fieldError(ctx, "evidence", "school.violations.fileType");
  const [report] = await tx
    .insert(violationReports)
    .values({ tenantId: ctx.tenant.id, ...input, createdByUserId: ctx.user.id })
    .returning({ id: violationReports.id });
  if (bytes && type && evidence) {
    const key = newStorageKey(ctx.tenant.id);
    await files.put(key, bytes);
    await tx.insert(violationEvidence).values({
      tenantId: ctx.tenant.id,
      reportId: report.id,
      fileName: stripControlChars(evidence.name).slice(0, 200) || `evidence.${type.ext}`,
      contentType: type.mime,
      sizeBytes: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey: key,
    });
  }
  await audit(tx, ctx, { action: "violation_report.create", entityType: "violation_report", entityId: report.id, after: { ...input, evidence: evidence?.name ?? null } });
  return { ok: true, value: report };
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
export async function updateViolationStatus(tx: Tx, ctx: TenantContext, id: string, input: { status: (typeof violationReports.$inferSelect)["status"]; note: string }): Promise<Result<{ id: string }>> {
  const found = await getViolationReport(tx, ctx, id, { any: true });
  if (!found) throw new Response("Not found", { status: 404 });
  if (found.report.status === input.status && !input.note) return refuse(ctx, 400, "school.violations.nothingChanged");
  await tx
    .update(violationReports)
    .set({ status: input.status })
    .where(and(eq(violationReports.tenantId, found.report.tenantId), eq(violationReports.id, id)));
  await tx.insert(violationReportUpdates).values({ tenantId: found.report.tenantId, reportId: id, status: input.status, note: input.note, byUserId: ctx.user.id });
  await audit(tx, ctx, { action: "violation_report.status", entityType: "violation_report", entityId: id, before: { status: found.report.status }, after: input });
  return { ok: true, value: { id } };
}

/** An evidence file as a download (its detected type, never rendered inline). */
export async function evidenceDownload(file: typeof violationEvidence.$inferSelect) {
  const stored = await storage().get(file.storageKey);
  if (!stored) throw new Response("Not found", { status: 404 });
  return new Response(stored.stream(), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(stored.size),
      "Content-Disposition": attachmentDisposition(file.fileName),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
