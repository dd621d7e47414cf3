import { z } from "zod";
import { text } from "~/ui/schema-fields";

export const admissionStatuses = ["pending", "admitted", "refused", "suspended"] as const;
export type AdmissionStatus = (typeof admissionStatuses)[number];

/** The committee's list filter: a status, or every one. */
export const admissionFilterSchema = z.object({
  status: z.enum(admissionStatuses).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});

/** admit (pending → admitted), refuse (pending → refused), suspend (admitted → suspended), reinstate (suspended → admitted). */
export const admissionDecisionSchema = z
  .object({
    intent: z.enum(["admit", "refuse", "suspend", "reinstate"]),
    reason: text(1000, 0).optional().default(""),
  })
  .refine((value) => !(value.intent === "refuse" || value.intent === "suspend") || value.reason.length > 0, {
    path: ["reason"],
    params: { i18n: "required" },
  });

export type AdmissionDecision = z.infer<typeof admissionDecisionSchema>;
