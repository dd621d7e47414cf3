import type { SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, SubmitButton } from "~/ui/form";

/**
 * Under a Moodle or GIFT import's result: the entries left out with a note, and, when the import
 * failed only on listed questions, the explicit choice to import the rest without them.
 */
export function ImportSkip({
  status,
  totalRows,
  settings,
  lastResult,
}: {
  status: string;
  totalRows: number;
  settings: { skippable?: number[]; notes?: { row: number; key: string }[] };
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t } = useTranslation();
  const skippable = status === "failed" ? (settings.skippable ?? []) : [];
  const notes = settings.notes ?? [];
  const errors = lastResult?.error?.skip ?? lastResult?.error?.[""] ?? undefined;
  if (!skippable.length && !notes.length && !errors) return null;
  return (
    <div className="max-w-2xl space-y-4">
      {skippable.length ? (
        <Form method="post" className="rounded border border-amber-300 bg-amber-50 p-4" data-testid="import-skip">
          <p className="mb-3 text-sm">{t("moodle.skip.lead", { count: skippable.length, rest: totalRows - skippable.length })}</p>
          <input type="hidden" name="skip" value={skippable.length} />
          <SubmitButton>{t("moodle.skip.button", { count: skippable.length })}</SubmitButton>
        </Form>
      ) : null}
      <ErrorList id="import-skip-errors" errors={errors ?? undefined} />
      {notes.length ? (
        <section>
          <h2 className="mb-1 font-semibold">{t("moodle.notes.title")}</h2>
          <ul className="list-disc pl-5 text-sm text-gray-700" data-testid="import-notes">
            {notes.map((note) => (
              <li key={note.row}>{t(`moodle.notes.${note.key}`, { row: note.row })}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
