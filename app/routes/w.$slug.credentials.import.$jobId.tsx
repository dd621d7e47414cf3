import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { ImportJobView } from "~/modules/imports/components/import-job";
import { importJobData } from "~/modules/imports/pages.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${data.job.fileName} · ${t("credentials.import.title")}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:write", (tx, ctx) => importJobData(tx, ctx, params.jobId, "credentials"));
}

export default function CredentialsImportJob() {
  const { job, errors } = useLoaderData<typeof loader>();
  return <ImportJobView ns="credentials" job={job} errors={errors} listHref={`/w/${useParams().slug}/credentials`} />;
}
