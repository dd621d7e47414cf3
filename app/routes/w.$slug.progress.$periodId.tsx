import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { Chip, SchemaForm } from "~/modules/school/components/schema-form";
import { getReport, saveReport } from "~/modules/school/progress.server";
import { progressActionSchema } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime, formatDay } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data) => data.name);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getReport(tx, ctx, params.periodId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, canWrite: ctx.permissions.includes("school:contribute") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
    const submission = await parseForm(request, progressActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await saveReport(tx, ctx, params.periodId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), done: submission.value.intent });
  });
}

const numbers = ["studentsTrained", "studentsAssessed", "passCount", "credentialedTrainers"] as const;

export default function ProgressReport() {
  const { period, name, report, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const submitted = report?.status === "submitted";
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-gray-500">{t("school.progress.title")}</p>
        <h1 className="text-2xl font-bold">{name}</h1>
        <p className="text-sm text-gray-600">
          {t("school.progress.dueOn")}: {formatDay(period.dueOn, locale)} {submitted ? <Chip tone="green">{t("school.progress.states.submitted")}</Chip> : null}{" "}
          {report?.late ? (
            <Chip tone="red" testId="late">
              {t("school.progress.late")}
            </Chip>
          ) : null}
        </p>
        {report?.submittedAt ? (
          <p className="text-sm text-gray-600">{t("school.progress.submittedAt", { at: formatDateTime(report.submittedAt, locale) })}</p>
        ) : null}
      </div>
      {submitted || !canWrite ? (
        report ? (
          <dl className="grid max-w-2xl grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm">
            {numbers.map((n) => (
              <div key={n} className="contents">
                <dt className="text-gray-500">{t(`school.progress.fields.${n}`)}</dt>
                <dd>{report[n]}</dd>
              </div>
            ))}
            <dt className="text-gray-500">{t("school.progress.fields.problems")}</dt>
            <dd className="whitespace-pre-wrap">{report.problems}</dd>
            <dt className="text-gray-500">{t("school.progress.fields.narrative")}</dt>
            <dd className="whitespace-pre-wrap">{report.narrative}</dd>
          </dl>
        ) : (
          <p className="text-sm text-gray-600">{t("school.progress.notStarted")}</p>
        )
      ) : (
        <>
          {actionData && "done" in actionData ? (
            <p className="rounded bg-green-50 px-3 py-2 text-sm text-green-900">{t(`school.progress.done.${actionData.done}`)}</p>
          ) : null}
          <SchemaForm
            id="progress"
            schema={progressActionSchema}
            lastResult={actionData?.result}
            columns={2}
            defaultValue={
              report
                ? { ...Object.fromEntries(numbers.map((n) => [n, String(report[n])])), problems: report.problems, narrative: report.narrative }
                : { studentsTrained: "0", studentsAssessed: "0", passCount: "0", credentialedTrainers: "0" }
            }
            fields={[
              ...numbers.map((n) => ({ name: n, label: t(`school.progress.fields.${n}`), kind: "number" as const })),
              { name: "problems", label: t("school.progress.fields.problems"), kind: "textarea" as const },
              { name: "narrative", label: t("school.progress.fields.narrative"), kind: "textarea" as const },
            ]}
            submit={{ label: t("school.progress.submit"), intent: "submit", secondary: { label: t("school.progress.saveDraft"), intent: "save" } }}
          />
        </>
      )}
    </div>
  );
}
