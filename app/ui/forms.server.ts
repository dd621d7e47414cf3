import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import type { z } from "zod";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import { formatBytes } from "./format";
import { zodErrorMap } from "./zod-errors";

/** The largest body of an ordinary form. */
export const formMaxBytes = 1024 * 1024;
/** What an upload form sends besides its file (its other fields, the multipart framing). */
const uploadOverhead = 64 * 1024;

/**
 * How much of a body over its limit is still read (and thrown away) before answering 413. Browsers
 * read the answer only once they have sent the whole body: answered early on a connection then
 * closed, they show a connection reset instead. Past this bound the server does answer at once and
 * close, so no client can make it read without end. Decision 016.
 */
export function drainBound(limit: number) {
  return Math.max(4 * limit, 16 * 1024 * 1024);
}

/** A form whose `field` is a file of up to `maxBytes`. */
export interface Upload {
  field: string;
  maxBytes: number;
}

// Submissions refused for the size of their file: rejectSubmission answers them 413.
const refusedForSize = new WeakSet<object>();

/**
 * Reads a form and parses it with the capability's schema, messages in `locale`. Bounded: 1 MB, or,
 * for a multipart post to an upload form, its file's maximum and a little for the other fields. Over
 * the limit the answer is 413 and says the limit: on the form for a file too large (a failed
 * submission with the file field's message, which rejectSubmission answers 413), as the error page
 * otherwise (a thrown 413 carrying `{ limit }`).
 */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S, locale: Locale, upload?: Upload) {
  const t = translator(locale);
  const parse = (formData: FormData) => parseWithZod(formData, { schema, error: zodErrorMap(t) });
  const boundary = upload ? multipartBoundary(request) : null;
  const limit = upload && boundary ? upload.maxBytes + uploadOverhead : formMaxBytes;
  const shown = formatBytes(upload && boundary ? upload.maxBytes : formMaxBytes);
  const body = await readBounded(request, limit);
  if (body.kind === "cutOff") throw tooLarge(shown, true);
  if (body.kind === "over") {
    if (!upload || !boundary) throw tooLarge(shown);
    // The form comes back as it was sent: its fields precede the file (browsers send them in
    // document order), so the parts that arrived whole are parsed again on their own.
    const parts = completeParts(body.head, boundary);
    const head = parts ? await formDataOf(request, parts).catch(() => new FormData()) : new FormData();
    // A file that arrived whole did not make the body too large: the other fields did.
    if (head.get(upload.field) instanceof File) throw tooLarge(shown);
    return refuseFile(parse(head), upload.field, t("errors.fileTooLarge", { limit: shown }));
  }
  let formData: FormData;
  try {
    formData = await formDataOf(request, body.bytes);
  } catch {
    throw new Response("Bad form data", { status: 400 });
  }
  const submission = parse(formData);
  const file = upload ? formData.get(upload.field) : null;
  if (upload && file instanceof File && file.size > upload.maxBytes) return refuseFile(submission, upload.field, t("errors.fileTooLarge", { limit: shown }));
  return submission;
}

type Bytes = Buffer<ArrayBuffer>;
export type Body = { kind: "whole"; bytes: Bytes } | { kind: "over"; head: Bytes } | { kind: "cutOff" };

/**
 * The body, if it is at most `limit` bytes. Over it, the rest is read and thrown away, keeping the
 * first bytes (an upload form's other fields), up to drainBound; past that, reading stops: the
 * caller answers with `Connection: close`. (Cancelling the stream would destroy the socket before
 * the answer is written.)
 */
export async function readBounded(request: Request, limit: number): Promise<Body> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  const bound = drainBound(limit);
  if (declared > bound) return { kind: "cutOff" };
  let over = declared > limit;
  let chunks: Uint8Array[] = [];
  let size = 0;
  let head: Bytes | null = null;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > bound) return { kind: "cutOff" };
    if (head) continue;
    chunks.push(value);
    over ||= size > limit;
    if (over && size >= uploadOverhead) {
      head = Buffer.concat(chunks, uploadOverhead);
      chunks = [];
    }
  }
  if (over) return { kind: "over", head: head ?? Buffer.concat(chunks) };
  return { kind: "whole", bytes: Buffer.concat(chunks) };
}

function multipartBoundary(request: Request) {
  const match = /^multipart\/form-data\s*;.*\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(request.headers.get("content-type") ?? "");
  return match ? (match[1] ?? match[2]) : null;
}

/** The parts of a cut multipart body that arrived whole, as a complete multipart body (or null: none did). */
function completeParts(head: Bytes, boundary: string) {
  const end = head.lastIndexOf(`\r\n--${boundary}`);
  return end < 0 ? null : Buffer.concat([head.subarray(0, end), Buffer.from(`\r\n--${boundary}--\r\n`)]);
}

function formDataOf(request: Request, body: Bytes) {
  const type = request.headers.get("content-type");
  return new Request(request.url, { method: "POST", headers: type ? { "content-type": type } : {}, body }).formData();
}

/** The error page's 413, which says the limit (root.tsx). */
function tooLarge(limit: string, close = false) {
  return json({ limit }, { status: 413, headers: close ? { Connection: "close" } : undefined });
}

/** The submission with the file field's size message instead of whatever it had there. */
function refuseFile<T extends Submission<unknown, string[], unknown>>(submission: T, field: string, message: string): T {
  const fieldErrors = { [field]: [message] };
  const refused: Submission<unknown, string[], unknown> = {
    status: "error",
    payload: submission.payload,
    error: { ...(submission.status === "success" ? {} : submission.error), ...fieldErrors },
    // (Never replied with resetForm: that is for a success.)
    reply: (options: { formErrors?: string[]; fieldErrors?: Record<string, string[]>; hideFields?: string[] } = {}) =>
      submission.reply({ ...options, fieldErrors: { ...options.fieldErrors, ...fieldErrors } }),
  };
  refusedForSize.add(refused);
  return refused as T;
}

type Failure = {
  status: number;
  fieldErrors?: Readonly<Record<string, readonly string[] | undefined>>;
  formErrors?: readonly string[];
  retryAfter?: number;
};

/** The 4xx answer of a failed submission: Conform's reply with field messages; nothing was written. */
export function rejectSubmission<Output>(submission: Submission<Output>, failure?: Failure, hideFields: string[] = ["password", "confirm"]) {
  const headers: Record<string, string> = {};
  if (failure?.retryAfter) headers["Retry-After"] = String(failure.retryAfter);
  const fieldErrors = failure?.fieldErrors
    ? Object.fromEntries(Object.entries(failure.fieldErrors).flatMap(([key, value]) => (value ? [[key, [...value]]] : [])))
    : undefined;
  return json(
    { result: submission.reply({ formErrors: failure?.formErrors ? [...failure.formErrors] : undefined, fieldErrors, hideFields }) },
    { status: failure?.status ?? (refusedForSize.has(submission) ? 413 : 400), headers },
  );
}
