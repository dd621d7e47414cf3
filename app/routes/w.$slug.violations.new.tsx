import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { violationCategories, violationFields } from "~/modules/school/schemas";
import { fileViolationReport, maxEvidenceBytes, reportableOrganizations } from "~/modules/school/violations.server";
import { withFileChanges } from "~/modules/storage/storage.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.violations.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:contribute", async (tx) => ({ organizations: await reportableOrganizations(tx) }));
}

// The evidence file is removed again if the transaction does not commit (withFileChanges).
export async function action({ request, params }: ActionFunctionArgs) {
  return withFileChanges((files) =>
    withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
      const submission = await parseForm(request, violationFields, ctx.locale, { field: "evidence", maxBytes: maxEvidenceBytes });
      if (submission.status !== "success") return rejectSubmission(submission);
      const { evidence, ...input } = submission.value;
      const result = await fileViolationReport(tx, ctx, files, input, evidence);
      if (!result.ok) return rejectSubmission(submission, result);
      return redirect(`/w/${ctx.tenant.slug}/violations/${result.value.id}`);
    }),
  );
}

export default function NewViolation() {
  const { organizations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("school.violations.new")}</h1>
      <p className="text-sm text-gray-600">{t("school.violations.newLead")}</p>
      <SchemaForm
        id="violation"
        schema={violationFields}
        lastResult={actionData?.result}
        multipart
        fields={[
          {
            name: "organizationId",
            label: t("school.violations.organization"),
            kind: "select",
            placeholder: t("school.choose"),
            options: organizations.map((o) => ({ value: o.id, label: o.name })),
          },
          {
            name: "category",
            label: t("school.violations.category"),
            kind: "select",
            placeholder: t("school.choose"),
            options: violationCategories.map((c) => ({ value: c, label: t(`school.violations.categories.${c}`) })),
          },
          { name: "description", label: t("school.violations.description"), kind: "textarea" },
          { name: "evidence", label: t("school.violations.evidenceFile"), kind: "file", hint: t("school.violations.evidenceHint") },
        ]}
        submit={{ label: t("school.violations.submit") }}
      />
    </div>
  );
}
