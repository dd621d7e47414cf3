import { z } from "zod";
import { levels } from "~/modules/certificates/schemas";
import { dayField, yuanField } from "~/ui/money";
import { text, uuid } from "~/ui/schema-fields";

// The unit price is not a field: it is the disclosed assessment fee in force on the order date.
export const orderSchema = z.object({
  certificateId: uuid,
  level: z.enum(levels),
  examSite: text(200),
  examDate: dayField,
  headcount: z.coerce.number().int().min(1).max(5000),
  // The pilot major's cohort the assessment is for (assessment coverage, §二.14); optional.
  cohortId: uuid.optional(),
});

export const orderActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.literal("transfer"), amount: yuanField(), reference: text(100) }),
  z.object({ intent: z.literal("confirm"), paymentId: uuid }),
  z.object({ intent: z.literal("refund"), paymentId: uuid, amount: yuanField(), reason: text(500) }),
  z.object({ intent: z.literal("checkout") }),
]);
