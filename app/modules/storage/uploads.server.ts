import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { attachmentDisposition } from "~/ui/export.server";
import { stripControlChars } from "~/ui/schema-fields";
import { newStorageKey, storage, type Storage } from "./storage.server";

// One way an uploaded file comes in and goes out, for every kind of file the product keeps (material
// attachments, credential evidence, violation evidence, a question's Moodle media): its type from its
// bytes, never from its name or the browser's word; a name safe to store and send back; a key of our
// own; a download that is never sniffed or cached.

/** Allowed types: detected MIME type → the extension a file of that type carries. */
export type UploadTypes = ReadonlyMap<string, string>;

export const imageAndPdfTypes: UploadTypes = new Map([
  ["image/png", "png"],
  ["image/jpeg", "jpg"],
  ["image/webp", "webp"],
  ["application/pdf", "pdf"],
]);

/** What the bytes are, when that is one of `allowed`; null otherwise. */
export async function detectUploadType(bytes: Uint8Array, allowed: UploadTypes): Promise<{ mime: string; ext: string } | null> {
  const type = await fileTypeFromBuffer(bytes);
  const ext = type ? allowed.get(type.mime) : undefined;
  return type && ext ? { mime: type.mime, ext } : null;
}

/**
 * A file name safe to store and send back: no path, no control characters or quotes, NFC, bounded;
 * and it says what the bytes are (a PNG uploaded as "scan.pdf" is kept as "scan.pdf.png").
 */
export function uploadFileName(name: string, ext: string, fallback = "file") {
  const base = stripControlChars(name).split(/[\\/]/).pop()!.normalize("NFC").replace(/"/g, "").trim().slice(0, 200) || fallback;
  const same = (a: string) => a === ext || (ext === "jpg" && a === "jpeg");
  return same(base.split(".").pop()!.toLowerCase()) && base.includes(".") ? base : `${base}.${ext}`;
}

/**
 * Writes the bytes under a new key of the tenant. Through a request's FileChanges the file is removed
 * again unless its transaction commits; a job writes to the store before its rows (decision 008).
 */
export async function putUpload(target: Pick<Storage, "put">, tenantId: string, bytes: Uint8Array) {
  const storageKey = newStorageKey(tenantId);
  await target.put(storageKey, bytes);
  return { storageKey, sizeBytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/**
 * A stored file as the answer: its detected type, never sniffed, never cached by a shared cache;
 * 404 when the row has no file behind it. Media a page shows (images, audio) go `inline`.
 */
export async function storedFileResponse(
  file: { storageKey: string; contentType: string; fileName: string; sha256?: string | null } | undefined | null,
  kind: "attachment" | "inline" = "attachment",
) {
  const stored = file ? await storage().get(file.storageKey) : null;
  if (!file || !stored) throw new Response("Not found", { status: 404 });
  return new Response(stored.stream(), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(stored.size),
      "Content-Disposition": attachmentDisposition(file.fileName, kind),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      ...(file.sha256 ? { ETag: `"${file.sha256}"` } : {}),
    },
  });
}
