import { z } from "zod";
import { questionFilterSchema } from "~/modules/questions/schemas";

// The workspace search's filters, shared by the page (its selects) and the server.
export const searchKinds = ["certificate", "standard", "material", "case", "question"] as const;
export type SearchKind = (typeof searchKinds)[number];

// The question list's filters (the same names and rules), plus the kind of item.
export const searchSchema = questionFilterSchema.extend({
  kind: z.enum(searchKinds).optional().catch(undefined),
});
export type SearchFilter = z.infer<typeof searchSchema>;
