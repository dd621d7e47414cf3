import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { pools } from "~/modules/questions/schemas";
import { uuid } from "~/ui/schema-fields";

const importFile = z.custom<File>((value) => value instanceof File && value.size > 0, { params: { i18n: "required" } });

/** A register's import form (pilot majors, credentials): the file alone. Shared by the form and the action. */
export const fileImportSchema = z.object({ file: importFile });

/** The import form: which certificate's bank, and the file (its format is read from its bytes). */
export const importUploadSchema = z.object({
  certificateId: uuid,
  file: importFile,
  // Question imports: defaults for the whole file, used where a question carries none (decision 049).
  defaultLevel: z.enum(levels).optional(),
  defaultPool: z.enum(pools).optional(),
  defaultDifficulty: z.coerce.number().int().min(1).max(5).optional(),
});
