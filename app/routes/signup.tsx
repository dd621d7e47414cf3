import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { signUpSchema } from "~/modules/auth/schemas";
import { hashPassword } from "~/modules/auth/password.server";
import { readPasswordForm } from "~/modules/auth/password-strength.server";
import { limitAuthFlow, signUp } from "~/modules/auth/service.server";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, SelectField, SubmitButton } from "~/ui/form";
import { rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "signup.title" };

export async function action({ request }: ActionFunctionArgs) {
  const { submission, weak } = await readPasswordForm(request, signUpSchema, (value) => [value.email, value.name, value.slug, value.tenantName]);
  if (submission.status !== "success") return rejectSubmission(submission);
  if (weak) return rejectSubmission(submission, weak);
  // Limited per IP and per email before anything costly; hashed outside any transaction (F17).
  const limited = await withAuthFlow(request, (tx, ctx) => limitAuthFlow(tx, ctx, "signup", submission.value.email));
  if (limited) return rejectSubmission(submission, limited);
  const passwordHash = await hashPassword(submission.value.password);
  return withAuthFlow(request, async (tx, ctx, rescope) => {
    const result = await signUp(tx, ctx, rescope, submission.value, request.headers.get("user-agent"), passwordHash);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${result.value.tenant.slug}`, {
      headers: { "Set-Cookie": await commitSessionCookie(result.value.token) },
    });
  });
}

export default function SignUp() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "signup",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { kind: "organization" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signUpSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">{t("signup.title")}</h1>
      <p className="mb-6 text-sm text-gray-600">{t("signup.lead")}</p>
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <SelectField
          label={t("signup.kind")}
          meta={fields.kind}
          options={[
            { value: "organization", label: t("tenantKinds.organization") },
            { value: "school", label: t("tenantKinds.school") },
          ]}
        />
        <Field label={t("signup.tenantName")} meta={fields.tenantName} autoComplete="organization" />
        <Field label={t("signup.slug")} meta={fields.slug} hint={t("signup.slugHint")} />
        <Field label={t("signup.creditCode")} meta={fields.creditCode} hint={t("signup.creditCodeHint")} />
        <Field label={t("fields.name")} meta={fields.name} autoComplete="name" />
        <Field label={t("fields.email")} meta={fields.email} type="email" autoComplete="email" />
        <Field label={t("fields.password")} meta={fields.password} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("signup.submit")}</SubmitButton>
      </Form>
      <p className="mt-4 text-sm">
        {t("signup.haveAccount")}{" "}
        <Link to="/login" className="text-blue-700 hover:underline">
          {t("nav.login")}
        </Link>
      </p>
    </div>
  );
}
