import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CertificateForm } from "~/modules/certificates/components/certificate-form";
import { certificateSchema } from "~/modules/certificates/schemas";
import { createCertificate, listIndustries } from "~/modules/certificates/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "certificates.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:write", async (tx) => ({ industries: await listIndustries(tx) }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, certificateSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createCertificate(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/certificates/${result.value.id}`);
  });
}

export default function NewCertificate() {
  const { industries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{t("certificates.new")}</h1>
      <CertificateForm industries={industries} lastResult={actionData?.result} submitLabel={t("certificates.create")} />
    </div>
  );
}
