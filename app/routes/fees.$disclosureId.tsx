import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { DisclosureFacts } from "~/modules/fees/components/disclosure-facts";
import { feeHistory } from "~/modules/fees/public.server";
import { publicUrl, qrCodeSvg } from "~/modules/credentials/verify.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { formatDateTime, formatDay, formatFen } from "~/ui/format";
import { Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";
import { admissionBySlug } from "~/modules/admission/service.server";

export const handle = titleFrom<typeof loader>((data, t, en) => {
  const d = data.history[0];
  return d ? `${en ? d.certificateNameEn : d.certificateNameZh} · ${t(`certificates.levelNames.${d.level}`)} · ${t(`fees.kinds.${d.kind}`)}` : undefined;
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withPublic({ request, context }, async (tx) => {
    const history = await feeHistory(tx, params.disclosureId ?? "");
    if (!history) throw new Response("Not found", { status: 404 });
    // A suspended organization's page says so (decision 042); the same QR code as the printed fee
    // notice (issue 19 item 6): this record's own public address.
    const pageUrl = publicUrl(request, `/fees/${params.disclosureId}`);
    return { history, suspended: (await admissionBySlug(tx, history[0].organizationSlug)) === "suspended", pageUrl, qrSvg: await qrCodeSvg(pageUrl) };
  });
}

export default function FeeHistory() {
  const { history, suspended, pageUrl, qrSvg } = useLoaderData<typeof loader>();
  const { disclosureId } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const current = history.find((d) => d.id === disclosureId) ?? history[0];
  const en = locale === "en";
  // A scanned printout of an outdated fee: when it was superseded, and the fee in force now.
  const successor =
    current.status === "superseded"
      ? (history.find((d) => d.supersedesId === current.id && d.status !== "withdrawn") ?? history.find((d) => d.supersedesId === current.id))
      : undefined;
  const inForce = history.find((d) => d.status === "published" && d.id !== current.id);
  return (
    <div className="space-y-6">
      <Link to="/fees" className="text-sm text-blue-700 hover:underline">
        ← {t("fees.publicTitle")}
      </Link>
      <div>
        <p className="text-sm text-gray-600">{(en && current.organizationNameEn) || current.organizationName}</p>
        <h1 className="text-2xl font-bold">
          {en ? current.certificateNameEn : current.certificateNameZh} · {t(`certificates.levelNames.${current.level}`)} · {t(`fees.kinds.${current.kind}`)}
        </h1>
        <p className="mt-1 text-sm">{t(`fees.states.${current.status}`)}</p>
        {successor ? (
          <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="superseded-notice">
            {t("smart.notice.supersededBy", { date: formatDay(successor.effectiveFrom, locale) })}{" "}
            {inForce ? (
              <Link to={`/fees/${inForce.id}`} className="underline">
                {t("smart.notice.seeCurrent")}
              </Link>
            ) : null}
          </p>
        ) : null}
        {current.status === "withdrawn" && current.withdrawnFrom ? (
          <p className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-900">
            {t("smart.notice.withdrawnFrom", { date: formatDay(current.withdrawnFrom, locale) })}
          </p>
        ) : null}
      </div>
      {suspended ? (
        <p role="status" data-testid="organization-suspended" className="rounded border border-red-300 bg-red-50 px-4 py-3 text-red-900">
          {t("admission.public.suspended")}
        </p>
      ) : null}
      <DisclosureFacts disclosure={current} />
      <figure className="w-36 text-center text-xs text-gray-600">
        {/* Generated on the server from this record's own address (qrcode): no user input inside. */}
        <div role="img" aria-label={t("smart.notice.qrTitle")} data-testid="fee-qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
        <figcaption className="mt-1 break-all">{pageUrl}</figcaption>
      </figure>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("fees.historyTitle")}</h2>
        <Table
          caption={t("fees.historyTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fees.effective")}</th>
              <th className="px-3 py-2 text-right">{t("fees.amount")}</th>
              <th className="px-3 py-2">{t("fees.state")}</th>
              <th className="px-3 py-2">{t("fees.publishedAt")}</th>
            </tr>
          }
        >
          {history.map((d) => (
            <tr key={d.id} className={d.id === current.id ? "bg-blue-50" : undefined}>
              <td className="px-3 py-2">
                <Link to={`/fees/${d.id}`} className="text-blue-700 hover:underline">
                  {formatDay(d.effectiveFrom, locale)}
                  {d.effectiveUntil ? ` – ${formatDay(d.effectiveUntil, locale)}` : ""}
                </Link>
              </td>
              <td className="px-3 py-2 text-right">{formatFen(d.amountFen, locale)}</td>
              <td className="px-3 py-2">
                {t(`fees.states.${d.status}`)}
                {d.withdrawnFrom ? ` (${formatDay(d.withdrawnFrom, locale)})` : ""}
              </td>
              <td className="px-3 py-2">{formatDateTime(d.publishedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
