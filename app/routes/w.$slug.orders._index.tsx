import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { listOrders } from "~/modules/payments/orders.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay, formatFen } from "~/ui/format";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "orders.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "orders:read", async (tx, ctx) => ({
    orders: await listOrders(tx, ctx),
    kind: ctx.tenant.kind,
    canOrder: ctx.permissions.includes("orders:create"),
  }));
}

export default function Orders() {
  const { orders, kind, canOrder } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("orders.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="orders" />
          {canOrder ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("orders.new")}
            </Link>
          ) : null}
        </div>
      </div>
      {orders.length === 0 ? (
        <EmptyState>{kind === "school" ? t("orders.emptySchool") : t("orders.emptyOrganization")}</EmptyState>
      ) : (
        <Table
          caption={t("orders.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("orders.number")}</th>
              <th className="px-3 py-2">{kind === "school" ? t("orders.organization") : t("orders.school")}</th>
              <th className="px-3 py-2">{t("orders.certificate")}</th>
              <th className="px-3 py-2">{t("orders.examDate")}</th>
              <th className="px-3 py-2 text-right">{t("orders.headcount")}</th>
              <th className="px-3 py-2 text-right">{t("orders.total")}</th>
              <th className="px-3 py-2">{t("orders.status")}</th>
            </tr>
          }
        >
          {orders.map((row) => (
            <tr key={row.order.id}>
              <td className="px-3 py-2 font-mono text-xs">
                <Link to={row.order.id} className="text-blue-700 hover:underline">
                  {row.order.number}
                </Link>
              </td>
              <td className="px-3 py-2">
                {kind === "school" ? (
                  (locale === "en" && row.organizationNameEn) || row.organizationName
                ) : (
                  <>
                    {(locale === "en" && row.schoolNameEn) || row.schoolName}
                    <span className="block text-xs text-gray-500">{row.order.contactEmail}</span>
                  </>
                )}
              </td>
              <td className="px-3 py-2">
                {row.certificateCode} · {t(`certificates.levelNames.${row.order.level}`)}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatDay(row.order.examDate, locale)}</td>
              <td className="px-3 py-2 text-right">{row.order.headcount}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right">{formatFen(row.order.totalFen, locale)}</td>
              <td className="px-3 py-2">{t(`orders.statuses.${row.order.status}`)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
