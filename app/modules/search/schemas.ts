import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { pools, questionTypes } from "~/modules/questions/schemas";

// The workspace search's filters, shared by the page (its selects) and the server.
export const searchKinds = ["certificate", "standard", "material", "case", "question"] as const;
export type SearchKind = (typeof searchKinds)[number];

export const searchSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  kind: z.enum(searchKinds).optional().catch(undefined),
  certificate: z.string().max(64).optional().catch(undefined),
  level: z.enum(levels).optional().catch(undefined),
  type: z.enum(questionTypes).optional().catch(undefined),
  difficulty: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  pool: z.enum(pools).optional().catch(undefined),
  requirement: z.string().max(64).optional().catch(undefined),
  updatedSince: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type SearchFilter = z.infer<typeof searchSchema>;

