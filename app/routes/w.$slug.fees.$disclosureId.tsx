import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { DisclosureForm } from "~/modules/fees/components/disclosure-form";
import { DisclosureFacts } from "~/modules/fees/components/disclosure-facts";
import { deleteDraft, disclosableCertificates, getDisclosure, noticeDaysNow, saveDisclosure, withdrawDisclosure } from "~/modules/fees/disclosures.server";
import { disclosureActionSchema, withdrawSchema } from "~/modules/fees/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton, TextAreaField } from "~/ui/form";
import { addDays, formatDay, shanghaiDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { fenToYuanInput } from "~/ui/money";
import { zodErrorMap } from "~/ui/zod-errors";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>(
  (data, t) => `${data.disclosure.certificateCode} · ${t(`certificates.levelNames.${data.disclosure.level}`)} · ${t(`fees.kinds.${data.disclosure.kind}`)}`,
);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "fees:read", async (tx, ctx) => {
    const disclosure = await getDisclosure(tx, ctx, params.disclosureId ?? "");
    if (!disclosure) throw new Response("Not found", { status: 404 });
    const noticeDays = await noticeDaysNow(tx);
    return {
      disclosure,
      canPublish: ctx.permissions.includes("fees:publish"),
      certificates: disclosure.state === "draft" ? await disclosableCertificates(tx, ctx) : [],
      noticeDays,
      earliest: addDays(shanghaiDate(), noticeDays),
      today: shanghaiDate(),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "fees:publish", async (tx, ctx) => {
    const id = params.disclosureId ?? "";
    const submission = await parseForm(request, disclosureActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent === "delete") {
      const result = await deleteDraft(tx, ctx, id);
      if (!result.ok) return rejectSubmission(submission, result);
      return redirect(`/w/${ctx.tenant.slug}/fees`);
    }
    if (input.intent === "withdraw") {
      const result = await withdrawDisclosure(tx, ctx, id, input);
      if (!result.ok) return rejectSubmission(submission, result);
      return json({ result: submission.reply({ resetForm: true }), done: "withdrawn" as const });
    }
    const result = await saveDisclosure(tx, ctx, id, input, input.intent === "publish");
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), done: input.intent === "publish" ? ("published" as const) : ("saved" as const) });
  });
}

function WithdrawForm({ today, lastResult }: { today: string; lastResult?: SubmissionResult<string[]> | null }) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "withdraw",
    lastResult,
    defaultValue: { effectiveFrom: today },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: withdrawSchema, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="rounded border border-red-200 bg-white p-4">
      <h2 className="mb-2 font-semibold">{t("fees.withdraw")}</h2>
      <p className="mb-3 text-sm text-gray-600">{t("fees.withdrawLead")}</p>
      <Field label={t("fees.withdrawFrom")} meta={fields.effectiveFrom} type="date" />
      <TextAreaField label={t("fees.withdrawReason")} meta={fields.reason} rows={2} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <SubmitButton name="intent" value="withdraw">
        {t("fees.withdraw")}
      </SubmitButton>
    </Form>
  );
}

export default function Disclosure() {
  const { disclosure, canPublish, certificates, noticeDays, earliest, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const done = actionData && "done" in actionData ? actionData.done : null;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{t(`fees.states.${disclosure.state}`)}</p>
        <h1 className="text-2xl font-bold">
          {disclosure.certificateCode} · {t(`certificates.levelNames.${disclosure.level}`)} · {t(`fees.kinds.${disclosure.kind}`)}
        </h1>
      </div>
      {done ? <Notice tone="success">{t(`fees.done.${done}`)}</Notice> : null}
      {disclosure.state === "draft" && canPublish ? (
        <>
          <DisclosureForm
            key={`${disclosure.id}-${disclosure.createdAt}`}
            certificates={certificates}
            noticeDays={noticeDays}
            earliest={earliest}
            lastResult={actionData?.result}
            defaultValue={{
              ...disclosure,
              amount: fenToYuanInput(disclosure.amountFen),
              effectiveUntil: disclosure.effectiveUntil ?? "",
              supersedesId: disclosure.supersedesId ?? "",
            }}
          />
          <Form method="post">
            <button type="submit" name="intent" value="delete" className="text-sm text-red-700 hover:underline">
              {t("fees.deleteDraft")}
            </button>
          </Form>
        </>
      ) : (
        <DisclosureFacts disclosure={disclosure} />
      )}
      {disclosure.withdrawal ? (
        <Notice tone="error">
          {t("fees.withdrawnNotice", { from: formatDay(disclosure.withdrawal.effectiveFrom, locale), reason: disclosure.withdrawal.reason })}
        </Notice>
      ) : null}
      {disclosure.state === "published" && canPublish ? (
        <div className="grid gap-4 md:grid-cols-2">
          <div className="rounded border border-gray-200 bg-white p-4">
            <h2 className="mb-2 font-semibold">{t("fees.change")}</h2>
            <p className="mb-3 text-sm text-gray-600">{t("fees.changeLead")}</p>
            <Link to={`../new?supersedes=${disclosure.id}`} relative="path" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("fees.change")}
            </Link>
          </div>
          <WithdrawForm today={today} lastResult={actionData?.result} />
        </div>
      ) : null}
      {disclosure.state !== "draft" ? (
        <Link to={`/fees/${disclosure.id}`} className="text-sm text-blue-700 hover:underline">
          {t("fees.publicPage")}
        </Link>
      ) : null}
    </div>
  );
}
