import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ImportUpload } from "~/modules/imports/components/import-upload";
import { importPageData, uploadImport } from "~/modules/imports/pages.server";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "questions.import.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:write", (tx, ctx) => importPageData(tx, ctx, request, "questions"));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return uploadImport(request, params.slug, "questions");
}

export default function ImportQuestions() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <ImportUpload ns="questions" accept=".xlsx,.csv,.xml,.gift,.txt" {...data} lastResult={actionData?.result} />;
}
