import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import type { z } from "zod";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import { zodErrorMap } from "./zod-errors";

/**
 * Reads a form (bounded in size: 1 MB, more only for a form that uploads a file) and parses it
 * with the capability's schema, messages in `locale`.
 */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S, locale: Locale, maxBytes = 1_000_000) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new Response("Payload too large", { status: 413, headers: { Connection: "close" } });
  // Content-Length can be absent (chunked): count what is read and stop past the limit.
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Response("Payload too large", { status: 413, headers: { Connection: "close" } });
      }
      chunks.push(value);
    }
  }
  let formData: FormData;
  try {
    formData = await new Request(request.url, { method: "POST", headers: request.headers, body: Buffer.concat(chunks) }).formData();
  } catch {
    throw new Response("Bad form data", { status: 400 });
  }
  return parseWithZod(formData, { schema, error: zodErrorMap(translator(locale)) });
}

type Failure = {
  status: number;
  fieldErrors?: Readonly<Record<string, readonly string[] | undefined>>;
  formErrors?: readonly string[];
  retryAfter?: number;
};

/** The 4xx answer of a failed submission: Conform's reply with field messages; nothing was written. */
export function rejectSubmission<Output>(
  submission: Submission<Output>,
  failure?: Failure,
  hideFields: string[] = ["password", "confirm"],
) {
  const headers: Record<string, string> = {};
  if (failure?.retryAfter) headers["Retry-After"] = String(failure.retryAfter);
  const fieldErrors = failure?.fieldErrors
    ? Object.fromEntries(Object.entries(failure.fieldErrors).flatMap(([key, value]) => (value ? [[key, [...value]]] : [])))
    : undefined;
  return json(
    { result: submission.reply({ formErrors: failure?.formErrors ? [...failure.formErrors] : undefined, fieldErrors, hideFields }) },
    { status: failure?.status ?? 400, headers },
  );
}
