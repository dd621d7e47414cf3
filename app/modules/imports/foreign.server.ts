import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import type { ImportJobSettings } from "../../../db/schema";
import type { Job } from "./bank-import";
import type { RowError, RowResult, SheetRow } from "./sheet";

// What the pipeline does for files written by other tools (Moodle XML, GIFT; decision 049): the
// upload form's defaults, questions the user chose to skip, per-question problems reported as row
// errors, and the fields a template row has no column for (kept partial credit, embedded media).

export function jobSettings(job: Pick<Job, "settings">): ImportJobSettings {
  return job.settings ?? {};
}

const defaultable = ["level", "pool", "difficulty"] as const;

/** Rows without the skipped questions, the upload form's defaults filling what a row leaves empty. */
export function applyDefaults(rows: SheetRow[], settings: ImportJobSettings): SheetRow[] {
  const skip = new Set(settings.skip ?? []);
  const kept = skip.size ? rows.filter((row) => !(row.__number && skip.has(Number(row.__number)))) : rows;
  const defaults = settings.defaults ?? {};
  if (!defaultable.some((key) => defaults[key])) return kept;
  return kept.map((row) => {
    const filled = { ...row };
    for (const key of defaultable) if (!filled[key]?.trim() && defaults[key]) filled[key] = defaults[key];
    return filled;
  });
}

/** A question XCert cannot take, as the error of its row (the question's name as the column), or null. */
export function foreignProblem(row: SheetRow, rowNumber: number, t: TFunction): RowResult<never> | null {
  if (!row.__problem) return null;
  const problem = JSON.parse(row.__problem) as { key: string; params?: Record<string, string> };
  return { ok: false, errors: [{ row: rowNumber, column: row.__name ?? "", message: t(`moodle.problems.${problem.key}`, problem.params ?? {}) }] };
}

/**
 * A valid question of a Moodle or GIFT file with what the template has no column for: its id is
 * chosen here so the move can attach its media (questions/attachments.server.ts).
 */
export function withForeignFields<T>(result: RowResult<T>, row: SheetRow): RowResult<T> {
  if (!result.ok || (!row.__attachments && !row.__weights)) return result;
  return {
    ok: true,
    value: {
      ...result.value,
      questionId: randomUUID(),
      ...(row.__weights ? { answerWeights: JSON.parse(row.__weights) as number[] } : {}),
      ...(row.__attachments ? { attachments: JSON.parse(row.__attachments) as unknown[] } : {}),
    },
  };
}

/**
 * The numbers of the failed questions of a Moodle or GIFT file when the user may import the rest
 * instead: every error is known (none cut from the report) and at least one question is left.
 */
export function skippableOnly(rows: SheetRow[], errors: RowError[], errorCount: number): number[] {
  if (!rows.length || !rows.every((row) => row.__number) || errors.length < errorCount) return [];
  const failed = [...new Set(errors.map((error) => error.row))].sort((a, b) => a - b);
  return failed.length < rows.length ? failed : [];
}
