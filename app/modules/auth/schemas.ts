import { z } from "zod";
import { isValidCreditCode } from "~/modules/tenancy/credit-code";
import { email, password, redirectTo, text } from "~/ui/schema-fields";

export const signUpSchema = z.object({
  kind: z.enum(["organization", "school"]),
  tenantName: text(100, 2),
  slug: z
    .string()
    .max(80)
    .transform((value) => value.trim().toLowerCase())
    .pipe(
      z
        .string()
        .min(3)
        .max(40)
        .refine((value) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value), { params: { i18n: "slug" } }),
    ),
  creditCode: z
    .string()
    .max(72)
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.string().refine(isValidCreditCode, { params: { i18n: "creditCode" } })),
  // The evidence an organization files for admission (§二.2, decision 042); optional for a school.
  businessScope: text(2000, 0).optional().default(""),
  proposedCertificates: text(1000, 0).optional().default(""),
  name: text(60),
  email,
  password,
});

export const resendVerificationSchema = z.object({ email });

export const loginSchema = z.object({
  email,
  password: z.string().min(1).max(128),
  redirectTo,
});

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z
  .object({ password, confirm: z.string().max(128) })
  .refine((value) => value.password === value.confirm, { path: ["confirm"], params: { i18n: "passwordMismatch" } });

export const acceptInvitationSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: text(60), password }),
  z.object({ intent: z.literal("join") }),
]);

export const changePasswordSchema = z
  .object({ current: z.string().min(1).max(128), password, confirm: z.string().max(128) })
  .refine((value) => value.password === value.confirm, { path: ["confirm"], params: { i18n: "passwordMismatch" } });

export const endSessionSchema = z.object({ session: z.string().regex(/^[0-9a-f]{16}$/) });
