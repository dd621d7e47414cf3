import { z } from "zod";

// The second factor's forms (decision 031). A code is six digits from the app; at login a recovery
// code (xxxxx-xxxxx) is accepted in the same field.

const totpCode = z
  .string()
  .max(20)
  .transform((value) => value.replace(/\s/g, ""))
  .pipe(z.string().refine((value) => /^\d{6}$/.test(value), { params: { i18n: "secondFactorCode" } }));

const totpOrRecoveryCode = z
  .string()
  .max(40)
  .transform((value) => value.replace(/\s/g, "").toLowerCase())
  .pipe(z.string().refine((value) => /^\d{6}$/.test(value) || /^[a-z0-9]{5}-?[a-z0-9]{5}$/.test(value), { params: { i18n: "secondFactorCodeOrRecovery" } }));

export const secondFactorLoginSchema = z.object({ code: totpOrRecoveryCode });

export const enrolSchema = z.object({ intent: z.literal("enrol"), token: z.string().min(1).max(1000), code: totpCode });

/** Disabling (or replacing) takes a current code or the account's password. */
export const disableSchema = z.object({ intent: z.literal("disable"), proof: z.string().trim().min(1).max(128) });

export const secondFactorActionSchema = z.discriminatedUnion("intent", [enrolSchema, disableSchema]);
