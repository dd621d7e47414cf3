import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MaterialForm } from "~/modules/materials/components/material-form";
import { materialFields } from "~/modules/materials/schemas";
import { materialOptions, saveMaterial } from "~/modules/materials/service.server";
import { bankCertificates } from "~/modules/banks/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "materials.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:write", async (tx, ctx) => {
    const certificates = await bankCertificates(tx, ctx);
    const wanted = new URL(request.url).searchParams.get("certificate");
    const certificate = certificates.find((c) => c.id === wanted) ?? certificates[0];
    if (!certificate) throw new Response("Not found", { status: 404 });
    return { certificates, certificateId: certificate.id, ...(await materialOptions(tx, ctx, certificate.id)) };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, materialFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await saveMaterial(tx, ctx, null, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/materials/${result.value.id}`);
  });
}

export default function NewMaterial() {
  const { certificates, certificateId, versions, requirements } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{t("materials.new")}</h1>
      <MaterialForm key={certificateId} options={{ certificates, versions, requirements }} defaultValue={{ certificateId }} lastResult={actionData?.result} />
    </div>
  );
}
