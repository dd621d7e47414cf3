import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CaseForm } from "~/modules/cases/components/case-form";
import { caseFormSchema } from "~/modules/cases/schemas";
import { saveCase } from "~/modules/cases/service.server";
import { bankCertificates } from "~/modules/banks/service.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "cases.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:write", async (tx, ctx) => {
    const certificates = await bankCertificates(tx, ctx);
    const wanted = new URL(request.url).searchParams.get("certificate");
    const certificate = certificates.find((c) => c.id === wanted) ?? certificates[0];
    if (!certificate) throw new Response("Not found", { status: 404 });
    return { certificates, certificateId: certificate.id, requirements: await skillRequirements(tx, ctx.tenant.id, certificate.id) };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, caseFormSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent === "delete") throw new Response("Not found", { status: 404 });
    const result = await saveCase(tx, ctx, null, input);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/cases/${result.value.id}`);
  });
}

export default function NewCase() {
  const { certificates, certificateId, requirements } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{t("cases.new")}</h1>
      <CaseForm certificates={certificates} requirements={requirements} defaultValue={{ certificateId }} lastResult={actionData?.result} />
    </div>
  );
}
