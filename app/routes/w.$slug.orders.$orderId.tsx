import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { OrderSummary } from "~/modules/payments/components/order-summary";
import { cancelOrder, checkRefund, confirmBankTransfer, getOrder, recordBankTransfer, recordRefund } from "~/modules/payments/orders.server";
import { orderActionSchema } from "~/modules/payments/schemas";
import {
  createCheckoutSession,
  onlinePaymentsEnabled,
  orderPaymentAccount,
  planCheckout,
  planOnlineRefund,
  recordCheckout,
  refundOnline,
} from "~/modules/payments/stripe.server";
import { withTenant } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { ErrorList, Notice } from "~/ui/form";
import { formatFen } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${t("orders.order")} ${data.order.number}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "orders:read", async (tx, ctx) => {
    const found = await getOrder(tx, ctx, params.orderId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const online = onlinePaymentsEnabled() && ctx.tenant.kind === "school" && Boolean((await orderPaymentAccount(tx, found.order))?.chargesEnabled);
    return {
      ...found,
      kind: ctx.tenant.kind,
      permissions: ctx.permissions,
      canPayOnline: online && found.order.status === "pending",
    };
  });
}

const intentPermission: Record<string, Permission> = {
  cancel: "orders:read",
  transfer: "orders:create",
  checkout: "orders:create",
  confirm: "payments:confirm",
  refund: "payments:confirm",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const id = params.orderId ?? "";
  // A refund and Checkout call Stripe between two transactions, never inside one (decision 010): the
  // first checks and plans, Stripe answers, the second records; the idempotency key makes a retry safe.
  const first = await withTenant(request, params.slug, "orders:read", async (tx, ctx) => {
    const submission = await parseForm(request, orderActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (!ctx.permissions.includes(intentPermission[input.intent])) throw new Response("Forbidden", { status: 403 });
    if (input.intent === "cancel" && !(ctx.permissions.includes("orders:create") || ctx.permissions.includes("payments:confirm")))
      throw new Response("Forbidden", { status: 403 });
    if (input.intent === "refund") {
      const checked = await checkRefund(tx, ctx, id, input);
      if (!checked.ok) return rejectSubmission(submission, checked);
      const { payment, refundedBefore } = checked.value;
      const online = payment.method === "stripe" ? await planOnlineRefund(tx, ctx.tenant.id, payment, input.amount, refundedBefore) : null;
      return { submission, refund: { input, online }, checkout: null };
    }
    if (input.intent === "checkout") {
      const planned = await planCheckout(tx, ctx, id);
      if (!planned.ok) return rejectSubmission(submission, planned);
      return { submission, refund: null, checkout: planned.value };
    }
    const result =
      input.intent === "cancel"
        ? await cancelOrder(tx, ctx, id)
        : input.intent === "transfer"
          ? await recordBankTransfer(tx, ctx, id, input)
          : await confirmBankTransfer(tx, ctx, id, input.paymentId);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), done: input.intent });
  });
  if (!("submission" in first)) return first;
  const { submission, checkout } = first;
  if (checkout) {
    const session = await createCheckoutSession(checkout);
    const recorded = await withTenant(request, params.slug, "orders:create", (tx, ctx) => recordCheckout(tx, ctx, checkout, session));
    if (!recorded.ok) return rejectSubmission(submission, recorded);
    return redirect(recorded.value);
  }
  if (!first.refund) throw new Error("unreachable: a plan is a refund or a checkout");
  const { input, online } = first.refund;
  const stripeRefundId = online ? await refundOnline(online) : null;
  const recorded = await withTenant(request, params.slug, "payments:confirm", (tx, ctx) => recordRefund(tx, ctx, id, input, stripeRefundId));
  if (!recorded.ok) return rejectSubmission(submission, recorded);
  return json({ result: submission.reply({ resetForm: true }), done: input.intent });
}

export default function Order() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const { order } = data;
  const can = (permission: Permission) => data.permissions.includes(permission);
  const pendingTransfers = data.payments.filter((p) => p.method === "bank_transfer" && p.status === "pending");
  const done = actionData && "done" in actionData ? actionData.done : null;
  const formErrors = actionData?.result && "error" in actionData.result ? actionData.result.error?.[""] : undefined;
  const fieldErrors = (name: string) => (actionData?.result && "error" in actionData.result ? actionData.result.error?.[name] : undefined);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">
        {t("orders.order")} <span className="font-mono">{order.number}</span>
      </h1>
      {searchParams.get("checkout") === "done" && order.status === "pending" ? <Notice>{t("orders.checkoutPending")}</Notice> : null}
      {done ? <Notice tone="success">{t(`orders.done.${done}`)}</Notice> : null}
      <ErrorList errors={formErrors} />
      <OrderSummary data={data} />

      {order.status === "pending" && can("orders:create") ? (
        <div className="grid gap-4 md:grid-cols-2">
          <Form method="post" className="rounded border border-gray-200 bg-white p-4">
            <h2 className="mb-2 font-semibold">{t("orders.payByTransfer")}</h2>
            <p className="mb-3 text-sm text-gray-600">{t("orders.transferLead", { total: formatFen(order.totalFen, locale) })}</p>
            <label className="mb-2 block text-sm">
              {t("orders.transferAmount")}
              <input
                name="amount"
                defaultValue={(order.totalFen / 100).toFixed(2)}
                className="mt-1 block w-full rounded border border-gray-300 px-3 py-2"
                aria-invalid={Boolean(fieldErrors("amount"))}
              />
            </label>
            <ErrorList errors={fieldErrors("amount")} />
            <label className="mb-3 block text-sm">
              {t("orders.transferReference")}
              <input name="reference" className="mt-1 block w-full rounded border border-gray-300 px-3 py-2" aria-invalid={Boolean(fieldErrors("reference"))} />
            </label>
            <ErrorList errors={fieldErrors("reference")} />
            <button type="submit" name="intent" value="transfer" className="rounded bg-blue-700 px-3 py-2 text-sm text-white hover:bg-blue-800">
              {t("orders.recordTransfer")}
            </button>
          </Form>
          <div className="space-y-3 rounded border border-gray-200 bg-white p-4">
            {data.canPayOnline ? (
              <Form method="post">
                <h2 className="mb-2 font-semibold">{t("orders.payOnline")}</h2>
                <p className="mb-3 text-sm text-gray-600">{t("orders.payOnlineLead")}</p>
                <button type="submit" name="intent" value="checkout" className="rounded bg-green-700 px-3 py-2 text-sm text-white hover:bg-green-800">
                  {t("orders.payOnline")}
                </button>
              </Form>
            ) : null}
            <Form method="post">
              <button type="submit" name="intent" value="cancel" className="text-sm text-red-700 hover:underline">
                {t("orders.cancel")}
              </button>
            </Form>
          </div>
        </div>
      ) : null}

      {can("payments:confirm") && pendingTransfers.length > 0 ? (
        <div className="rounded border border-gray-200 bg-white p-4">
          <h2 className="mb-2 font-semibold">{t("orders.confirmTransfers")}</h2>
          <ul className="space-y-2">
            {pendingTransfers.map((payment) => (
              <li key={payment.id} className="flex items-center justify-between gap-4 text-sm">
                <span>
                  {formatFen(payment.amountFen, locale)} · {t("orders.reference")} {payment.bankReference}
                </span>
                <Form method="post">
                  <input type="hidden" name="paymentId" value={payment.id} />
                  <button type="submit" name="intent" value="confirm" className="rounded bg-blue-700 px-3 py-1 text-white hover:bg-blue-800">
                    {t("orders.confirmReceived")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {can("payments:confirm") && order.status === "paid" ? (
        <Form method="post" className="max-w-xl rounded border border-gray-200 bg-white p-4">
          <h2 className="mb-2 font-semibold">{t("orders.refund")}</h2>
          <label className="mb-2 block text-sm">
            {t("orders.refundPayment")}
            <select name="paymentId" className="mt-1 block w-full rounded border border-gray-300 bg-white px-3 py-2">
              {data.payments
                .filter((p) => p.status === "succeeded")
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {t(`orders.methods.${p.method}`)} · {formatFen(p.amountFen, locale)}
                  </option>
                ))}
            </select>
          </label>
          <label className="mb-2 block text-sm">
            {t("orders.refundAmount")}
            <input name="amount" className="mt-1 block w-full rounded border border-gray-300 px-3 py-2" aria-invalid={Boolean(fieldErrors("amount"))} />
          </label>
          <ErrorList errors={fieldErrors("amount")} />
          <label className="mb-3 block text-sm">
            {t("orders.refundReason")}
            <input name="reason" className="mt-1 block w-full rounded border border-gray-300 px-3 py-2" aria-invalid={Boolean(fieldErrors("reason"))} />
          </label>
          <ErrorList errors={fieldErrors("reason")} />
          <button type="submit" name="intent" value="refund" className="rounded bg-red-700 px-3 py-2 text-sm text-white hover:bg-red-800">
            {t("orders.recordRefund")}
          </button>
        </Form>
      ) : null}
      {order.status === "pending" && can("payments:confirm") ? (
        <Form method="post">
          <button type="submit" name="intent" value="cancel" className="text-sm text-red-700 hover:underline">
            {t("orders.cancel")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
