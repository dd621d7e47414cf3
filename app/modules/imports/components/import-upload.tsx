import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { ErrorList, SelectField, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { EmptyState, Table } from "~/ui/list";
import { zodErrorMap } from "~/ui/zod-errors";
import { levels } from "~/modules/certificates/schemas";
import { pools } from "~/modules/questions/schemas";
import { fileImportSchema, importUploadSchema } from "../schemas";

export interface ImportJobRow {
  id: string;
  fileName: string;
  createdAt: string;
  status: string;
  progress: number;
}

/** A bank's import page: the upload form, the template links and the bank's recent jobs. Texts from `<ns>.import.*`. */
export function ImportUpload({
  ns,
  accept,
  certificates,
  selected,
  jobs,
  lastResult,
}: {
  ns: "questions" | "cases";
  accept: string;
  certificates: { id: string; code: string; nameZh: string; nameEn: string }[];
  selected: string | null;
  jobs: ImportJobRow[];
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const k = (key: string) => t(`${ns}.import.${key}`);
  const { slug } = useParams();
  const template = (format: string) => `/w/${slug}/${ns}/template?format=${format}`;
  const [form, fields] = useForm({
    id: "import",
    lastResult,
    defaultValue: { certificateId: selected ?? certificates[0]?.id },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: importUploadSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{k("title")}</h1>
        <p className="text-sm text-gray-600">{k("lead")}</p>
      </div>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <SelectField
          label={t(`${ns}.certificate`)}
          meta={fields.certificateId}
          options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${locale === "en" ? c.nameEn : c.nameZh}` }))}
        />
        <div className="mb-4">
          <label htmlFor={fields.file.id} className="block text-sm font-medium text-gray-800">
            {k("file")}
          </label>
          <input
            id={fields.file.id}
            name={fields.file.name}
            type="file"
            accept={accept}
            aria-invalid={fields.file.errors ? true : undefined}
            aria-describedby={fields.file.errors ? fields.file.errorId : undefined}
            className="mt-1 block w-full text-sm"
          />
          <p className="mt-1 text-xs text-gray-500">{k("fileHint")}</p>
          <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
        </div>
        {ns === "questions" ? (
          <fieldset className="mb-4 rounded border border-gray-200 p-4">
            <legend className="px-1 text-sm font-medium text-gray-800">{t("moodle.defaults.title")}</legend>
            <p className="mb-3 text-xs text-gray-500">{t("moodle.defaults.hint")}</p>
            <SelectField
              label={t("moodle.defaults.level")}
              meta={fields.defaultLevel}
              placeholder={t("moodle.defaults.none")}
              options={levels.map((level) => ({ value: level, label: t(`certificates.levelNames.${level}`) }))}
            />
            <SelectField
              label={t("moodle.defaults.pool")}
              meta={fields.defaultPool}
              placeholder={t("moodle.defaults.none")}
              options={pools.map((pool) => ({ value: pool, label: t(`questions.pools.${pool}`) }))}
            />
            <SelectField
              label={t("moodle.defaults.difficulty")}
              meta={fields.defaultDifficulty}
              placeholder={t("moodle.defaults.none")}
              options={[1, 2, 3, 4, 5].map((d) => ({ value: String(d), label: String(d) }))}
            />
          </fieldset>
        ) : null}
        <ErrorList id={form.errorId} errors={form.errors} />
        <div className="flex flex-wrap items-center gap-4">
          <SubmitButton>{k("start")}</SubmitButton>
          <span className="text-sm">
            {k("template")}:{" "}
            <a href={template("xlsx")} className="text-blue-700 hover:underline" download>
              {k("templateXlsx")}
            </a>{" "}
            ·{" "}
            <a href={template("csv")} className="text-blue-700 hover:underline" download>
              {k("templateCsv")}
            </a>
          </span>
        </div>
      </Form>
      <ImportJobsTable jobs={jobs} k={k} statusHeading={t(`${ns}.status`)} />
    </div>
  );
}

/**
 * The import page of a register (pilot majors, credentials): one file, its templates, recent jobs.
 * `prefix` names the page's translation keys; `template` is the template route, whose links add
 * `?format=` (and any `extra` links, e.g. the register exported in the template's columns).
 */
export function FileImportPage({
  prefix,
  template,
  extra = [],
  jobs,
  lastResult,
}: {
  prefix: string;
  template: string;
  extra?: { query: string; label: string }[];
  jobs: ImportJobRow[];
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t } = useTranslation();
  const k = (key: string) => t(`${prefix}.${key}`);
  const [form, fields] = useForm({
    id: "import",
    lastResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: fileImportSchema, error: zodErrorMap(t) }),
  });
  const links = [{ query: "format=xlsx", label: k("templateXlsx") }, { query: "format=csv", label: k("templateCsv") }, ...extra];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{k("title")}</h1>
        <p className="text-sm text-gray-600">{k("lead")}</p>
      </div>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <div className="mb-4">
          <label htmlFor={fields.file.id} className="block text-sm font-medium text-gray-800">
            {k("file")}
          </label>
          <input
            id={fields.file.id}
            name={fields.file.name}
            type="file"
            accept=".xlsx,.csv"
            aria-invalid={fields.file.errors ? true : undefined}
            aria-describedby={fields.file.errors ? fields.file.errorId : undefined}
            className="mt-1 block w-full text-sm"
          />
          <p className="mt-1 text-xs text-gray-500">{k("fileHint")}</p>
          <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <div className="flex flex-wrap items-center gap-4">
          <SubmitButton>{k("start")}</SubmitButton>
          {links.map((link) => (
            <a key={link.query} href={`${template}?${link.query}`} className="text-sm text-blue-700 underline" download>
              {link.label}
            </a>
          ))}
        </div>
      </Form>
      <ImportJobsTable jobs={jobs} k={k} statusHeading={k("status")} />
    </div>
  );
}

/** An import page's recent jobs (the banks' and the pilot majors'): each links to its progress page. */
export function ImportJobsTable({ jobs, k, statusHeading }: { jobs: ImportJobRow[]; k: (key: string) => string; statusHeading: string }) {
  const { i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <section>
      <h2 className="mb-2 text-lg font-semibold">{k("jobs")}</h2>
      {jobs.length === 0 ? (
        <EmptyState>{k("noJobs")}</EmptyState>
      ) : (
        <Table
          caption={k("jobs")}
          head={
            <tr>
              <th className="px-3 py-2">{k("fileName")}</th>
              <th className="px-3 py-2">{k("startedAt")}</th>
              <th className="px-3 py-2">{statusHeading}</th>
              <th className="px-3 py-2">{k("progress")}</th>
            </tr>
          }
        >
          {jobs.map((job) => (
            <tr key={job.id}>
              <td className="px-3 py-2">
                <Link to={job.id} className="text-blue-700 hover:underline">
                  {job.fileName}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.createdAt, locale)}</td>
              <td className="px-3 py-2">{k(`statuses.${job.status}`)}</td>
              <td className="px-3 py-2">
                <progress max={100} value={job.progress} className="w-32" /> {job.progress}%
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
