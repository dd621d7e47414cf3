import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { Chip, SchemaForm } from "~/modules/school/components/schema-form";
import { withTenant } from "~/modules/tenancy/context.server";
import { typicalCaseFields } from "~/modules/typical-cases/schemas";
import { ownTypicalCases, submitTypicalCase } from "~/modules/typical-cases/typical-cases.server";
import { Notice } from "~/ui/form";
import { formatDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// 典型案例 (issue 17 item 6): a school or an organization submits a case of its practice and follows
// its status; the committee's scores stay with the committee.
export const handle: RouteHandle = { title: "supervision.typicalCases.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "typical_cases:submit", async (tx, ctx) => ({ cases: await ownTypicalCases(tx, ctx) }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "typical_cases:submit", async (tx, ctx) => {
    const submission = await parseForm(request, typicalCaseFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await submitTypicalCase(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), submitted: true });
  });
}

export default function TypicalCases() {
  const { cases } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result?: never; submitted?: boolean } | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("supervision.typicalCases.title")}</h1>
      <p className="max-w-3xl text-sm text-gray-600">{t("supervision.typicalCases.intro")}</p>
      <ExportLinks list="my-typical-cases" />
      {actionData?.submitted ? <Notice tone="success">{t("supervision.typicalCases.submitted")}</Notice> : null}
      {cases.length === 0 ? (
        <EmptyState>{t("supervision.typicalCases.noneOwn")}</EmptyState>
      ) : (
        <Table
          caption={t("supervision.typicalCases.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("supervision.typicalCases.caseTitle")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.status")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.submittedAt")}</th>
            </tr>
          }
        >
          {cases.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-2">{c.title}</td>
              <td className="px-3 py-2">
                <Chip tone={c.status === "selected" ? "green" : c.status === "declined" ? "gray" : "blue"}>
                  {t(`supervision.typicalCases.statuses.${c.status}`)}
                </Chip>
              </td>
              <td className="px-3 py-2">{formatDate(c.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("supervision.typicalCases.submit")}</h2>
        <SchemaForm
          id="typical-case"
          schema={typicalCaseFields}
          lastResult={actionData?.result}
          fields={[
            { name: "title", label: t("supervision.typicalCases.caseTitle") },
            { name: "summary", label: t("supervision.typicalCases.summary"), kind: "textarea" },
            { name: "body", label: t("supervision.typicalCases.body"), kind: "textarea" },
          ]}
          submit={{ label: t("supervision.typicalCases.submit") }}
        />
      </section>
    </div>
  );
}
