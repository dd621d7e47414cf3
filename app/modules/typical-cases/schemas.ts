import { z } from "zod";
import { text } from "~/ui/schema-fields";

// 典型案例 (issue 17 item 6): what a school or an organization submits, and the committee's forms.

export const typicalCaseFields = z.object({
  title: text(200, 4),
  summary: text(500, 10),
  body: text(20_000, 20),
});
export type TypicalCaseInput = z.infer<typeof typicalCaseFields>;

export const typicalCaseActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("score"), score: z.coerce.number().int().min(0).max(100), comment: text(2000, 0).optional().default("") }),
  z.object({ intent: z.literal("select") }),
  z.object({ intent: z.literal("decline") }),
]);
