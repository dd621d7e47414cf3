import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CredentialForm } from "~/modules/credentials/components/credential-form";
import { credentialFields } from "~/modules/credentials/schemas";
import { createCredential, credentialCertificates, tenantChoices } from "~/modules/credentials/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "credentials.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:write", async (tx, ctx) => ({
    certificates: await credentialCertificates(tx, ctx),
    employers: await tenantChoices(tx),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "credentials:write", async (tx, ctx) => {
    const submission = await parseForm(request, credentialFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission, undefined, ["idNumber"]);
    const result = await createCredential(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result, ["idNumber"]);
    return redirect(`/w/${ctx.tenant.slug}/credentials/${result.value.id}`);
  });
}

export default function NewCredential() {
  const { certificates, employers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{t("credentials.new")}</h1>
      <CredentialForm certificates={certificates} employers={employers} lastResult={actionData?.result} />
    </div>
  );
}
