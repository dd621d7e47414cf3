import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { ViolationView } from "~/modules/school/components/violation-view";
import { violationDisclosureSchema, violationNoteSchema, violationTriageSchema, violationUpdateSchema } from "~/modules/school/schemas";
import { addInternalNote, allowedStatuses, discloseFinding, getViolationReport, triageOf, updateViolationStatus } from "~/modules/school/violations.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

// Triage (issue 17 item 4, decision 048): received → investigating → upheld | dismissed with a
// message the reporting school reads; internal notes only the committee reads; the finding the
// committee chooses to disclose to the reported organization (never who reported).
export const handle: RouteHandle = { title: "school.violations.committeeTitle" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const found = await getViolationReport(tx, ctx, params.reportId ?? "", { any: true });
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, ...(await triageOf(tx, found.report)), nextStatuses: allowedStatuses(found.report.status) };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:review", async (tx, ctx) => {
    const submission = await parseForm(request, violationTriageSchema, ctx.locale);
    const form = String(submission.payload.intent ?? "");
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const id = params.reportId ?? "";
    const result =
      input.intent === "status"
        ? await updateViolationStatus(tx, ctx, id, input)
        : input.intent === "note"
          ? await addInternalNote(tx, ctx, id, input.body)
          : await discloseFinding(tx, ctx, id, input.finding);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), form });
  });
}

export default function CommitteeViolation() {
  const { report, organizationName, evidence, updates, notes, disclosures, nextStatuses } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result?: never; form?: string } | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const resultFor = (form: string) => (actionData?.form === form ? actionData.result : undefined);
  const decided = report.status === "upheld" || report.status === "dismissed";
  return (
    <div className="space-y-6">
      <ViolationView
        report={report}
        organizationName={organizationName}
        evidence={evidence}
        updates={updates}
        evidenceHref={(id) => `${report.id}/evidence/${id}`}
      />
      {!decided ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("supervision.triage.move")}</h2>
          <SchemaForm
            id="status"
            schema={violationUpdateSchema}
            lastResult={resultFor("status")}
            defaultValue={{ status: report.status }}
            hidden={{ intent: "status" }}
            fields={[
              {
                name: "status",
                label: t("school.violations.status"),
                kind: "select",
                options: nextStatuses.map((s) => ({ value: s, label: t(`school.violations.statuses.${s}`) })),
              },
              { name: "note", label: t("supervision.triage.messageToReporter"), kind: "textarea" },
            ]}
            submit={{ label: t("school.violations.updateStatus") }}
          />
        </section>
      ) : null}
      <section aria-labelledby="internal-notes">
        <h2 id="internal-notes" className="mb-1 text-lg font-semibold">
          {t("supervision.triage.internalNotes")}
        </h2>
        <p className="mb-2 text-xs text-gray-500">{t("supervision.triage.internalHint")}</p>
        <ul className="mb-3 space-y-1 text-sm" data-testid="internal-notes">
          {notes.map((n) => (
            <li key={n.id}>
              <span className="text-gray-500">
                {formatDateTime(n.createdAt, locale)} · {n.author ?? "—"}:
              </span>{" "}
              {n.body}
            </li>
          ))}
        </ul>
        <SchemaForm
          id="note"
          schema={violationNoteSchema}
          lastResult={resultFor("note")}
          hidden={{ intent: "note" }}
          fields={[{ name: "body", label: t("supervision.triage.note"), kind: "textarea" }]}
          submit={{ label: t("supervision.triage.addNote") }}
        />
      </section>
      <section aria-labelledby="disclosure">
        <h2 id="disclosure" className="mb-1 text-lg font-semibold">
          {t("supervision.triage.disclosure")}
        </h2>
        <p className="mb-2 text-xs text-gray-500">{t("supervision.triage.disclosureHint")}</p>
        <ul className="mb-3 space-y-1 text-sm">
          {disclosures.map((d) => (
            <li key={d.id}>
              {formatDateTime(d.createdAt, locale)} · {t(`school.violations.statuses.${d.outcome}`)}: {d.finding}
            </li>
          ))}
        </ul>
        {decided ? (
          <SchemaForm
            id="disclose"
            schema={violationDisclosureSchema}
            lastResult={resultFor("disclose")}
            hidden={{ intent: "disclose" }}
            fields={[{ name: "finding", label: t("supervision.triage.finding"), kind: "textarea" }]}
            submit={{ label: t("supervision.triage.disclose") }}
          />
        ) : (
          <p className="text-sm text-gray-600">{t("supervision.triage.discloseAfterDecision")}</p>
        )}
      </section>
    </div>
  );
}
