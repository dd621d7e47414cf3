import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translator } from "~/i18n/i18n";
import { hashPassword } from "~/modules/auth/password.server";
import { readPasswordForm } from "~/modules/auth/password-strength.server";
import { acceptInvitationSchema } from "~/modules/auth/schemas";
import { findUserByEmail } from "~/modules/auth/service.server";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { acceptInvitation, findInvitation } from "~/modules/tenancy/service.server";
import { ErrorList, Field, Notice, SubmitButton } from "~/ui/form";
import { rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "join.page", meta: [{ name: "referrer", content: "no-referrer" }] };

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    const found = await findInvitation(tx, params.slug ?? "", params.token ?? "");
    // Used, withdrawn, expired or unknown: gone, and the page says so (410).
    if (!found) return json({ invitation: null }, { status: 410 });
    const { tenant, invitation } = found;
    const signedInAs = ctx.user?.email ?? null;
    return json({
      invitation: { email: invitation.email, role: invitation.role, tenantName: tenant.name, tenantNameEn: tenant.nameEn },
      signedInAs,
      accountExists: Boolean(await findUserByEmail(tx, invitation.email)),
    });
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { submission, locale, weak } = await readPasswordForm(request, acceptInvitationSchema);
  if (submission.status !== "success") return rejectSubmission(submission);
  // A new account's password: hashed only for a link that is still open, outside any transaction (F17).
  let passwordHash: string | null = null;
  if (submission.value.intent === "create") {
    if (weak) return rejectSubmission(submission, weak);
    const open = await withAuthFlow(request, async (tx) => Boolean(await findInvitation(tx, params.slug ?? "", params.token ?? "")));
    if (!open) return rejectSubmission(submission, { status: 410, formErrors: [translator(locale)("errors.invitationInvalid")] });
    passwordHash = await hashPassword(submission.value.password);
  }
  return withAuthFlow(request, async (tx, ctx, rescope) => {
    const result = await acceptInvitation(
      tx,
      ctx,
      rescope,
      params.slug ?? "",
      params.token ?? "",
      submission.value,
      request.headers.get("user-agent"),
      passwordHash,
    );
    if (!result.ok) return rejectSubmission(submission, result);
    const headers = new Headers();
    if (result.value.sessionToken) headers.append("Set-Cookie", await commitSessionCookie(result.value.sessionToken));
    return redirect(`/w/${result.value.tenant.slug}`, { headers });
  });
}

export default function Join() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const location = useLocation();
  const [form, fields] = useForm({
    id: "join",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: acceptInvitationSchema, error: zodErrorMap(t) }),
  });
  if (!data.invitation)
    return (
      <div className="mx-auto max-w-md space-y-3" data-testid="invitation-gone">
        <Notice tone="error">{t("errors.invitationInvalid")}</Notice>
        <p className="text-gray-700">{t("account.join.gone")}</p>
      </div>
    );
  const { invitation } = data;
  const tenantName = i18n.language === "en" && invitation.tenantNameEn ? invitation.tenantNameEn : invitation.tenantName;
  const sameAccount = data.signedInAs?.toLowerCase() === invitation.email.toLowerCase();
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">{t("join.title", { tenant: tenantName })}</h1>
      <p className="mb-6 text-gray-700">{t("join.lead", { email: invitation.email, role: t(`roles.${invitation.role}`) })}</p>
      <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-6">
        {sameAccount ? (
          <SubmitButton name="intent" value="join">
            {t("join.accept")}
          </SubmitButton>
        ) : data.accountExists ? (
          <p>
            {t("join.logInFirst")}{" "}
            <Link className="text-blue-700 hover:underline" to={`/login?redirectTo=${encodeURIComponent(location.pathname)}`}>
              {t("nav.login")}
            </Link>
          </p>
        ) : (
          <>
            <input type="hidden" name="intent" value="create" />
            <Field label={t("fields.name")} meta={fields.name} autoComplete="name" />
            <Field label={t("fields.password")} meta={fields.password} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
            <SubmitButton>{t("join.createAndAccept")}</SubmitButton>
          </>
        )}
        <ErrorList id={form.errorId} errors={form.errors} />
      </Form>
    </div>
  );
}
