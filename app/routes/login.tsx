import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { serializeLocale } from "~/i18n/locale.server";
import { isLocale } from "~/i18n/i18n";
import { loginSchema } from "~/modules/auth/schemas";
import { login } from "~/modules/auth/service.server";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "login.title" };

export async function action({ request }: ActionFunctionArgs) {
  // Failed attempts must stay counted, so this transaction commits on failure too.
  return withAuthFlow(
    request,
    async (tx, ctx, rescope) => {
      const submission = await parseForm(request, loginSchema, ctx.locale);
      if (submission.status !== "success") return rejectSubmission(submission);
      const result = await login(tx, ctx, rescope, submission.value, request.headers.get("user-agent"));
      if (!result.ok) return rejectSubmission(submission, result);
      const headers = new Headers();
      headers.append("Set-Cookie", await commitSessionCookie(result.value.token));
      // A first login on this browser takes the language saved on the account.
      if (!request.headers.get("cookie")?.includes("lng=") && isLocale(result.value.locale))
        headers.append("Set-Cookie", await serializeLocale(result.value.locale));
      return redirect(submission.value.redirectTo ?? result.value.home, { headers });
    },
    { keepWritesOnFailure: true },
  );
}

export default function Login() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    defaultValue: { redirectTo: searchParams.get("redirectTo") ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-6 text-2xl font-bold">{t("login.title")}</h1>
      {searchParams.get("reset") ? <Notice tone="success">{t("login.resetDone")}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <input type="hidden" name={fields.redirectTo.name} value={fields.redirectTo.initialValue ?? ""} />
        <Field label={t("fields.email")} meta={fields.email} type="email" autoComplete="username" />
        <Field label={t("fields.password")} meta={fields.password} type="password" autoComplete="current-password" />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("login.submit")}</SubmitButton>
      </Form>
      <p className="mt-4 flex justify-between text-sm">
        <Link to="/forgot-password" className="text-blue-700 hover:underline">
          {t("login.forgot")}
        </Link>
        <Link to="/signup" className="text-blue-700 hover:underline">
          {t("nav.signup")}
        </Link>
      </p>
    </div>
  );
}
