import type { Locale } from "~/i18n/i18n";

// One money formatter and one date formatter for the whole product.
export const timeZone = "Asia/Shanghai";

/** Integer fen → "¥1,280.00". */
export function formatFen(fen: number, locale: Locale = "zh-CN") {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount in fen must be an integer: ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString(locale === "en" ? "en-US" : "zh-CN");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

export function formatDateTime(value: Date | string, locale: Locale = "zh-CN") {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(value));
}

export function formatDate(value: Date | string, locale: Locale = "zh-CN") {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(value));
}

/** Today's calendar day in Asia/Shanghai, as YYYY-MM-DD (the unit of effective dates). */
export function shanghaiDate(at: Date = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** A calendar day plus n days (YYYY-MM-DD in, YYYY-MM-DD out; no time zone involved). */
export function addDays(day: string, days: number) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A calendar day (YYYY-MM-DD) shown in the user's format. */
export function formatDay(day: string, locale: Locale = "zh-CN") {
  return formatDate(new Date(`${day}T12:00:00+08:00`), locale);
}
