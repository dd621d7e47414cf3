import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { adoptableCertificates } from "~/modules/school/adoptions.server";
import { filingFormFields } from "~/modules/school/components/filing-status";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { createFiling } from "~/modules/school/filings.server";
import { majorOptions } from "~/modules/school/majors.server";
import { filingFields } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.filings.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:manage", async (tx, ctx) => ({
    majors: await majorOptions(tx, ctx),
    certificates: await adoptableCertificates(tx),
    email: ctx.user.email,
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:manage", async (tx, ctx) => {
    const submission = await parseForm(request, filingFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createFiling(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/filings/${result.value.id}`);
  });
}

export default function NewFiling() {
  const { majors, certificates, email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("school.filings.new")}</h1>
      <p className="text-sm text-gray-600">{t("school.filings.newLead")}</p>
      <SchemaForm
        id="filing"
        schema={filingFields}
        lastResult={actionData?.result}
        defaultValue={{ level: "intermediate", contactEmail: email, responsibleOffice: t("school.filings.defaultOffice") }}
        fields={filingFormFields(t, majors, certificates, i18n.language === "en")}
        submit={{ label: t("school.filings.saveDraft") }}
      />
    </div>
  );
}
