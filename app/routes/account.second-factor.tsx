import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { disableSchema, enrolSchema, secondFactorActionSchema } from "~/modules/auth/second-factor-schemas";
import { confirmEnrolment, disableSecondFactor, newEnrolment, secondFactorStatus } from "~/modules/auth/second-factor.server";
import { withAuthFlow, type RequestContext } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { formatDateTime } from "~/ui/format";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";
import type { Locale } from "~/i18n/i18n";

// Enrolling, replacing and removing the second factor (decision 031). A credential change, so it runs
// in the auth scope like login; it is the one page (with logout and the language switch) a member who
// must enrol still reaches.

export const handle: RouteHandle = { title: "secondFactor.title" };

function signedIn(request: Request, ctx: RequestContext) {
  if (ctx.user) return ctx.user;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname)}`);
}

export async function loader({ request }: LoaderFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    const user = signedIn(request, ctx);
    const status = await secondFactorStatus(tx, user.id);
    if (status.enrolled) return { status, enrolment: null };
    const { secret, qrSvg, token } = await newEnrolment(user);
    return { status, enrolment: { secret, qrSvg, token } };
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    const user = signedIn(request, ctx);
    const submission = await parseForm(request, secondFactorActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission, undefined, ["proof"]);
    const signedInCtx = { ...ctx, user };
    if (submission.value.intent === "enrol") {
      const result = await confirmEnrolment(tx, signedInCtx, submission.value);
      if (!result.ok) return rejectSubmission(submission, result);
      return json({ result: submission.reply({ resetForm: true }), recoveryCodes: result.value.recoveryCodes });
    }
    const result = await disableSecondFactor(tx, signedInCtx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result, ["proof"]);
    return json({ result: submission.reply({ resetForm: true }), disabled: true });
  });
}

// A refused code keeps the secret on screen (a new one would not match what the app just scanned).
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === "object" && "recoveryCodes" in actionResult
    ? false
    : actionResult?.result?.status === "error"
      ? false
      : defaultShouldRevalidate;

export default function SecondFactor() {
  const { status, enrolment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const [enrolForm, enrolFields] = useForm({
    id: "second-factor-enrol",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    // A corrected code clears its message as it is typed: on blur, the form would shift under the click.
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: enrolSchema, error: zodErrorMap(t) }),
  });
  const [disableForm, disableFields] = useForm({
    id: "second-factor-disable",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    // A corrected code clears its message as it is typed: on blur, the form would shift under the click.
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: disableSchema, error: zodErrorMap(t) }),
  });
  const recoveryCodes = actionData && "recoveryCodes" in actionData ? (actionData.recoveryCodes as string[]) : null;

  if (recoveryCodes)
    return (
      <div className="mx-auto max-w-xl space-y-4">
        <h1 className="text-2xl font-bold">{t("secondFactor.title")}</h1>
        <Notice tone="success">{t("secondFactor.enrolled")}</Notice>
        <h2 className="text-lg font-semibold">{t("secondFactor.recovery.title")}</h2>
        <p className="text-sm text-gray-700">{t("secondFactor.recovery.lead")}</p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-2 rounded border border-gray-200 bg-white p-4 font-mono">
          {recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <Link to="/workspaces" className="inline-block rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800">
          {t("secondFactor.recovery.done")}
        </Link>
      </div>
    );

  return (
    <div className="mx-auto max-w-xl space-y-4">
      <h1 className="text-2xl font-bold">{t("secondFactor.title")}</h1>
      <p className="text-sm text-gray-700">{t("secondFactor.lead")}</p>
      {actionData && "disabled" in actionData ? <Notice tone="success">{t("secondFactor.disabled")}</Notice> : null}
      {status.enrolled ? (
        <>
          <p data-testid="second-factor-status">
            {t("secondFactor.status", { date: formatDateTime(new Date(status.enrolledAt), i18n.language as Locale), left: status.recoveryCodesLeft })}
          </p>
          <Form method="post" {...getFormProps(disableForm)} className="rounded border border-gray-200 bg-white p-6">
            <h2 className="mb-2 text-lg font-semibold">{t("secondFactor.disable.title")}</h2>
            <p className="mb-4 text-sm text-gray-700">{t("secondFactor.disable.lead")}</p>
            <input type="hidden" name="intent" value="disable" />
            <Field label={t("secondFactor.disable.proof")} meta={disableFields.proof} type="password" autoComplete="one-time-code" />
            <ErrorList id={disableForm.errorId} errors={disableForm.errors} />
            <SubmitButton variant="secondary">{t("secondFactor.disable.submit")}</SubmitButton>
          </Form>
        </>
      ) : enrolment ? (
        <Form method="post" {...getFormProps(enrolForm)} className="space-y-4 rounded border border-gray-200 bg-white p-6">
          <h2 className="text-lg font-semibold">{t("secondFactor.enrol.title")}</h2>
          <p className="text-sm text-gray-700">{t("secondFactor.enrol.scan")}</p>
          {/* Rendered on the server by `qrcode` from the otpauth:// URI: no script, no third party. */}
          <div className="h-48 w-48" role="img" aria-label={t("secondFactor.enrol.qr")} dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
          <p className="text-sm text-gray-700">
            {t("secondFactor.enrol.manual")}{" "}
            <code data-testid="totp-secret" className="break-all rounded bg-gray-100 px-1 font-mono">
              {enrolment.secret}
            </code>
          </p>
          <input type="hidden" name="intent" value="enrol" />
          <input type="hidden" name="token" value={enrolment.token} />
          <Field label={t("secondFactor.enrol.code")} meta={enrolFields.code} autoComplete="one-time-code" />
          <ErrorList id={enrolForm.errorId} errors={enrolForm.errors} />
          <SubmitButton>{t("secondFactor.enrol.submit")}</SubmitButton>
        </Form>
      ) : null}
      <Form method="post" action="/logout">
        <button type="submit" className="text-sm text-blue-700 hover:underline">
          {t("nav.logout")}
        </button>
      </Form>
    </div>
  );
}
