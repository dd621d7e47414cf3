import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { credentialEvidence, credentials } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { FileChanges } from "~/modules/storage/storage.server";
import { detectUploadType, imageAndPdfTypes, putUpload, storedFileResponse, uploadFileName } from "~/modules/storage/uploads.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";

// A credential's evidence (training certificates, appointment letters): files through
// app/modules/storage, written aside and removed again unless the request commits (FileChanges).

export const maxCredentialEvidenceBytes = 10 * 1024 * 1024;
type Result = { ok: true; value: { id: string } } | { ok: false; status: 400; fieldErrors: Record<string, string[]> };

export function listEvidence(tx: Tx, ctx: TenantContext, credentialId: string) {
  return tx
    .select({
      id: credentialEvidence.id,
      fileName: credentialEvidence.fileName,
      contentType: credentialEvidence.contentType,
      byteSize: credentialEvidence.byteSize,
      createdAt: credentialEvidence.createdAt,
    })
    .from(credentialEvidence)
    .where(and(eq(credentialEvidence.tenantId, ctx.tenant.id), eq(credentialEvidence.credentialId, credentialId)))
    .orderBy(asc(credentialEvidence.createdAt));
}

export async function addEvidence(tx: Tx, ctx: TenantContext, files: FileChanges, credentialId: string, file: File): Promise<Result> {
  const t = translator(ctx.locale);
  const [credential] = await tx
    .select({ id: credentials.id })
    .from(credentials)
    .where(and(eq(credentials.tenantId, ctx.tenant.id), eq(credentials.id, credentialId)));
  if (!credential) throw new Response("Not found", { status: 404 });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await detectUploadType(bytes, imageAndPdfTypes);
  if (!type) return { ok: false, status: 400, fieldErrors: { file: [t("credentials.evidence.fileType")] } };
  const stored = await putUpload(files, ctx.tenant.id, bytes);
  const [saved] = await tx
    .insert(credentialEvidence)
    .values({
      tenantId: ctx.tenant.id,
      credentialId,
      fileName: uploadFileName(file.name, type.ext, "evidence"),
      contentType: type.mime,
      byteSize: stored.sizeBytes,
      storageKey: stored.storageKey,
      createdByUserId: ctx.user.id,
    })
    .returning();
  await audit(tx, ctx, {
    action: "credential_evidence.create",
    entityType: "credential_evidence",
    entityId: saved.id,
    after: { credentialId, fileName: saved.fileName, contentType: saved.contentType, byteSize: saved.byteSize },
  });
  return { ok: true, value: { id: saved.id } };
}

export async function removeEvidence(tx: Tx, ctx: TenantContext, files: FileChanges, credentialId: string, evidenceId: string): Promise<Result> {
  const t = translator(ctx.locale);
  const [gone] = await tx
    .delete(credentialEvidence)
    .where(and(eq(credentialEvidence.tenantId, ctx.tenant.id), eq(credentialEvidence.credentialId, credentialId), eq(credentialEvidence.id, evidenceId)))
    .returning();
  if (!gone) return { ok: false, status: 400, fieldErrors: { evidenceId: [t("errors.invalidOption")] } };
  files.removeAfterCommit(gone.storageKey);
  await audit(tx, ctx, {
    action: "credential_evidence.delete",
    entityType: "credential_evidence",
    entityId: evidenceId,
    before: { credentialId, fileName: gone.fileName },
  });
  return { ok: true, value: { id: evidenceId } };
}

/** One evidence file as a download (its detected type, never inline). */
export async function evidenceDownload(tx: Tx, ctx: TenantContext, credentialId: string, evidenceId: string) {
  if (!isUuid(credentialId) || !isUuid(evidenceId)) throw new Response("Not found", { status: 404 });
  const [file] = await tx
    .select()
    .from(credentialEvidence)
    .where(and(eq(credentialEvidence.tenantId, ctx.tenant.id), eq(credentialEvidence.credentialId, credentialId), eq(credentialEvidence.id, evidenceId)));
  return storedFileResponse(file);
}
