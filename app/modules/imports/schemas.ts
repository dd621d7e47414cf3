import { z } from "zod";
import { uuid } from "~/ui/schema-fields";

/** The import form: which certificate's bank, and the file (its format is read from its bytes). */
export const importUploadSchema = z.object({
  certificateId: uuid,
  file: z.custom<File>((value) => value instanceof File && value.size > 0, { params: { i18n: "required" } }),
});
