import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { formatDateTime, formatDay, formatFen } from "~/ui/format";

interface OrderData {
  order: {
    number: string;
    level: string;
    examSite: string;
    examDate: string;
    orderDate: string;
    headcount: number;
    unitPriceFen: number;
    totalFen: number;
    refundedFen: number;
    status: string;
    contactEmail: string;
  };
  organizationName: string;
  organizationNameEn: string | null;
  certificateCode: string | null;
  certificateNameZh: string | null;
  certificateNameEn: string | null;
  paidFen: number;
  payments: { id: string; method: string; status: string; amountFen: number; bankReference: string | null; createdAt: string | Date }[];
  refunds: { id: string; amountFen: number; reason: string; createdAt: string | Date }[];
}

/** An order with its payments and refunds: the school's, the organization's and the committee's view. */
export function OrderSummary({ data }: { data: OrderData }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const { order } = data;
  return (
    <div className="space-y-4">
      <dl className="grid max-w-2xl grid-cols-[10rem_1fr] gap-2 rounded border border-gray-200 bg-white p-6 text-sm">
        <dt className="text-gray-600">{t("orders.status")}</dt>
        <dd className="font-semibold" data-testid="order-status">
          {t(`orders.statuses.${order.status}`)}
        </dd>
        <dt className="text-gray-600">{t("orders.organization")}</dt>
        <dd>{(locale === "en" && data.organizationNameEn) || data.organizationName}</dd>
        <dt className="text-gray-600">{t("orders.certificate")}</dt>
        <dd>
          {(locale === "en" ? data.certificateNameEn : data.certificateNameZh) ?? data.certificateCode} · {t(`certificates.levelNames.${order.level}`)}
        </dd>
        <dt className="text-gray-600">{t("orders.examSite")}</dt>
        <dd>{order.examSite}</dd>
        <dt className="text-gray-600">{t("orders.examDate")}</dt>
        <dd>{formatDay(order.examDate, locale)}</dd>
        <dt className="text-gray-600">{t("orders.orderDate")}</dt>
        <dd>{formatDay(order.orderDate, locale)}</dd>
        <dt className="text-gray-600">{t("orders.unitPrice")}</dt>
        <dd>{formatFen(order.unitPriceFen, locale)}</dd>
        <dt className="text-gray-600">{t("orders.headcount")}</dt>
        <dd>{order.headcount}</dd>
        <dt className="text-gray-600">{t("orders.total")}</dt>
        <dd className="text-lg font-semibold" data-testid="order-total">
          {formatFen(order.totalFen, locale)}
        </dd>
        <dt className="text-gray-600">{t("orders.paid")}</dt>
        <dd>{formatFen(data.paidFen, locale)}</dd>
        {order.refundedFen > 0 ? (
          <>
            <dt className="text-gray-600">{t("orders.refunded")}</dt>
            <dd>{formatFen(order.refundedFen, locale)}</dd>
          </>
        ) : null}
      </dl>
      {data.payments.length > 0 ? (
        <div>
          <h2 className="mb-2 font-semibold">{t("orders.payments")}</h2>
          <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white text-sm">
            {data.payments.map((p) => (
              <li key={p.id} className="flex justify-between px-3 py-2">
                <span>
                  {t(`orders.methods.${p.method}`)} · {formatFen(p.amountFen, locale)}
                  {p.bankReference ? ` · ${t("orders.reference")} ${p.bankReference}` : ""}
                </span>
                <span>
                  {t(`orders.paymentStatuses.${p.status}`)} · {formatDateTime(p.createdAt, locale)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {data.refunds.length > 0 ? (
        <div>
          <h2 className="mb-2 font-semibold">{t("orders.refunds")}</h2>
          <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white text-sm">
            {data.refunds.map((r) => (
              <li key={r.id} className="flex justify-between px-3 py-2">
                <span>
                  {formatFen(r.amountFen, locale)} · {r.reason}
                </span>
                <span>{formatDateTime(r.createdAt, locale)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
