import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { getImportJob, progressOf } from "~/modules/imports/jobs.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { Notice } from "~/ui/form";
import { Table } from "~/ui/list";

const shownErrors = 200;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const job = await getImportJob(tx, ctx, params.jobId ?? "");
    if (!job) throw new Response("Not found", { status: 404 });
    const { errors, ...rest } = job;
    return { job: { ...rest, progress: progressOf(job) }, errors: errors.slice(0, shownErrors) };
  });
}

type Progress = { status: string; totalRows: number; processedRows: number; importedRows: number; progress: number };

/** Follows the job live (server-sent events) until it ends, then reloads its result. */
function useLiveProgress(initial: Progress) {
  const [live, setLive] = useState<Progress | null>(null);
  const revalidator = useRevalidator();
  // The latest revalidate, without reconnecting the event stream when it changes.
  const revalidate = useRef(revalidator.revalidate);
  useEffect(() => {
    revalidate.current = revalidator.revalidate;
  });
  const running = !["done", "failed"].includes(initial.status);
  useEffect(() => {
    if (!running) return;
    const source = new EventSource(`${window.location.pathname}/events`);
    source.addEventListener("progress", (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as Progress;
      setLive(next);
      if (next.status === "done" || next.status === "failed") {
        source.close();
        revalidate.current();
      }
    });
    return () => source.close();
  }, [running]);
  return running ? (live ?? initial) : initial;
}

export default function ImportJob() {
  const { job, errors } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const live = useLiveProgress(job);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{t("questions.import.job")}</p>
        <h1 className="text-2xl font-bold">{job.fileName}</h1>
      </div>
      <section aria-live="polite" className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <p className="mb-2 font-medium" data-testid="import-status">
          {t(`questions.import.statuses.${live.status}`)}
        </p>
        <progress max={100} value={live.progress} className="h-3 w-full" data-testid="import-progress" aria-label={t("questions.import.progress")} />
        <p className="mt-2 text-sm text-gray-600">
          {live.progress}% · {t("questions.import.phase", { processed: live.processedRows, total: live.totalRows, imported: live.importedRows })}
        </p>
        {live.status !== "done" && live.status !== "failed" ? <p className="mt-2 text-sm text-gray-500">{t("questions.import.leaveHint")}</p> : null}
      </section>
      {job.status === "done" ? (
        <Notice tone="success">
          <span data-testid="import-summary">{t("questions.import.doneSummary", { count: job.importedRows })}</span>{" "}
          <Link to={`../../questions?certificate=${job.certificateId}`} relative="path" className="underline">
            {t("questions.title")}
          </Link>
        </Notice>
      ) : null}
      {job.status === "failed" ? (
        <section className="space-y-3">
          <Notice tone="error">
            <span data-testid="import-summary">{t("questions.import.failedSummary", { count: job.errorCount })}</span>
          </Notice>
          <a href={`${job.id}/errors.xlsx`} className="inline-block rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100" download>
            {t("questions.import.downloadErrors")}
          </a>
          {job.errorCount > errors.length ? <p className="text-sm text-gray-600">{t("questions.import.moreErrors", { shown: errors.length })}</p> : null}
          <Table
            caption={t("questions.import.errors")}
            head={
              <tr>
                <th className="px-3 py-2">{t("questions.import.row")}</th>
                <th className="px-3 py-2">{t("questions.import.column")}</th>
                <th className="px-3 py-2">{t("questions.import.message")}</th>
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
