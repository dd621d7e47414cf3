import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { credentialsImportPage, credentialsImportSchema, uploadCredentials } from "~/modules/credentials/import.server";
import { ImportJobsTable } from "~/modules/imports/components/import-upload";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

export const handle: RouteHandle = { title: "credentials.import.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:write", (tx, ctx) => credentialsImportPage(tx, ctx));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return uploadCredentials(request, params.slug);
}

export default function ImportCredentials() {
  const { jobs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const { slug } = useParams();
  const k = (key: string) => t(`credentials.import.${key}`);
  const [form, fields] = useForm({
    id: "import",
    lastResult: actionData?.result,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: credentialsImportSchema, error: zodErrorMap(t) }),
  });
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
          <input id={fields.file.id} name={fields.file.name} type="file" accept=".xlsx,.csv" aria-invalid={fields.file.errors ? true : undefined} aria-describedby={fields.file.errors ? fields.file.errorId : undefined} className="mt-1 block w-full text-sm" />
          <p className="mt-1 text-xs text-gray-500">{k("fileHint")}</p>
          <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <div className="flex items-center gap-4">
          <SubmitButton>{k("start")}</SubmitButton>
          <a href={`/w/${slug}/credentials/template?format=xlsx`} className="text-sm text-blue-700 underline" download>
            {k("templateXlsx")}
          </a>
          <a href={`/w/${slug}/credentials/template?format=csv`} className="text-sm text-blue-700 underline" download>
            {k("templateCsv")}
          </a>
          <a href={`/w/${slug}/credentials/template?format=xlsx&filled=1`} className="text-sm text-blue-700 underline" download>
            {k("exportFilled")}
          </a>
        </div>
      </Form>
      <ImportJobsTable jobs={jobs} k={k} statusHeading={k("status")} />
    </div>
  );
}
