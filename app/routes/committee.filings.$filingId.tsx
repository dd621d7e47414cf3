import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { FilingEvents, FilingStatusChip } from "~/modules/school/components/filing-status";
import { decideFiling, getFiling } from "~/modules/school/filings.server";
import { filingDecisionSchema } from "~/modules/school/schemas";
import { withCommittee } from "~/modules/tenancy/context.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

// The committee's action on a filing: approve (with the national record number), return with a
// comment, or reject with a comment.
export const handle = titleFrom<typeof loader>((data, t) => `${t("school.filings.committeeTitle")} · ${data.schoolName}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const found = await getFiling(tx, ctx, params.filingId ?? "", { any: true });
    if (!found || found.filing.status === "draft") throw new Response("Not found", { status: 404 });
    return found;
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:review", async (tx, ctx) => {
    const submission = await parseForm(request, filingDecisionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await decideFiling(tx, ctx, params.filingId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }) });
  });
}

export default function CommitteeFiling() {
  const { filing, schoolName, majorCode, majorName, events } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const error = (actionData?.result && "error" in actionData.result ? actionData.result.error : undefined) ?? {};
  const underReview = filing.status === "submitted" || filing.status === "resubmitted";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{schoolName}</p>
        <h1 className="text-2xl font-bold">
          {filing.certificateName} · {t(`certificates.levelNames.${filing.level}`)}
        </h1>
        <p className="text-sm text-gray-600">
          {majorCode} {majorName} · <FilingStatusChip status={filing.status} />
        </p>
      </div>
      <dl className="grid max-w-2xl grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-gray-500">{t("school.filings.expectedStudentsPerYear")}</dt>
        <dd>{filing.expectedStudentsPerYear}</dd>
        <dt className="text-gray-500">{t("school.filings.examSitePlan")}</dt>
        <dd className="whitespace-pre-wrap">{filing.examSitePlan}</dd>
        <dt className="text-gray-500">{t("school.filings.responsibleOffice")}</dt>
        <dd>
          {filing.responsibleOffice} · {filing.responsiblePerson}
        </dd>
      </dl>
      {underReview ? (
        <Form method="post" className="max-w-2xl space-y-3 rounded border border-gray-200 bg-white p-4">
          <label htmlFor="comment" className="block text-sm font-medium">
            {t("school.filings.comment")}
          </label>
          <textarea id="comment" name="comment" rows={3} className="block w-full rounded border border-gray-300 px-3 py-2" aria-describedby="comment-error" />
          <ErrorList id="comment-error" errors={error.comment} />
          <label htmlFor="recordNumber" className="block text-sm font-medium">
            {t("school.filings.recordNumber")}
          </label>
          <input id="recordNumber" name="recordNumber" className="block w-full rounded border border-gray-300 px-3 py-2" aria-describedby="record-error" />
          <p className="text-xs text-gray-500">{t("school.filings.recordHint")}</p>
          <ErrorList id="record-error" errors={error.recordNumber} />
          <ErrorList errors={error[""]} />
          <div className="flex flex-wrap gap-3">
            <SubmitButton name="intent" value="return" variant="secondary">
              {t("school.filings.return")}
            </SubmitButton>
            <SubmitButton name="intent" value="reject" variant="secondary">
              {t("school.filings.reject")}
            </SubmitButton>
            <SubmitButton name="intent" value="approve">
              {t("school.filings.approve")}
            </SubmitButton>
          </div>
        </Form>
      ) : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.filings.history")}</h2>
        <FilingEvents events={events.map((e) => ({ ...e, createdAt: String(e.createdAt) }))} format={(at) => formatDateTime(at, locale)} />
      </section>
    </div>
  );
}
