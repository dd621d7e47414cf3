import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isLocale } from "~/i18n/i18n";
import { serializeLocale } from "~/i18n/locale.server";
import { secondFactorLoginSchema } from "~/modules/auth/second-factor-schemas";
import { answerLoginChallenge, clearChallengeCookie, findLoginChallenge, readChallengeToken } from "~/modules/auth/second-factor.server";
import { completeLogin } from "~/modules/auth/service.server";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Field, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

// The second step of a login (decision 031): the password matched and left a challenge cookie, not a
// session. Only a code from the app or a recovery code turns it into a session.

export const handle: RouteHandle = { title: "secondFactor.login.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  const token = await readChallengeToken(request);
  return withAuthFlow(request, async (tx) => {
    if (!(await findLoginChallenge(tx, token))) return redirect("/login");
    return { open: true };
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const token = await readChallengeToken(request);
  // Wrong codes must stay counted (a challenge ends after five), so this commits on failure too.
  return withAuthFlow(
    request,
    async (tx, ctx, rescope) => {
      const submission = await parseForm(request, secondFactorLoginSchema, ctx.locale);
      if (submission.status !== "success") return rejectSubmission(submission);
      const result = await answerLoginChallenge(tx, ctx, token, submission.value.code);
      if (!result.ok) return rejectSubmission(submission, result, ["code"]);
      const { user, redirectTo, method } = result.value;
      const session = await completeLogin(tx, ctx, rescope, user, request.headers.get("user-agent"), { secondFactor: method });
      const headers = new Headers();
      headers.append("Set-Cookie", await commitSessionCookie(session.token));
      headers.append("Set-Cookie", await clearChallengeCookie());
      if (!request.headers.get("cookie")?.includes("lng=") && isLocale(session.locale)) headers.append("Set-Cookie", await serializeLocale(session.locale));
      return redirect(redirectTo ?? session.home, { headers });
    },
    { keepWritesOnFailure: true },
  );
}

export default function SecondFactorLogin() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "second-factor-login",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    // A corrected code clears its message as it is typed: on blur, the form would shift under the click.
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: secondFactorLoginSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">{t("secondFactor.login.title")}</h1>
      <p className="mb-6 text-sm text-gray-700">{t("secondFactor.login.lead")}</p>
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        <Field label={t("secondFactor.login.code")} meta={fields.code} autoComplete="one-time-code" hint={t("secondFactor.login.codeHint")} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("secondFactor.login.submit")}</SubmitButton>
      </Form>
      <p className="mt-4 text-sm">
        <Link to="/login" className="text-blue-700 hover:underline">
          {t("secondFactor.login.restart")}
        </Link>
      </p>
    </div>
  );
}
