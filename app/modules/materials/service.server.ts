import { and, asc, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "../../../db/client.server";
import { certificates, materialAttachments, materials, standardVersions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { checkPlacement } from "~/modules/banks/service.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import type { FileChanges } from "~/modules/storage/storage.server";
import { detectUploadType, putUpload, storedFileResponse, uploadFileName, type UploadTypes } from "~/modules/storage/uploads.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { formatBytes } from "~/ui/format";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import { likePattern } from "~/ui/like";
import type { MaterialFilter, MaterialInput } from "./schemas";
import { requireAdmitted } from "~/modules/admission/service.server";

const materialPageSize = 50;

/** The largest attachment, MATERIAL_MAX_BYTES (default 50 MB); read per call so tests can lower it. */
export function materialMaxBytes() {
  return z.coerce
    .number()
    .int()
    .positive()
    .catch(50 * 1024 * 1024)
    .parse(process.env.MATERIAL_MAX_BYTES ?? "");
}

// Attachment types, told by the file's first bytes (file-type), never by its name or the browser.
const allowedTypes: UploadTypes = new Map([
  ["application/pdf", "pdf"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"],
  ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"],
  ["video/mp4", "mp4"],
  ["image/png", "png"],
  ["image/jpeg", "jpg"],
  ["application/zip", "zip"],
]);

function materialConditions(ctx: TenantContext, filter: MaterialFilter): SQL[] {
  const q = filter.q?.trim();
  return [
    eq(materials.tenantId, ctx.tenant.id),
    filter.certificate && isUuid(filter.certificate) ? eq(materials.certificateId, filter.certificate) : undefined,
    filter.kind ? eq(materials.kind, filter.kind) : undefined,
    filter.visibility ? eq(materials.visibility, filter.visibility) : undefined,
    q ? sql`${materials.title} ilike ${likePattern(q)}` : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** The organization's materials, most recently updated first, keyset-paginated. */
export async function listMaterials(tx: Tx, ctx: TenantContext, filter: MaterialFilter, limit = materialPageSize) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const rows = await tx
    .select({
      id: materials.id,
      certificateId: materials.certificateId,
      certificateCode: certificates.code,
      kind: materials.kind,
      title: materials.title,
      isbn: materials.isbn,
      publisher: materials.publisher,
      schoolEditor: materials.schoolEditor,
      enterpriseEditor: materials.enterpriseEditor,
      levels: materials.levels,
      requirementIds: materials.requirementIds,
      visibility: materials.visibility,
      updatedAt: materials.updatedAt,
      cursorAt: cursorTime(materials.updatedAt),
      attachments: sql<number>`(select count(*)::int from ${materialAttachments} a where a.tenant_id = ${materials}.tenant_id and a.material_id = ${materials}.id)`,
    })
    .from(materials)
    .innerJoin(certificates, and(eq(certificates.tenantId, materials.tenantId), eq(certificates.id, materials.certificateId)))
    .where(
      and(
        ...materialConditions(ctx, filter),
        after ? sql`(${materials.updatedAt}, ${materials.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(materials.updatedAt), desc(materials.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => row), nextCursor: more ? encodeCursor([last.cursorAt, last.id]) : null };
}

/** When the bank (of one certificate, or all) last changed: null when it never had a material. */
export async function getMaterial(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select()
    .from(materials)
    .where(and(eq(materials.tenantId, ctx.tenant.id), eq(materials.id, id)))
    .limit(1);
  return row ?? null;
}

export function attachmentsOf(tx: Tx, ctx: TenantContext, materialId: string) {
  return tx
    .select()
    .from(materialAttachments)
    .where(and(eq(materialAttachments.tenantId, ctx.tenant.id), eq(materialAttachments.materialId, materialId)))
    .orderBy(asc(materialAttachments.createdAt), asc(materialAttachments.id));
}

export async function getAttachment(tx: Tx, ctx: TenantContext, materialId: string, attachmentId: string) {
  if (!isUuid(materialId) || !isUuid(attachmentId)) return null;
  const [row] = await tx
    .select()
    .from(materialAttachments)
    .where(and(eq(materialAttachments.tenantId, ctx.tenant.id), eq(materialAttachments.materialId, materialId), eq(materialAttachments.id, attachmentId)))
    .limit(1);
  return row ?? null;
}

/** The published (and superseded) standard versions of a certificate: what a material can follow. */
export function standardVersionsOf(tx: Tx, ctx: TenantContext, certificateId: string) {
  return tx
    .select({ id: standardVersions.id, version: standardVersions.version, status: standardVersions.status, publishedAt: standardVersions.publishedAt })
    .from(standardVersions)
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.certificateId, certificateId), ne(standardVersions.status, "draft")))
    .orderBy(desc(standardVersions.version));
}

/** The choices of the material form that depend on its certificate. */
export async function materialOptions(tx: Tx, ctx: TenantContext, certificateId: string) {
  return {
    versions: await standardVersionsOf(tx, ctx, certificateId),
    requirements: await skillRequirements(tx, ctx.tenant.id, certificateId),
  };
}

type FieldErrors = Record<string, string[]>;

/** The checks a schema cannot make: the certificate, its levels, its standard versions and requirements. */
async function checkMaterial(tx: Tx, ctx: TenantContext, input: MaterialInput): Promise<FieldErrors> {
  const t = translator(ctx.locale);
  const errors = await checkPlacement(tx, ctx, input);
  if (errors.certificateId) return errors;
  if (input.standardVersionId) {
    const versions = await standardVersionsOf(tx, ctx, input.certificateId);
    if (!versions.some((v) => v.id === input.standardVersionId)) errors.standardVersionId = [t("errors.invalidOption")];
  }
  return errors;
}

function values(ctx: TenantContext, input: MaterialInput) {
  return {
    tenantId: ctx.tenant.id,
    certificateId: input.certificateId,
    kind: input.kind,
    title: input.title,
    isbn: input.isbn,
    publisher: input.publisher,
    schoolEditor: input.schoolEditor,
    enterpriseEditor: input.enterpriseEditor,
    levels: input.levels,
    standardVersionId: input.standardVersionId ?? null,
    requirementIds: input.requirementIds,
    description: input.description,
    visibility: input.visibility,
  };
}

/** Creates (id null) or updates a material. */
export async function saveMaterial(tx: Tx, ctx: TenantContext, id: string | null, input: MaterialInput) {
  const before = id ? await getMaterial(tx, ctx, id) : null;
  if (id && !before) throw new Response("Not found", { status: 404 });
  const fieldErrors = await checkMaterial(tx, ctx, input);
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;
  // Sharing to the library needs an admitted organization (decision 042; the trigger is the wall).
  const notAdmitted = input.visibility === "shared" && before?.visibility !== "shared" ? await requireAdmitted(tx, ctx) : null;
  if (notAdmitted) return notAdmitted;
  const [saved] = before
    ? await tx
        .update(materials)
        .set(values(ctx, input))
        .where(and(eq(materials.tenantId, ctx.tenant.id), eq(materials.id, before.id)))
        .returning()
    : await tx
        .insert(materials)
        .values({ ...values(ctx, input), createdByUserId: ctx.user.id })
        .returning();
  await audit(tx, ctx, { action: before ? "material.update" : "material.create", entityType: "material", entityId: saved.id, before, after: saved });
  return { ok: true, value: saved } as const;
}

/** Deletes a material and its attachments; the files go once the deletion has committed. */
export async function deleteMaterial(tx: Tx, ctx: TenantContext, files: FileChanges, id: string) {
  const before = await getMaterial(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  const attachments = await attachmentsOf(tx, ctx, id);
  await tx.delete(materials).where(and(eq(materials.tenantId, ctx.tenant.id), eq(materials.id, id)));
  for (const attachment of attachments) files.removeAfterCommit(attachment.storageKey);
  await audit(tx, ctx, { action: "material.delete", entityType: "material", entityId: id, before: { ...before, attachments } });
  return { ok: true, value: null } as const;
}

/**
 * Attaches a file to a material: size and type (by its bytes) checked, stored under a key of our
 * own, recorded with its sha256. The file is removed again if the request's transaction fails.
 */
export async function addAttachment(tx: Tx, ctx: TenantContext, files: FileChanges, materialId: string, file: File) {
  const material = await getMaterial(tx, ctx, materialId);
  if (!material) throw new Response("Not found", { status: 404 });
  const t = translator(ctx.locale);
  const max = materialMaxBytes();
  // parseForm refuses a larger file before it gets here; the rule holds for any other caller too.
  if (file.size > max) return { ok: false, status: 413, fieldErrors: { file: [t("errors.fileTooLarge", { limit: formatBytes(max) })] } } as const;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await detectUploadType(bytes, allowedTypes);
  if (!type) return { ok: false, status: 400, fieldErrors: { file: [t("materials.errors.fileType")] } } as const;
  const stored = await putUpload(files, ctx.tenant.id, bytes);
  const [row] = await tx
    .insert(materialAttachments)
    .values({
      tenantId: ctx.tenant.id,
      materialId,
      fileName: uploadFileName(file.name, type.ext),
      contentType: type.mime,
      ...stored,
      createdByUserId: ctx.user.id,
    })
    .returning();
  // An attachment changes the material: the bank's "last updated" moves with it.
  await tx
    .update(materials)
    .set({ updatedAt: sql`now()` })
    .where(and(eq(materials.tenantId, ctx.tenant.id), eq(materials.id, materialId)));
  await audit(tx, ctx, { action: "material_attachment.create", entityType: "material_attachment", entityId: row.id, after: row });
  return { ok: true, value: row } as const;
}

export async function deleteAttachment(tx: Tx, ctx: TenantContext, files: FileChanges, materialId: string, attachmentId: string) {
  const before = await getAttachment(tx, ctx, materialId, attachmentId);
  if (!before) throw new Response("Not found", { status: 404 });
  await tx.delete(materialAttachments).where(and(eq(materialAttachments.tenantId, ctx.tenant.id), eq(materialAttachments.id, attachmentId)));
  await tx
    .update(materials)
    .set({ updatedAt: sql`now()` })
    .where(and(eq(materials.tenantId, ctx.tenant.id), eq(materials.id, materialId)));
  files.removeAfterCommit(before.storageKey);
  await audit(tx, ctx, { action: "material_attachment.delete", entityType: "material_attachment", entityId: attachmentId, before });
  return { ok: true, value: null } as const;
}

/** The attachment's bytes as a download: its detected type, its name in UTF-8 (RFC 6266 / 5987). */
export function attachmentDownload(attachment: Pick<typeof materialAttachments.$inferSelect, "storageKey" | "contentType" | "fileName" | "sha256">) {
  return storedFileResponse(attachment);
}
