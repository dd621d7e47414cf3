import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import {
  createStripeAccount,
  onboardingLink,
  onlinePaymentsEnabled,
  paymentAccountOf,
  recordAccountState,
  recordStripeAccount,
  retrieveStripeAccount,
} from "~/modules/payments/stripe.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { Notice } from "~/ui/form";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "payments.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const source = { request, context };
  const account = await withTenant(source, params.slug, "payments:setup", async (tx, ctx) =>
    onlinePaymentsEnabled() ? paymentAccountOf(tx, ctx.tenant.id) : null,
  );
  if (!onlinePaymentsEnabled()) return { enabled: false, account: null };
  // Back from Stripe's onboarding (?refresh=1): read the account from Stripe outside any transaction,
  // then record it (decision 010).
  if (!account || !new URL(request.url).searchParams.has("refresh")) return { enabled: true, account };
  const state = await retrieveStripeAccount(account.stripeAccountId);
  if (!state) return { enabled: true, account };
  return { enabled: true, account: await withTenant(source, params.slug, "payments:setup", (tx, ctx) => recordAccountState(tx, ctx, state)) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Read, create at Stripe, record, link: no Stripe call inside a transaction (decision 010).
  const { ctx, account } = await withTenant(request, params.slug, "payments:setup", async (tx, ctx) => ({
    ctx,
    account: await paymentAccountOf(tx, ctx.tenant.id),
  }));
  let recorded = account;
  if (!recorded) {
    const created = await createStripeAccount(ctx.tenant);
    recorded = await withTenant(request, params.slug, "payments:setup", (tx, ctx) => recordStripeAccount(tx, ctx, created));
  }
  return redirect(await onboardingLink(ctx, recorded.stripeAccountId));
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
