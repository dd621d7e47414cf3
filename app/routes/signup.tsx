import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { signUpSchema } from "~/modules/auth/schemas";
import { hashPassword } from "~/modules/auth/password.server";
import { readPasswordForm } from "~/modules/auth/password-strength.server";
import { limitAuthFlow } from "~/modules/auth/service.server";
import { startSignUp } from "~/modules/auth/signup.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";
import { CheckInbox } from "~/ui/check-inbox";

export const handle: RouteHandle = { title: "signup.title" };

// Step 1 of sign-up (decision 041): the account is recorded unverified and the link mailed; the answer
// is "check your inbox" whether or not the address already has an account.
export async function action({ request }: ActionFunctionArgs) {
  const { submission, weak } = await readPasswordForm(request, signUpSchema, (value) => [value.email, value.name, value.slug, value.tenantName]);
  if (submission.status !== "success") return rejectSubmission(submission);
  if (weak) return rejectSubmission(submission, weak);
  // Limited per IP and per email before anything costly; hashed outside any transaction (F17), for
  // every address alike (an existing one takes the same time).
  const limited = await withAuthFlow(request, (tx, ctx) => limitAuthFlow(tx, ctx, "signup", submission.value.email));
  if (limited) return rejectSubmission(submission, limited);
  const passwordHash = await hashPassword(submission.value.password);
  return withAuthFlow(request, async (tx, ctx) => {
    const result = await startSignUp(tx, ctx, submission.value, passwordHash);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), sent: submission.value.email });
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
  if (actionData && "sent" in actionData && typeof actionData.sent === "string") return <CheckInbox email={actionData.sent} />;
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
        <TextAreaField label={t("admission.signup.businessScope")} meta={fields.businessScope} rows={3} />
        <p className="-mt-3 mb-4 text-xs text-gray-500">{t("admission.signup.businessScopeHint")}</p>
        <TextAreaField label={t("admission.signup.proposedCertificates")} meta={fields.proposedCertificates} rows={3} />
        <p className="-mt-3 mb-4 text-xs text-gray-500">{t("admission.signup.proposedCertificatesHint")}</p>
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
