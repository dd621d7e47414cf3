import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { disclosableCertificates } from "~/modules/fees/disclosures.server";
import { feeNotice, fenAsYuan } from "~/modules/fees/notice.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay, shanghaiDate } from "~/ui/format";
import { titleFrom } from "~/ui/page-title";

// 收费公示 to print (issue 19 item 6): A4, outside the workspace layout (`w.$slug_`), print CSS only;
// the certificate filter is a plain GET form. Each fee's QR code opens its live public record.
export const handle = titleFrom<typeof loader>((data, t) => `${t("smart.notice.title")} · ${data.organization.name}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "fees:read", async (tx, ctx) => {
    const requested = new URL(request.url).searchParams.get("certificate") ?? "";
    const certificates = await disclosableCertificates(tx, ctx);
    // An unknown certificate is a 404, not an empty notice that could be printed as "no fees".
    if (requested && !certificates.some((c) => c.id === requested)) throw new Response("Not found", { status: 404 });
    const day = shanghaiDate();
    const notice = await feeNotice(tx, ctx, request, day, requested || undefined);
    return { ...notice, day, certificates: certificates.map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn })) };
  });
}

const printCss = `
@page { size: A4; margin: 15mm; }
@media print {
  html, body { background: #fff !important; }
  .fee-notice { max-width: none !important; padding: 0 !important; box-shadow: none !important; }
  .fee-notice tr { break-inside: avoid; }
}`;

export default function FeeNotice() {
  const { organization, fees, day, certificates, certificateId } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  return (
    <article className="fee-notice mx-auto max-w-[210mm] bg-white p-8 text-sm text-black">
      <style>{printCss}</style>
      <Form method="get" className="no-print mb-6 flex flex-wrap items-end gap-2 rounded border border-gray-200 bg-gray-50 p-3">
        <p className="w-full text-gray-700">{t("smart.notice.lead")}</p>
        <label>
          {t("smart.notice.certificate")}
          <select name="certificate" defaultValue={certificateId ?? ""} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("smart.notice.allCertificates")}</option>
            {certificates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code} {en ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
          {t("smart.notice.show")}
        </button>
      </Form>
      <header className="mb-4 text-center">
        <h1 className="text-2xl font-bold tracking-wide">{t("smart.notice.heading")}</h1>
      </header>
      <dl className="mb-4 grid grid-cols-[10rem_1fr] gap-1">
        <dt>{t("smart.notice.organization")}</dt>
        <dd data-testid="notice-organization">{(en && organization.nameEn) || organization.name}</dd>
        <dt>{t("smart.notice.creditCode")}</dt>
        <dd className="font-mono" data-testid="notice-credit-code">
          {organization.creditCode ?? t("smart.notice.noCreditCode")}
        </dd>
        <dt>{t("smart.notice.date")}</dt>
        <dd data-testid="notice-date">{formatDay(day, locale)}</dd>
      </dl>
      {fees.length === 0 ? (
        <p className="border border-gray-400 p-4 text-center">{t("smart.notice.empty")}</p>
      ) : (
        <table className="w-full border-collapse text-left">
          <thead>
            <tr>
              <th className="border border-gray-500 px-2 py-1">{t("smart.notice.certificate")}</th>
              <th className="border border-gray-500 px-2 py-1">{t("smart.notice.level")}</th>
              <th className="border border-gray-500 px-2 py-1">{t("smart.notice.kind")}</th>
              <th className="border border-gray-500 px-2 py-1 text-right">{t("smart.notice.amount")}</th>
              <th className="border border-gray-500 px-2 py-1">{t("smart.notice.unit")}</th>
              <th className="border border-gray-500 px-2 py-1">{t("smart.notice.effective")}</th>
              <th className="border border-gray-500 px-2 py-1 text-center">{t("smart.notice.qr")}</th>
            </tr>
          </thead>
          <tbody>
            {fees.map((fee) => (
              <tr key={fee.id} className="align-middle" data-testid="notice-fee" data-url={fee.url}>
                <td className="border border-gray-500 px-2 py-1">
                  <span className="font-mono">{fee.certificateCode}</span> {en ? fee.certificateNameEn : fee.certificateNameZh}
                </td>
                <td className="border border-gray-500 px-2 py-1">{t(`certificates.levelNames.${fee.level}`)}</td>
                <td className="border border-gray-500 px-2 py-1">
                  {t(`fees.kinds.${fee.kind}`)}
                  {fee.kind === "teacher_training" ? <span className="block text-xs font-semibold">{t("smart.notice.voluntary")}</span> : null}
                </td>
                <td className="border border-gray-500 px-2 py-1 text-right font-mono">{fenAsYuan(fee.amountFen)}</td>
                <td className="border border-gray-500 px-2 py-1">{t(`fees.units.${fee.unit}`)}</td>
                <td className="border border-gray-500 px-2 py-1">
                  {fee.effectiveUntil
                    ? t("smart.notice.fromUntil", { from: formatDay(fee.effectiveFrom, locale), until: formatDay(fee.effectiveUntil, locale) })
                    : t("smart.notice.from", { date: formatDay(fee.effectiveFrom, locale) })}
                </td>
                <td className="border border-gray-500 px-1 py-1">
                  {/* Rendered on the server from the record's own public address (qrcode): no user input inside. */}
                  <div role="img" aria-label={t("smart.notice.qrTitle")} className="mx-auto w-24" dangerouslySetInnerHTML={{ __html: fee.qrSvg }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <footer className="mt-4 text-xs text-gray-700">{t("smart.notice.footer")}</footer>
    </article>
  );
}
