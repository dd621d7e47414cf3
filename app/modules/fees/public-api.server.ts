import type { TFunction } from "i18next";
import type { Locale } from "~/i18n/i18n";
import type { ExportColumn } from "~/ui/export.server";
import { formatDateTime, formatFen } from "~/ui/format";
import type { PublicDisclosure } from "./public.server";

/** The public API's shape of a disclosure (GET /api/v1/fee-disclosures). */
export function apiDisclosure(d: PublicDisclosure) {
  return {
    id: d.id,
    organization: { slug: d.organizationSlug, name: d.organizationName },
    certificate: { code: d.certificateCode, name: d.certificateNameZh },
    level: d.level,
    kind: d.kind,
    amountFen: d.amountFen,
    currency: "CNY" as const,
    unit: d.unit,
    effectiveFrom: d.effectiveFrom,
    effectiveUntil: d.effectiveUntil,
    publishedAt: d.publishedAt,
    supersedesId: d.supersedesId,
    status: d.status,
  };
}

/** The API's JSON, readable from any origin; caching and the ETag come from publicResource (decision 026). */
export function publicJson(body: unknown) {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*" },
  });
}

export function publicFeeColumns(t: TFunction, locale: Locale): ExportColumn<PublicDisclosure>[] {
  return [
    { header: t("fees.organization"), value: (d) => d.organizationName, width: 30 },
    { header: t("fees.certificateCode"), value: (d) => d.certificateCode, width: 16 },
    { header: t("fees.certificate"), value: (d) => (locale === "en" ? d.certificateNameEn : d.certificateNameZh), width: 24 },
    { header: t("fees.level"), value: (d) => t(`certificates.levelNames.${d.level}`) },
    { header: t("fees.kind"), value: (d) => t(`fees.kinds.${d.kind}`) },
    { header: t("fees.amountFen"), value: (d) => d.amountFen },
    { header: t("fees.amount"), value: (d) => formatFen(d.amountFen, locale) },
    { header: t("fees.unit"), value: (d) => t(`fees.units.${d.unit}`) },
    { header: t("fees.effectiveFrom"), value: (d) => d.effectiveFrom },
    { header: t("fees.effectiveUntil"), value: (d) => d.effectiveUntil ?? "" },
    { header: t("fees.state"), value: (d) => t(`fees.states.${d.status}`) },
    { header: t("fees.publishedAt"), value: (d) => formatDateTime(d.publishedAt, locale), width: 20 },
    { header: t("fees.includes"), value: (d) => d.includes, width: 30 },
    { header: t("fees.contact"), value: (d) => d.contact, width: 24 },
    { header: "ID", value: (d) => d.id, width: 38 },
  ];
}
