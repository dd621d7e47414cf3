import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrderSummary } from "~/modules/payments/components/order-summary";
import { feeFindings } from "~/modules/committee/fee-audit.server";
import { findingSummary } from "~/modules/committee/digest.server";
import { translator } from "~/i18n/i18n";
import { getOrder } from "~/modules/payments/orders.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { titleFrom } from "~/ui/page-title";

// Evidence for an order finding: the order as the committee sees it (read only).
export const handle = titleFrom<typeof loader>((data, t) => `${t("orders.order")} ${data.order.number}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", async (tx, ctx) => {
    const found = await getOrder(tx, ctx, params.orderId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    // The audit's verdict on this order: the same findings as /committee/fees, for this order only.
    const t = translator(ctx.locale);
    const findings = (await feeFindings(tx, { tenantId: found.order.tenantId, entityId: found.order.id })).map((f) => ({
      key: f.key,
      type: f.type,
      summary: findingSummary(t, f, ctx.locale),
    }));
    return { ...found, findings };
  });
}

export default function CommitteeOrder() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">
        {t("orders.order")} <span className="font-mono">{data.order.number}</span>
      </h1>
      <section
        data-testid="order-audit"
        data-consistent={data.findings.length === 0}
        className={`max-w-2xl rounded border p-4 text-sm ${data.findings.length ? "border-red-200 bg-red-50" : "border-green-200 bg-green-50"}`}
      >
        <h2 className="mb-1 font-semibold">{t("committee.orderAudit")}</h2>
        {data.findings.length === 0 ? (
          <p>{t("committee.orderConsistent")}</p>
        ) : (
          <ul className="list-disc pl-5">
            {data.findings.map((f) => (
              <li key={f.key}>
                <strong>{t(`committee.findingTypes.${f.type}`)}</strong> · {f.summary}
              </li>
            ))}
          </ul>
        )}
      </section>
      <OrderSummary data={data} />
    </div>
  );
}
