import { z } from "zod";
import { email, uuid } from "~/ui/schema-fields";

export const inviteSchema = z.object({
  email,
  role: z.enum(["admin", "editor", "finance", "viewer", "teacher", "member"]),
});

// What a manager does to a member (the members page, `?do=member`).
export const memberActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("remove"), membershipId: uuid }),
  z.object({ intent: z.literal("end-sessions"), membershipId: uuid }),
  z.object({ intent: z.literal("role"), membershipId: uuid, role: z.enum(["owner", "admin", "editor", "finance", "viewer", "teacher", "member"]) }),
]);

// Withdrawing a pending invitation (`?do=revoke`).
export const revokeInvitationSchema = z.object({ invitationId: uuid });
