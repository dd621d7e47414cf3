import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";

// The library's filters, shared by the page (its selects) and the server. Unknown values are dropped
// (a stale link still opens the page), never an error.
export const libraryKinds = ["standard", "material", "case", "question"] as const;
export type LibraryKind = (typeof libraryKinds)[number];

const uuid = z.string().uuid().optional().catch(undefined);
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

export const libraryFilterSchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  kind: z.enum(libraryKinds).optional().catch(undefined),
  organization: uuid,
  industry: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional()
    .catch(undefined),
  certificate: uuid,
  level: z.enum(levels).optional().catch(undefined),
  updatedSince: date,
  cursor: z.string().max(400).optional().catch(undefined),
});
export type LibraryFilter = z.infer<typeof libraryFilterSchema>;

export const catalogueFilterSchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  industry: z.string().max(40).optional().catch(undefined),
  cursor: z.string().max(400).optional().catch(undefined),
});
export type CatalogueFilter = z.infer<typeof catalogueFilterSchema>;

/** The school chosen as the library's scope (a user of two schools), posted by the scope picker. */
export const libraryScopeSchema = z.object({ scope: z.string().min(1).max(80) });
