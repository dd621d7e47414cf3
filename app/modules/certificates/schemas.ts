import { z } from "zod";
import { text } from "~/ui/schema-fields";

export const levels = ["junior", "intermediate", "senior"] as const;
export const certificateStatuses = ["draft", "active", "retired"] as const;

export const certificateSchema = z.object({
  code: z
    .string()
    .max(128)
    .transform((value) => value.trim().toUpperCase())
    .pipe(
      z
        .string()
        .min(2)
        .max(32)
        .refine((value) => /^[A-Z0-9][A-Z0-9-]*$/.test(value), { params: { i18n: "certificateCode" } }),
    ),
  nameZh: text(100),
  nameEn: text(200),
  industryCode: z.string().max(40),
  levels: z.array(z.enum(levels)).min(1).max(3),
  description: text(4000, 0).optional().default(""),
  status: z.enum(certificateStatuses).default("draft"),
});

export const certificateFilterSchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  status: z.enum(certificateStatuses).optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
});
