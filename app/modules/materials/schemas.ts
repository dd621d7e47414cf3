import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { visibilities } from "~/modules/questions/schemas";
import { optionalUuid, requirementIds, text, uuid } from "~/ui/schema-fields";

export const materialKinds = ["textbook", "loose_leaf", "workbook", "courseware", "video", "digital"] as const;
export type MaterialKind = (typeof materialKinds)[number];
/** Printed kinds carry an ISBN and a publisher; the others are digital resources. */
export const printedKinds: readonly MaterialKind[] = ["textbook", "loose_leaf", "workbook"];
export const isPrinted = (kind: string) => (printedKinds as readonly string[]).includes(kind);

/** ISBN without separators: digits (and a final X for ISBN-10), as the database stores it. */
export function normalizeIsbn(value: string) {
  return value.replace(/[\s\-‐‑–—－]/g, "").toUpperCase();
}

/** "format" when the value cannot be an ISBN, "checksum" when its check digit is wrong, null when valid. */
export function isbnProblem(isbn: string): "format" | "checksum" | null {
  if (/^\d{9}[\dX]$/.test(isbn)) {
    // ISBN-10: weights 10…1, sum divisible by 11 (X stands for 10).
    const sum = [...isbn].reduce((acc, c, i) => acc + (c === "X" ? 10 : Number(c)) * (10 - i), 0);
    return sum % 11 === 0 ? null : "checksum";
  }
  if (/^97[89]\d{10}$/.test(isbn)) {
    // ISBN-13: weights 1, 3, 1, 3…, sum divisible by 10.
    const sum = [...isbn].reduce((acc, c, i) => acc + Number(c) * (i % 2 ? 3 : 1), 0);
    return sum % 10 === 0 ? null : "checksum";
  }
  return "format";
}

/** The check digit completing the first 12 digits of an ISBN-13. */
export function isbn13CheckDigit(first12: string) {
  const sum = [...first12].reduce((acc, c, i) => acc + Number(c) * (i % 2 ? 3 : 1), 0);
  return String((10 - (sum % 10)) % 10);
}

const isbnField = z
  .string()
  .max(40)
  .optional()
  .transform((value) => normalizeIsbn(value ?? ""))
  .superRefine((isbn, ctx) => {
    const problem = isbn ? isbnProblem(isbn) : null;
    if (problem) ctx.addIssue({ code: "custom", params: { i18n: problem === "checksum" ? "isbnChecksum" : "isbnFormat" } });
  });

const materialObject = z.object({
  certificateId: uuid,
  kind: z.enum(materialKinds),
  title: text(200),
  isbn: isbnField,
  publisher: text(100, 0).optional().default(""),
  schoolEditor: text(100, 0).optional().default(""),
  enterpriseEditor: text(100, 0).optional().default(""),
  levels: z.array(z.enum(levels)).max(3).optional().default([]),
  standardVersionId: optionalUuid,
  requirementIds: requirementIds(100),
  description: text(4000, 0).optional().default(""),
  visibility: z.enum(visibilities).default("private"),
});

/**
 * ISBN and publisher describe printed materials only: for the other kinds they are not kept (the
 * form hides them, and may still hold what was typed before the kind changed; a bad ISBN there is
 * still refused, and the form shows it). An ISBN is issued to a publisher, so a material with an
 * ISBN names its publisher; a publisher without an ISBN is fine (not assigned yet).
 */
function checkPrinted<M extends z.output<typeof materialObject>>(m: M, ctx: z.RefinementCtx) {
  const printed = isPrinted(m.kind);
  const isbn = printed && m.isbn ? m.isbn : null;
  const publisher = printed ? m.publisher : "";
  if (isbn && !publisher) ctx.addIssue({ code: "custom", path: ["publisher"], params: { i18n: "publisherRequired" } });
  return { ...m, isbn, publisher, levels: levels.filter((l) => m.levels.includes(l)) };
}

export const materialFields = materialObject.transform(checkPrinted);
export type MaterialInput = z.output<typeof materialFields>;

/** The material page: save the material, delete it, upload an attachment, delete an attachment. */
export const materialFormSchema = z
  .discriminatedUnion("intent", [
    materialObject.extend({ intent: z.literal("save") }),
    z.object({ intent: z.literal("delete") }),
    z.object({
      intent: z.literal("upload"),
      file: z.custom<File>((value) => value instanceof File && value.size > 0, { params: { i18n: "required" } }),
    }),
    z.object({ intent: z.literal("deleteAttachment"), attachmentId: uuid }),
  ])
  .transform((value, ctx) => (value.intent === "save" ? checkPrinted(value, ctx) : value));

export const materialFilterSchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  certificate: z.string().max(64).optional().catch(undefined),
  kind: z.enum(materialKinds).optional().catch(undefined),
  visibility: z.enum(visibilities).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type MaterialFilter = z.infer<typeof materialFilterSchema>;

/** 双主编制: a school and an enterprise chief editor together. */
export function hasDualEditors(m: { schoolEditor: string; enterpriseEditor: string }) {
  return m.schoolEditor.trim() !== "" && m.enterpriseEditor.trim() !== "";
}
