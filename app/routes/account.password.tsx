import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translator } from "~/i18n/i18n";
import { beginPasswordChange, completePasswordChange } from "~/modules/auth/account.server";
import { hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { readPasswordForm } from "~/modules/auth/password-strength.server";
import { changePasswordSchema } from "~/modules/auth/schemas";
import { readUser, withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "account.password.title" };

const hidden = ["current", "password", "confirm"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await readUser({ request, context });
  return { email: user.email };
}

// The current password is verified and the new one hashed between the transactions, never inside one (F17).
export async function action({ request }: ActionFunctionArgs) {
  const { submission, locale, weak } = await readPasswordForm(request, changePasswordSchema);
  if (submission.status !== "success") return rejectSubmission(submission, undefined, hidden);
  if (weak) return rejectSubmission(submission, weak, hidden);
  const begun = await withAuthFlow(request, (tx, ctx) => beginPasswordChange(tx, ctx), { keepWritesOnFailure: true });
  if (!begun.ok) return rejectSubmission(submission, begun, hidden);
  if (!(await verifyPassword(begun.value.passwordHash, submission.value.current)))
    return rejectSubmission(submission, { status: 400, fieldErrors: { current: [translator(locale)("errors.currentPasswordWrong")] } }, hidden);
  const passwordHash = await hashPassword(submission.value.password);
  return withAuthFlow(request, async (tx, ctx) => {
    const result = await completePasswordChange(tx, ctx, passwordHash);
    if (!result.ok) return rejectSubmission(submission, result, hidden);
    return json({ result: submission.reply({ resetForm: true, hideFields: hidden }), changed: result.value.sessionsEnded });
  });
}

export default function ChangePassword() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "change-password",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">{t("account.password.title")}</h1>
      <p className="mb-6 text-sm text-gray-600">{t("account.password.lead")}</p>
      {actionData && "changed" in actionData ? <Notice tone="success">{t("account.password.changed")}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <Field label={t("account.password.current")} meta={fields.current} type="password" autoComplete="current-password" />
        <Field label={t("account.password.new")} meta={fields.password} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <Field label={t("account.password.confirm")} meta={fields.confirm} type="password" autoComplete="new-password" />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("account.password.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
