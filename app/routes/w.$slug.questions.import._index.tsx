import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translator, type Locale } from "~/i18n/i18n";
import { createImportJob, listImportJobs, maxImportBytes, progressOf, startImportJob } from "~/modules/imports/jobs.server";
import { importUploadSchema } from "~/modules/imports/schemas";
import { bankCertificates } from "~/modules/questions/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, SelectField, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, Table } from "~/ui/list";
import { zodErrorMap } from "~/ui/zod-errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => ({
    certificates: await bankCertificates(tx, ctx),
    selected: new URL(request.url).searchParams.get("certificate"),
    jobs: (await listImportJobs(tx, ctx)).map((job) => ({ ...job, progress: progressOf(job) })),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, importUploadSchema, ctx.locale, maxImportBytes + 64 * 1024);
    if (submission.status !== "success") return rejectSubmission(submission);
    const { certificateId, file } = submission.value;
    const certificates = await bankCertificates(tx, ctx);
    if (!certificates.some((c) => c.id === certificateId)) return rejectSubmission(submission, { status: 400, fieldErrors: { certificateId: [translator(ctx.locale)("errors.invalidOption")] } });
    const result = await createImportJob(tx, ctx, { certificateId, fileName: file.name.slice(0, 200), bytes: new Uint8Array(await file.arrayBuffer()) });
    if (!result.ok) return rejectSubmission(submission, result);
    queued.job = { tenantId: ctx.tenant.id, id: result.value.id };
    return redirect(`/w/${ctx.tenant.slug}/questions/import/${result.value.id}`);
  });
  // The job runs once the request's transaction has committed, outside it.
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}

export default function ImportQuestions() {
  const { certificates, selected, jobs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [form, fields] = useForm({
    id: "import",
    lastResult: actionData?.result,
    defaultValue: { certificateId: selected ?? certificates[0]?.id },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: importUploadSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("questions.import.title")}</h1>
        <p className="text-sm text-gray-600">{t("questions.import.lead")}</p>
      </div>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <SelectField label={t("questions.certificate")} meta={fields.certificateId} options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${locale === "en" ? c.nameEn : c.nameZh}` }))} />
        <div className="mb-4">
          <label htmlFor={fields.file.id} className="block text-sm font-medium text-gray-800">
            {t("questions.import.file")}
          </label>
          <input
            id={fields.file.id}
            name={fields.file.name}
            type="file"
            accept=".xlsx,.csv,.xml"
            aria-invalid={fields.file.errors ? true : undefined}
            aria-describedby={fields.file.errors ? fields.file.errorId : undefined}
            className="mt-1 block w-full text-sm"
          />
          <p className="mt-1 text-xs text-gray-500">{t("questions.import.fileHint")}</p>
          <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <div className="flex flex-wrap items-center gap-4">
          <SubmitButton>{t("questions.import.start")}</SubmitButton>
          <span className="text-sm">
            {t("questions.import.template")}:{" "}
            <a href="../template?format=xlsx" className="text-blue-700 hover:underline" download>
              {t("questions.import.templateXlsx")}
            </a>{" "}
            ·{" "}
            <a href="../template?format=csv" className="text-blue-700 hover:underline" download>
              {t("questions.import.templateCsv")}
            </a>
          </span>
        </div>
      </Form>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("questions.import.jobs")}</h2>
        {jobs.length === 0 ? (
          <EmptyState>{t("questions.import.noJobs")}</EmptyState>
        ) : (
          <Table
            caption={t("questions.import.jobs")}
            head={
              <tr>
                <th className="px-3 py-2">{t("questions.import.fileName")}</th>
                <th className="px-3 py-2">{t("questions.import.startedAt")}</th>
                <th className="px-3 py-2">{t("questions.status")}</th>
                <th className="px-3 py-2">{t("questions.import.progress")}</th>
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
                <td className="px-3 py-2">{t(`questions.import.statuses.${job.status}`)}</td>
                <td className="px-3 py-2">
                  <progress max={100} value={job.progress} className="w-32" /> {job.progress}%
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
