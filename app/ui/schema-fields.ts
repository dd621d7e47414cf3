import { z } from "zod";
import { isUuid } from "./ids";

// Building blocks for every form schema: trimmed, NFC-normalised text without control or
// bidirectional-override characters, length-bounded, with messages resolved by zodErrorMap.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** The text without control or bidirectional-override characters (file names, not form fields: those are refused). */
export function stripControlChars(value: string) {
  return value.replace(new RegExp(controlChars.source, "g"), "");
}

export function text(max: number, min = 1) {
  return z
    .string()
    .max(max * 4) // refuse huge input before normalising it
    .transform((value) => value.normalize("NFC").trim())
    .pipe(
      z
        .string()
        .min(min)
        .max(max)
        .refine((value) => !controlChars.test(value), { params: { i18n: "controlChars" } }),
    );
}

export const email = z
  .string()
  .max(254)
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.email());

// OWASP: at least 8; we ask 10, allow any characters, cap at 128 so hashing cost stays bounded.
export const password = z.string().min(10).max(128);

/** An id chosen from a list (a select's value). */
export const uuid = z
  .string()
  .max(64)
  .refine((value) => isUuid(value), { params: { i18n: "invalidOption" } });

/** An optional id from a select: "" means none. */
export const optionalUuid = z
  .string()
  .max(64)
  .optional()
  .transform((value) => value || undefined)
  .pipe(uuid.optional());

/** Skill requirements (lineage ids) an item covers: each once, however often a form or a file named it. */
export function requirementIds(max: number) {
  return z
    .array(uuid)
    .max(max)
    .optional()
    .default([])
    .transform((ids) => [...new Set(ids)]);
}

/** A same-site path to go back to after login; anything else is dropped. */
export const redirectTo = z
  .string()
  .max(500)
  .optional()
  // A path on this site only: no "//host", no backslash, no whitespace or control characters that
  // browsers strip (turning "/\t/evil" into "//evil").
  // eslint-disable-next-line no-control-regex
  .transform((value) => (value && /^\/(?![/\\])[^\\\s\u0000-\u001F\u007F]*$/.test(value) ? value : undefined));
