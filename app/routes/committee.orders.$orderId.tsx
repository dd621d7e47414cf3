import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrderSummary } from "~/modules/payments/components/order-summary";
import { getOrder } from "~/modules/payments/orders.server";
import { withCommittee } from "~/modules/tenancy/context.server";

// Evidence for an order finding: the order as the committee sees it (read only).
export async function loader({ request, params }: LoaderFunctionArgs) {
  return withCommittee(request, "committee:audit", async (tx, ctx) => {
    const found = await getOrder(tx, ctx, params.orderId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return found;
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
      <OrderSummary data={data} />
    </div>
  );
}
