import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { commitSessionCookie } from "~/modules/auth/session.server";
import { completeSignUp, findVerification } from "~/modules/auth/signup.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { ErrorList, Notice, SubmitButton } from "~/ui/form";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "admission.verify.title", meta: [{ name: "referrer", content: "no-referrer" }] };

// Step 2 of sign-up (decision 041). Opening the link changes nothing (mail scanners open links too):
// the page asks for a confirmation, whose post claims the link and creates the workspace.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return withAuthFlow(request, async (tx) => {
    const found = await findVerification(tx, params.token ?? "");
    if (!found) return json({ signup: null }, { status: 410 });
    return { signup: { email: found.email, kind: found.kind, tenantName: found.tenantName, slug: found.slug, creditCode: found.creditCode } };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx, rescope) => {
    const result = await completeSignUp(tx, ctx, rescope, params.token ?? "", request.headers.get("user-agent"));
    if (!result.ok) return json({ formErrors: result.formErrors }, { status: result.status });
    return redirect(`/w/${result.value.tenant.slug}`, { headers: { "Set-Cookie": await commitSessionCookie(result.value.token) } });
  });
}

export default function VerifySignUp() {
  const { t } = useTranslation();
  const { signup } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!signup)
    return (
      <div className="mx-auto max-w-md">
        <h1 className="mb-4 text-2xl font-bold">{t("admission.verify.invalidTitle")}</h1>
        <Notice tone="error">{t("admission.verify.invalid")}</Notice>
        <Link to="/signup" className="text-blue-700 hover:underline">
          {t("admission.verify.again")}
        </Link>
      </div>
    );
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">{t("admission.verify.title")}</h1>
      <p className="mb-4 text-sm text-gray-600">{t("admission.verify.lead", { email: signup.email })}</p>
      <dl className="mb-6 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded border border-gray-200 bg-white p-4 text-sm">
        <dt className="text-gray-500">{t("admission.verify.kind")}</dt>
        <dd>{t(`tenantKinds.${signup.kind}`)}</dd>
        <dt className="text-gray-500">{t("admission.verify.tenantName")}</dt>
        <dd>{signup.tenantName}</dd>
        <dt className="text-gray-500">{t("admission.verify.slug")}</dt>
        <dd>/w/{signup.slug}</dd>
        <dt className="text-gray-500">{t("admission.verify.creditCode")}</dt>
        <dd>{signup.creditCode}</dd>
      </dl>
      <Form method="post" id="verify-signup">
        <ErrorList errors={actionData?.formErrors} />
        <SubmitButton>{t("admission.verify.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
