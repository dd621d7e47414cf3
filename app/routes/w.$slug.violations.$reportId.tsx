import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { ViolationView } from "~/modules/school/components/violation-view";
import { violationEvidenceSchema } from "~/modules/school/schemas";
import { acceptsEvidence, addViolationEvidence, getViolationReport, maxEvidenceBytes } from "~/modules/school/violations.server";
import { withFileChanges } from "~/modules/storage/storage.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.violations.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getViolationReport(tx, ctx, params.reportId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, canAddEvidence: ctx.permissions.includes("school:contribute") && acceptsEvidence(found.report.status) };
  });
}

// More evidence while the report is open (decision 056); the file is removed again if the
// transaction does not commit (withFileChanges).
export async function action({ request, params }: ActionFunctionArgs) {
  return withFileChanges((files) =>
    withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
      const submission = await parseForm(request, violationEvidenceSchema, ctx.locale, { field: "evidence", maxBytes: maxEvidenceBytes });
      if (submission.status !== "success") return rejectSubmission(submission);
      const result = await addViolationEvidence(tx, ctx, files, params.reportId ?? "", submission.value.evidence);
      if (!result.ok) return rejectSubmission(submission, result);
      return json({ result: submission.reply({ resetForm: true }), added: result.value.id });
    }),
  );
}

export default function Violation() {
  const { report, organizationName, evidence, updates, canAddEvidence } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const added = actionData && "added" in actionData;
  return (
    <div className="space-y-6">
      <ViolationView
        report={report}
        organizationName={organizationName}
        evidence={evidence}
        updates={updates}
        evidenceHref={(id) => `${report.id}/evidence/${id}`}
      />
      {canAddEvidence ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.violations.addEvidence")}</h2>
          <p className="mb-2 max-w-3xl text-sm text-gray-600">{t("school.violations.addEvidenceLead")}</p>
          {added ? (
            <p className="mb-2 text-sm text-green-700" role="status">
              {t("school.violations.evidenceAdded")}
            </p>
          ) : null}
          <SchemaForm
            id="evidence"
            schema={violationEvidenceSchema}
            lastResult={actionData?.result}
            multipart
            fields={[{ name: "evidence", label: t("school.violations.evidenceFileRequired"), kind: "file", hint: t("school.violations.evidenceHint") }]}
            submit={{ label: t("school.violations.addEvidenceSubmit") }}
          />
        </section>
      ) : report.status === "upheld" || report.status === "dismissed" ? (
        <p className="text-sm text-gray-500">{t("school.violations.closed")}</p>
      ) : null}
    </div>
  );
}
