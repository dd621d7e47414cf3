import { z } from "zod";
import { email } from "~/ui/schema-fields";

export const inviteSchema = z.object({
  email,
  role: z.enum(["admin", "editor", "finance", "viewer", "teacher", "member"]),
});
