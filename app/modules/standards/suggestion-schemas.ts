import { z } from "zod";
import { uuid } from "~/ui/schema-fields";
import { isUuid } from "~/ui/ids";

/** One click: link this suggested requirement (a lineage id) to the page's question or case. */
export const acceptSuggestionSchema = z.object({ requirementId: uuid });

/** A pair "itemId:lineageId" as the bulk form sends it (one checkbox per suggestion). */
const pair = z
  .string()
  .max(80)
  .refine((value) => value.split(":").length === 2 && value.split(":").every(isUuid), { params: { i18n: "invalidOption" } })
  .transform((value) => {
    const [itemId, lineageId] = value.split(":");
    return { itemId, lineageId };
  });

/** The import review page's forms: the near-duplicates choice, or the bulk accept of suggestions. */
export const importReviewSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("keep") }),
  z.object({ intent: z.literal("skip") }),
  z.object({ intent: z.literal("accept"), accept: z.array(pair).min(1).max(200) }),
]);
