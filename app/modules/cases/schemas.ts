import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { visibilities } from "~/modules/questions/schemas";
import { requirementIds, text, uuid } from "~/ui/schema-fields";

export { visibilities };

/** The fields of a case as the form and the spreadsheet import deliver them. */
export const caseFields = z.object({
  certificateId: uuid,
  level: z.enum(levels),
  title: text(200),
  industryContext: text(500, 0).optional().default(""),
  // Markdown; rendered and sanitized on the server, stored as written.
  body: z
    .string()
    .max(80_000)
    .transform((value) => value.replace(/\r\n?/g, "\n"))
    .pipe(text(20_000)),
  requirementIds: requirementIds(50),
  visibility: z.enum(visibilities).default("private"),
});
export type CaseInput = z.output<typeof caseFields>;

/** The case form: save (create or update), or delete. */
export const caseFormSchema = z.discriminatedUnion("intent", [caseFields.extend({ intent: z.literal("save") }), z.object({ intent: z.literal("delete") })]);

export const caseFilterSchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  certificate: z.string().max(64).optional().catch(undefined),
  level: z.enum(levels).optional().catch(undefined),
  visibility: z.enum(visibilities).optional().catch(undefined),
  requirement: z.string().max(64).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type CaseFilter = z.infer<typeof caseFilterSchema>;
