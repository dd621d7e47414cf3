// Credential numbers: XC-2026-000123-K. "XC", the year of issue, a platform-wide serial, and a check
// character computed as the 统一社会信用代码 computes its own (GB 32100-2015, app/modules/tenancy/credit-code.ts):
// the 31-letter alphabet without I, O, S, V, Z, weights 3^i mod 31. A mistyped character or two swapped
// neighbours is caught before any lookup. Not a .server module: the verify form uses it too.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

export function credentialCheckChar(body: string): string | null {
  let sum = 0;
  let weight = 1;
  for (const char of body) {
    const value = alphabet.indexOf(char);
    if (value < 0) return null;
    sum += value * weight;
    weight = (weight * 3) % 31;
  }
  return alphabet[(31 - (sum % 31)) % 31];
}

export function formatCredentialNumber(year: number, serial: number): string {
  const body = `XC${year}${String(serial).padStart(6, "0")}`;
  return `XC-${year}-${String(serial).padStart(6, "0")}-${credentialCheckChar(body)}`;
}

/** The number in its stored form (XC-YYYY-NNNNNN-C), or null when it cannot be one (shape or check character). */
export function normalizeCredentialNumber(input: string): string | null {
  const compact = input
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-‐‑–—]/g, "");
  const match = /^XC(\d{4})(\d{6,9})([0-9A-HJ-NPQRTUWXY])$/.exec(compact);
  if (!match) return null;
  if (credentialCheckChar(`XC${match[1]}${match[2]}`) !== match[3]) return null;
  return `XC-${match[1]}-${match[2]}-${match[3]}`;
}
