import { and, asc, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { questionAttachments } from "../../../db/schema";
import type { Job } from "~/modules/imports/bank-import";
import { storage } from "~/modules/storage/storage.server";
import { putUpload, storedFileResponse } from "~/modules/storage/uploads.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import type { StagedAttachment } from "./moodle.server";

// A question's media (images, audio embedded in a Moodle XML file; decision 049). Files go through
// the storage module like material attachments (decision 008): written before their row, so a move
// that does not commit leaves at most an unreferenced file, never a row without its file. Reads go
// through RLS: the read policy asks the questions table, so a member who cannot read an exam-pool
// question cannot read its media either.

/** Stores the media staged with the job's questions and records them, in the move's transaction. */
export async function moveQuestionAttachments(tx: Tx, job: Job) {
  const staged = rowsOf<{ question_id: string; attachments: StagedAttachment[] }>(
    await tx.execute(sql`select (data->>'questionId')::uuid as question_id, data->'attachments' as attachments
      from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id} and data ? 'attachments' order by row_number`),
  );
  const store = storage();
  for (const row of staged)
    for (const file of row.attachments) {
      const stored = await putUpload(store, job.tenantId, Buffer.from(file.base64, "base64"));
      await tx
        .insert(questionAttachments)
        .values({ tenantId: job.tenantId, questionId: row.question_id, fileName: file.fileName, contentType: file.contentType, ...stored });
    }
}

/** A question's media as its page lists them (RLS decides what the member may read). */
export function questionAttachmentsOf(tx: Tx, ctx: TenantContext, questionId: string) {
  return tx
    .select({
      id: questionAttachments.id,
      fileName: questionAttachments.fileName,
      contentType: questionAttachments.contentType,
      sizeBytes: questionAttachments.sizeBytes,
    })
    .from(questionAttachments)
    .where(and(eq(questionAttachments.tenantId, ctx.tenant.id), eq(questionAttachments.questionId, questionId)))
    .orderBy(asc(questionAttachments.createdAt), asc(questionAttachments.fileName));
}

/** One medium's bytes, shown inline (an image, a player); 404 when the member may not read it. */
export async function questionAttachmentResponse(tx: Tx, ctx: TenantContext, questionId: string, attachmentId: string) {
  if (!isUuid(questionId) || !isUuid(attachmentId)) throw new Response("Not found", { status: 404 });
  const [attachment] = await tx
    .select()
    .from(questionAttachments)
    .where(and(eq(questionAttachments.tenantId, ctx.tenant.id), eq(questionAttachments.questionId, questionId), eq(questionAttachments.id, attachmentId)));
  return storedFileResponse(attachment, "inline");
}
