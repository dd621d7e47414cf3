import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useParams } from "@remix-run/react";
import { majorsImportPage, uploadMajors } from "~/modules/school/majors-import.server";
import { FileImportPage } from "~/modules/imports/components/import-upload";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.majors.import.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:manage", (tx, ctx) => majorsImportPage(tx, ctx));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return uploadMajors(request, params.slug);
}

export default function ImportMajors() {
  const { jobs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { slug } = useParams();
  return <FileImportPage prefix="school.majors.import" template={`/w/${slug}/majors/template`} jobs={jobs} lastResult={actionData?.result} />;
}
