import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { credentialsImportPage, uploadCredentials } from "~/modules/credentials/import.server";
import { FileImportPage } from "~/modules/imports/components/import-upload";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

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
  return (
    <FileImportPage
      prefix="credentials.import"
      template={`/w/${slug}/credentials/template`}
      extra={[{ query: "format=xlsx&filled=1", label: t("credentials.import.exportFilled") }]}
      jobs={jobs}
      lastResult={actionData?.result}
    />
  );
}
