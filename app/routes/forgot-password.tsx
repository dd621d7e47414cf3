import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forgotPasswordSchema } from "~/modules/auth/schemas";
import { limitAuthFlow, requestPasswordReset } from "~/modules/auth/service.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { Field, Notice, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "forgot.title" };

export async function action({ request }: ActionFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    const submission = await parseForm(request, forgotPasswordSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    // Per IP and per email: no mail bombing through this form (F17).
    const limited = await limitAuthFlow(tx, ctx, "reset", submission.value.email);
    if (limited) return rejectSubmission(submission, limited);
    await requestPasswordReset(tx, ctx, submission.value);
    // The same answer whether or not the address has an account.
    return json({ result: submission.reply({ resetForm: true }), sent: true });
  });
}

export default function ForgotPassword() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "forgot-password",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">{t("forgot.title")}</h1>
      <p className="mb-6 text-sm text-gray-600">{t("forgot.lead")}</p>
      {actionData && "sent" in actionData ? <Notice tone="success">{t("forgot.sent")}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <Field label={t("fields.email")} meta={fields.email} type="email" autoComplete="email" />
        <SubmitButton>{t("forgot.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
