import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { onboardingLink, onlinePaymentsEnabled, paymentAccountOf, refreshAccount } from "~/modules/payments/stripe.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { Notice } from "~/ui/form";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "payments.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "payments:setup", async (tx, ctx) => {
    if (!onlinePaymentsEnabled()) return { enabled: false, account: null };
    const refresh = new URL(request.url).searchParams.has("refresh");
    const account = refresh ? await refreshAccount(tx, ctx) : await paymentAccountOf(tx, ctx.tenant.id);
    return { enabled: true, account };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "payments:setup", async (tx, ctx) => redirect(await onboardingLink(tx, ctx)));
}

export default function Payments() {
  const { enabled, account } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold">{t("payments.title")}</h1>
      {!enabled ? (
        <Notice>{t("payments.disabled")}</Notice>
      ) : (
        <>
          <p className="text-sm text-gray-600">{t("payments.lead")}</p>
          {account ? (
            <dl className="grid grid-cols-[12rem_1fr] gap-2 rounded border border-gray-200 bg-white p-4 text-sm">
              <dt className="text-gray-600">{t("payments.account")}</dt>
              <dd className="font-mono">{account.stripeAccountId}</dd>
              <dt className="text-gray-600">{t("payments.chargesEnabled")}</dt>
              <dd>{account.chargesEnabled ? t("payments.yes") : t("payments.no")}</dd>
              <dt className="text-gray-600">{t("payments.methods")}</dt>
              <dd>{account.paymentMethods.map((m) => t(`payments.method.${m}`)).join(" · ")}</dd>
            </dl>
          ) : null}
          <Form method="post">
            <button type="submit" className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800">
              {account ? t("payments.continueOnboarding") : t("payments.connect")}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}
