import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { text, uuid } from "~/ui/schema-fields";

export const nodeKinds = ["work_area", "work_task", "skill_requirement"] as const;
export type NodeKind = (typeof nodeKinds)[number];
export type Level = (typeof levels)[number];

/** What the node editor asks for; the kind follows from where the node is added. */
const nodeFields = {
  titleZh: text(200),
  titleEn: text(300, 0).optional().default(""),
  description: text(2000, 0).optional().default(""),
};

/** Every change of a version, one form per intent on the version page. */
export const standardActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), level: z.enum(levels), parentId: uuid.optional(), ...nodeFields }),
  z.object({ intent: z.literal("update"), nodeId: uuid, ...nodeFields }),
  z.object({ intent: z.literal("move"), nodeId: uuid, direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("delete"), nodeId: uuid }),
  z.object({ intent: z.literal("publish") }),
  z.object({ intent: z.literal("discard") }),
]);
export type NodeInput = { titleZh: string; titleEn: string; description: string };

/** The versions page: start a draft (empty, or from the latest published version). */
export const startDraftSchema = z.object({ intent: z.literal("start") });

export const diffQuerySchema = z.object({
  from: z.string().max(64).optional().catch(undefined),
  to: z.string().max(64).optional().catch(undefined),
});
