import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { adoptableCertificates } from "~/modules/school/adoptions.server";
import { FilingEvents, FilingStatusChip, filingFormFields } from "~/modules/school/components/filing-status";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { getFiling, submitFiling, updateFiling } from "~/modules/school/filings.server";
import { majorOptions } from "~/modules/school/majors.server";
import { filingActionSchema, filingFields } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${t("school.filings.title")} · ${data.filing.certificateName}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getFiling(tx, ctx, params.filingId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const canFile = ctx.permissions.includes("school:manage");
    const editable = canFile && (found.filing.status === "draft" || found.filing.status === "returned");
    return { ...found, canFile, editable, majors: editable ? await majorOptions(tx, ctx) : [], certificates: editable ? await adoptableCertificates(tx) : [] };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:manage", async (tx, ctx) => {
    const id = params.filingId ?? "";
    const submission = await parseForm(request, filingActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const result = input.intent === "submit" ? await submitFiling(tx, ctx, id) : await updateFiling(tx, ctx, id, input);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), done: input.intent });
  });
}

export default function Filing() {
  const { filing, majorCode, majorName, events, editable, canFile, majors, certificates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const errors = actionData?.result && "error" in actionData.result ? (actionData.result.error?.[""] ?? []) : [];
  const canSubmit = canFile && (filing.status === "draft" || filing.status === "returned");
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{t("school.filings.title")}</p>
        <h1 className="text-2xl font-bold">
          {filing.certificateName} · {t(`certificates.levelNames.${filing.level}`)}
        </h1>
        <p className="text-sm text-gray-600">
          {majorCode} {majorName} · <FilingStatusChip status={filing.status} />
        </p>
        {filing.recordNumber ? (
          <p className="mt-1 text-sm" data-testid="record-number">
            {t("school.filings.recordNumber")}: {filing.recordNumber} <span className="text-xs text-gray-500">{t("school.filings.platformNote")}</span>
          </p>
        ) : null}
      </div>
      <ErrorList errors={errors as string[]} />
      <dl className="grid max-w-2xl grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-gray-500">{t("school.filings.expectedStudentsPerYear")}</dt>
        <dd>{filing.expectedStudentsPerYear}</dd>
        <dt className="text-gray-500">{t("school.filings.examSitePlan")}</dt>
        <dd className="whitespace-pre-wrap">{filing.examSitePlan}</dd>
        <dt className="text-gray-500">{t("school.filings.responsibleOffice")}</dt>
        <dd>{filing.responsibleOffice}</dd>
        <dt className="text-gray-500">{t("school.filings.responsiblePerson")}</dt>
        <dd>{filing.responsiblePerson}</dd>
      </dl>
      {canSubmit ? (
        <Form method="post">
          <SubmitButton name="intent" value="submit">
            {filing.status === "returned" ? t("school.filings.resubmit") : t("school.filings.submit")}
          </SubmitButton>
        </Form>
      ) : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.filings.history")}</h2>
        <FilingEvents events={events.map((e) => ({ ...e, createdAt: String(e.createdAt) }))} format={(at) => formatDateTime(at, locale)} />
      </section>
      {editable ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.filings.edit")}</h2>
          <SchemaForm
            id="filing"
            schema={filingFields}
            lastResult={actionData?.result}
            defaultValue={{ ...filing, expectedStudentsPerYear: String(filing.expectedStudentsPerYear) }}
            fields={filingFormFields(t, majors, certificates, locale === "en")}
            submit={{ label: t("school.save"), intent: "save" }}
          />
        </section>
      ) : null}
    </div>
  );
}
