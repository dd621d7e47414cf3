import { z } from "zod";

// Amounts are typed in yuan ("380", "1,280.50", "¥380") and stored as integer fen. No floats on the way.
export function parseYuanToFen(input: string): number | null {
  const cleaned = input.normalize("NFKC").replace(/[¥￥,\s]/g, "");
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(fen) ? fen : null;
}

export function fenToYuanInput(fen: number) {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/** A form field of yuan that parses to integer fen. */
export function yuanField(max = 100_000_000_00) {
  return z
    .string()
    .max(32)
    .transform((value, ctx) => {
      const fen = parseYuanToFen(value);
      if (fen === null) {
        ctx.addIssue({ code: "custom", params: { i18n: "amount" } });
        return z.NEVER;
      }
      return fen;
    })
    .pipe(z.number().int().min(0).max(max));
}

/** A calendar day field, YYYY-MM-DD. */
export const dayField = z
  .string()
  .max(32)
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    {
      params: { i18n: "date" },
    },
  );
