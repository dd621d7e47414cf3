import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { ViolationView } from "~/modules/school/components/violation-view";
import { violationStatuses, violationUpdateSchema } from "~/modules/school/schemas";
import { getViolationReport, updateViolationStatus } from "~/modules/school/violations.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.violations.committeeTitle" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const found = await getViolationReport(tx, ctx, params.reportId ?? "", { any: true });
    if (!found) throw new Response("Not found", { status: 404 });
    return found;
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:review", async (tx, ctx) => {
    const submission = await parseForm(request, violationUpdateSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await updateViolationStatus(tx, ctx, params.reportId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }) });
  });
}

export default function CommitteeViolation() {
  const { report, organizationName, evidence, updates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="space-y-6">
      <ViolationView report={report} organizationName={organizationName} evidence={evidence} updates={updates} evidenceHref={(id) => `${report.id}/evidence/${id}`} />
      <SchemaForm
        id="status"
        schema={violationUpdateSchema}
        lastResult={actionData?.result}
        defaultValue={{ status: report.status }}
        fields={[
          { name: "status", label: t("school.violations.status"), kind: "select", options: violationStatuses.map((s) => ({ value: s, label: t(`school.violations.statuses.${s}`) })) },
          { name: "note", label: t("school.violations.note"), kind: "textarea" },
        ]}
        submit={{ label: t("school.violations.updateStatus") }}
      />
    </div>
  );
}
