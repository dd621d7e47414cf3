import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { resetPasswordSchema } from "~/modules/auth/schemas";
import { translator } from "~/i18n/i18n";
import { hashPassword } from "~/modules/auth/password.server";
import { readPasswordForm } from "~/modules/auth/password-strength.server";
import { findPasswordReset, resetPassword } from "~/modules/auth/service.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "reset.title", meta: [{ name: "referrer", content: "no-referrer" }] };

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withAuthFlow(request, async (tx) => ({ valid: Boolean(await findPasswordReset(tx, params.token ?? "")) }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { submission, locale, weak } = await readPasswordForm(request, resetPasswordSchema);
  if (submission.status !== "success") return rejectSubmission(submission);
  if (weak) return rejectSubmission(submission, weak);
  // Hashed only for a link that is still good, and outside any transaction (F17).
  const valid = await withAuthFlow(request, async (tx) => Boolean(await findPasswordReset(tx, params.token ?? "")));
  if (!valid) return rejectSubmission(submission, { status: 410, formErrors: [translator(locale)("errors.resetLinkInvalid")] });
  const passwordHash = await hashPassword(submission.value.password);
  return withAuthFlow(request, async (tx, ctx) => {
    const result = await resetPassword(tx, ctx, params.token ?? "", passwordHash);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect("/login?reset=1");
  });
}

export default function ResetPassword() {
  const { t } = useTranslation();
  const { valid } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "reset-password",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema, error: zodErrorMap(t) }),
  });
  if (!valid)
    return (
      <div className="mx-auto max-w-md">
        <Notice tone="error">{t("errors.resetLinkInvalid")}</Notice>
        <Link to="/forgot-password" className="text-blue-700 hover:underline">
          {t("forgot.title")}
        </Link>
      </div>
    );
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-6 text-2xl font-bold">{t("reset.title")}</h1>
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <Field label={t("reset.password")} meta={fields.password} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <Field label={t("reset.confirm")} meta={fields.confirm} type="password" autoComplete="new-password" />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("reset.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
