import type { TFunction } from "i18next";

// What every bank's spreadsheet shares: columns with a Chinese header (the template's) and an
// English one (accepted too), Chinese labels for enum values, requirement codes resolved per level.

export interface SheetColumn {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
}

/** A bank's spreadsheet: its columns in template order and the keys a file must have. */
export interface Sheet {
  readonly columns: readonly SheetColumn[];
  readonly required: readonly string[];
}

export type SheetRow = Partial<Record<string, string>>;

export interface RowError {
  row: number;
  column: string;
  message: string;
}

export interface RowContext {
  certificateId: string;
  requirementIds: (level: string, code: string) => string | undefined;
  t: TFunction;
  locale: "zh-CN" | "en";
  /** What an adapter's `lookups` read once per job (e.g. the organization's certificates by code). */
  lookups?: Record<string, unknown>;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

/** Maps a header row to column keys; unknown headers are ignored, missing required ones reported. */
export function mapSheetHeaders(sheet: Sheet, headers: string[]) {
  const byName = new Map<string, string>();
  for (const column of sheet.columns) {
    byName.set(column.zh, column.key);
    byName.set(column.en.toLowerCase(), column.key);
    byName.set(column.key.toLowerCase(), column.key);
  }
  const keys = headers.map((header) => byName.get(header.trim()) ?? byName.get(header.trim().toLowerCase()) ?? null);
  const missing = sheet.required.filter((key) => !keys.includes(key));
  return { keys, missing };
}

export function sheetHeader(sheet: Sheet, key: string, locale: "zh-CN" | "en") {
  const column = sheet.columns.find((c) => c.key === key);
  return column ? (locale === "en" ? column.en : column.zh) : key;
}

export type Labels = Record<string, Record<string, readonly string[]>>;

/** The Chinese label written on export (the first of each list). */
export function labelIn(labels: Labels, column: string, value: string) {
  return labels[column]?.[value]?.[0] ?? value;
}

/** A cell → the enum value it names (key or any label, any case); unknown text is kept for the schema to report. */
export function valueIn(labels: Labels, column: string, raw: string | undefined) {
  const value = (raw ?? "").trim();
  if (!value) return undefined;
  const lower = value.toLowerCase();
  for (const [key, names] of Object.entries(labels[column] ?? {})) if (key === lower || names.some((n) => n.toLowerCase() === lower)) return key;
  return value;
}

/**
 * Requirement codes (1.1.1; separated by commas, semicolons or spaces) → lineage ids of the
 * certificate's latest published standard at the row's level; an unknown code is an error of the row.
 */
export function resolveRequirements(
  raw: string | undefined,
  level: string | undefined,
  rowNumber: number,
  column: string,
  context: RowContext,
  messageKey: string,
) {
  const ids: string[] = [];
  const errors: RowError[] = [];
  for (const code of (raw ?? "").split(/[,，;；\s]+/).filter(Boolean)) {
    const id = level ? context.requirementIds(level, code) : undefined;
    if (id) ids.push(id);
    else errors.push({ row: rowNumber, column, message: context.t(messageKey, { code }) });
  }
  return { ids, errors };
}

/**
 * The exporter prefixes a cell starting with = + - @ with an apostrophe (no formula runs when the
 * file is opened); reading it back drops that apostrophe, so a Markdown list ("- …") round-trips.
 */
export function unneutralise(value: string) {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
