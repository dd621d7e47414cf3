import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Notice, SubmitButton } from "./form";

/** The page after a sign-up (and after each resend): check your inbox, or have the link sent again. */
export function CheckInbox({ email, resent = false, result }: { email: string; resent?: boolean; result?: SubmissionResult<string[]> }) {
  const { t } = useTranslation();
  const [form, fields] = useForm({ id: "resend", lastResult: result, defaultValue: { email } });
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">{t("admission.signup.sentTitle")}</h1>
      {resent ? <Notice tone="success">{t("admission.signup.resent")}</Notice> : null}
      <p className="mb-4" data-testid="signup-sent">
        {t("admission.signup.sent", { email })}
      </p>
      <p className="mb-4 text-sm text-gray-600">{t("admission.signup.notReceived")}</p>
      <Form method="post" action="/signup/resend" {...getFormProps(form)}>
        <input {...getInputProps(fields.email, { type: "hidden" })} key={fields.email.key} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton variant="secondary">{t("admission.signup.resend")}</SubmitButton>
      </Form>
    </div>
  );
}
