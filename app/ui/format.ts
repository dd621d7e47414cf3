import type { Locale } from "~/i18n/i18n";

// One money formatter and one date formatter for the whole product.
export const timeZone = "Asia/Shanghai";

// One number formatter per locale: toLocaleString builds its formatting on every call (~5× slower),
// and a fee list formats a hundred amounts per page.
const yuanFormatters = { "zh-CN": new Intl.NumberFormat("zh-CN"), en: new Intl.NumberFormat("en-US") } satisfies Record<Locale, Intl.NumberFormat>;

/** Integer fen → "¥1,280.00". */
export function formatFen(fen: number, locale: Locale = "zh-CN") {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount in fen must be an integer: ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = (yuanFormatters[locale] ?? yuanFormatters["zh-CN"]).format(Math.floor(abs / 100));
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

// Building an Intl.DateTimeFormat is costly (a list page formats hundreds of dates): one per locale.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: "dateTime" | "date" | "day", locale: string) {
  const key = `${kind}:${locale}`;
  let found = formatters.get(key);
  if (!found) {
    const time = kind === "dateTime" ? ({ hour: "2-digit", minute: "2-digit", hour12: false } as const) : {};
    found = new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "2-digit", day: "2-digit", ...time });
    formatters.set(key, found);
  }
  return found;
}

export function formatDateTime(value: Date | string, locale: Locale = "zh-CN") {
  return formatter("dateTime", locale === "en" ? "en-GB" : "zh-CN").format(new Date(value));
}

export function formatDate(value: Date | string, locale: Locale = "zh-CN") {
  return formatter("date", locale === "en" ? "en-GB" : "zh-CN").format(new Date(value));
}

/** Today's calendar day in Asia/Shanghai, as YYYY-MM-DD (the unit of effective dates). */
export function shanghaiDate(at: Date = new Date()) {
  return formatter("day", "en-CA").format(at);
}

/** A calendar day plus n days (YYYY-MM-DD in, YYYY-MM-DD out; no time zone involved). */
export function addDays(day: string, days: number) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// Lists show the same few hundred days over and over (effective dates): each is formatted once.
const formattedDays = new Map<string, string>();

/** A calendar day (YYYY-MM-DD) shown in the user's format. */
export function formatDay(day: string, locale: Locale = "zh-CN") {
  const key = `${locale}:${day}`;
  let formatted = formattedDays.get(key);
  if (formatted === undefined) {
    formatted = formatDate(new Date(`${day}T12:00:00+08:00`), locale);
    if (formattedDays.size >= 5000) formattedDays.clear();
    formattedDays.set(key, formatted);
  }
  return formatted;
}

/** A size in bytes for people: "50 MB", "195.3 KB" (binary units; limits are set as n × 1024 × 1024). */
export function formatBytes(bytes: number) {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} B`;
}
