import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getLocale, serializeLocale } from "~/i18n/locale.server";
import { isLocale } from "~/i18n/i18n";
import { loginSchema } from "~/modules/auth/schemas";
import { verifyPassword } from "~/modules/auth/password.server";
import { secondFactorStepPath } from "~/modules/auth/second-factor-rule";
import { commitChallengeCookie } from "~/modules/auth/second-factor.server";
import { beginLogin, finishLogin } from "~/modules/auth/service.server";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { assertSameOrigin, withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "login.title" };

export async function action({ request }: ActionFunctionArgs) {
  // Read before any transaction: the password is verified between the two (argon2 outside, F17).
  assertSameOrigin(request);
  const submission = await parseForm(request, loginSchema, getLocale(request));
  if (submission.status !== "success") return rejectSubmission(submission);
  // Counted attempts must stay counted, so these transactions commit on failure too.
  const begun = await withAuthFlow(request, (tx, ctx) => beginLogin(tx, ctx, submission.value), { keepWritesOnFailure: true });
  if (!begun.ok) return rejectSubmission(submission, begun);
  const passwordOk = await verifyPassword(begun.value.passwordHash, submission.value.password);
  return withAuthFlow(
    request,
    async (tx, ctx, rescope) => {
      const result = await finishLogin(tx, ctx, rescope, begun.value, passwordOk, request.headers.get("user-agent"));
      if (!result.ok) return rejectSubmission(submission, result);
      if ("challenge" in result.value)
        return redirect(secondFactorStepPath, { headers: { "Set-Cookie": await commitChallengeCookie(result.value.challenge) } });
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
