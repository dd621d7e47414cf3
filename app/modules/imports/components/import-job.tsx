import { Link, useParams, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/ui/form";
import { Table } from "~/ui/list";

type Progress = { status: string; totalRows: number; processedRows: number; failedRows: number; importedRows: number; progress: number };

/** The line under the bar: how far the job got; a failed one, how many rows were checked and failed. */
function phaseText(live: Progress, k: (key: string, options?: Record<string, unknown>) => string) {
  if (live.status !== "failed") return k("phase", { processed: live.processedRows, total: live.totalRows, imported: live.importedRows });
  // A file refused as a whole (unreadable, empty, missing columns) had no row checked.
  if (!live.processedRows) return k("nothingWritten");
  return k("failedPhase", { checked: live.processedRows, failed: live.failedRows });
}

/** Follows the job live (server-sent events from `<page>/events`) until it ends, then reloads its result. */
function useLiveProgress(initial: Progress) {
  const [live, setLive] = useState<Progress | null>(null);
  const revalidator = useRevalidator();
  // The latest revalidate, without reconnecting the event stream when it changes.
  const revalidate = useRef(revalidator.revalidate);
  useEffect(() => {
    revalidate.current = revalidator.revalidate;
  });
  // A job in review (near-duplicates, decision 051) waits for the user: its page shows the choice.
  const running = !["done", "failed", "review"].includes(initial.status);
  useEffect(() => {
    if (!running) return;
    const source = new EventSource(`${window.location.pathname}/events`);
    source.addEventListener("progress", (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as Progress;
      setLive(next);
      if (next.status === "done" || next.status === "failed" || next.status === "review") {
        source.close();
        revalidate.current();
      }
    });
    return () => source.close();
  }, [running]);
  return running ? (live ?? initial) : initial;
}

/** An import job of a bank: live progress, then the result or the errors by row and column. Texts from `<ns>.import.*`. */
export function ImportJobView({
  ns,
  job,
  errors,
  listHref,
}: {
  ns: "questions" | "cases" | "pilot_majors" | "credentials";
  /** Where "done" links to (default: the bank's list of the job's certificate). */
  listHref?: string;
  job: Progress & { id: string; fileName: string; certificateId: string | null; errorCount: number };
  errors: { row: number; column: string; message: string }[];
}) {
  const { t } = useTranslation();
  const k = (key: string, options?: Record<string, unknown>) => t(`${ns}.import.${key}`, options);
  const live = useLiveProgress(job);
  const { slug } = useParams();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{k("job")}</p>
        <h1 className="text-2xl font-bold">{job.fileName}</h1>
      </div>
      <section aria-live="polite" className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <p className="mb-2 font-medium" data-testid="import-status">
          {live.status === "review" ? t("smart.duplicates.reviewStatus") : k(`statuses.${live.status}`)}
        </p>
        <progress max={100} value={live.progress} className="h-3 w-full" data-testid="import-progress" aria-label={k("progress")} />
        <p className="mt-2 text-sm text-gray-600" data-testid="import-phase">
          {live.progress}% · {phaseText(live, k)}
        </p>
        {live.status !== "done" && live.status !== "failed" && live.status !== "review" ? <p className="mt-2 text-sm text-gray-500">{k("leaveHint")}</p> : null}
      </section>
      {job.status === "done" ? (
        <Notice tone="success">
          <span data-testid="import-summary">{k("doneSummary", { count: job.importedRows })}</span>{" "}
          <Link to={listHref ?? `/w/${slug}/${ns}?certificate=${job.certificateId}`} className="underline">
            {t(`${ns}.title`)}
          </Link>
        </Notice>
      ) : null}
      {job.status === "failed" ? (
        <section className="space-y-3">
          <Notice tone="error">
            <span data-testid="import-summary">{k("failedSummary", { count: job.errorCount })}</span>
          </Notice>
          <a href={`${job.id}/errors.xlsx`} className="inline-block rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100" download>
            {k("downloadErrors")}
          </a>
          {job.errorCount > errors.length ? <p className="text-sm text-gray-600">{k("moreErrors", { shown: errors.length })}</p> : null}
          <Table
            caption={k("errors")}
            head={
              <tr>
                <th className="px-3 py-2">{k("row")}</th>
                <th className="px-3 py-2">{k("column")}</th>
                <th className="px-3 py-2">{k("message")}</th>
              </tr>
            }
          >
            {errors.map((error, i) => (
              <tr key={i} data-testid="import-error">
                <td className="px-3 py-2">{error.row || "—"}</td>
                <td className="px-3 py-2">{error.column || "—"}</td>
                <td className="px-3 py-2">{error.message}</td>
              </tr>
            ))}
          </Table>
        </section>
      ) : null}
    </div>
  );
}
