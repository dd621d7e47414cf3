import type { TFunction } from "i18next";
import type { Tx } from "../../../db/client.server";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import type { ExportColumn } from "~/ui/export.server";
import { formatDateTime } from "~/ui/format";
import { bankOverview, type BankOverviewRow, type MaterialsOverviewRow } from "./banks.server";
import { figureProviders, figureRows, type FigureRow } from "./dashboard.server";
import { figureFilterSchema, siteFilterSchema } from "./schemas";
import { siteLayout, type SiteLayoutRow } from "./sites.server";
import { listFilings } from "~/modules/school/filings.server";
import { listViolationReports } from "~/modules/school/violations.server";
import type { TenantContext } from "~/modules/tenancy/context.server";

type FilingRow = Awaited<ReturnType<typeof listFilings>>["rows"][number];
type ViolationRow = Awaited<ReturnType<typeof listViolationReports>>["rows"][number];

// Every committee list that can be exported, served by /committee/export/:list with the same query
// and filters as its page (paging dropped). Any committee member may export (role admin or member).
export interface CommitteeExport<Row> {
  load: (tx: Tx, query: URLSearchParams, ctx: TenantContext) => Promise<Row[]>;
  columns: (t: TFunction, locale: Locale) => ExportColumn<Row>[];
}

const exportLimit = 100_000;

function define<Row>(list: CommitteeExport<Row>) {
  return list as CommitteeExport<unknown>;
}

const name = (locale: Locale, zh: string, en: string | null) => (locale === "en" && en) || zh;

const figureExports = Object.fromEntries(
  figureProviders.map((provider) => [
    provider.key,
    define<FigureRow>({
      load: async (tx, query) => (await figureRows(tx, provider, figureFilterSchema.parse(Object.fromEntries(query)), 1, exportLimit)).rows,
      columns: (t, locale) => [
        { header: t("oversight.dashboard.dimensions.organization"), value: (r) => name(locale, r.organizationName, r.organizationNameEn), width: 30 },
        { header: t("oversight.dashboard.dimensions.district"), value: (r) => (r.district ? t(`credentials.districts.${r.district}`) : ""), width: 12 },
        { header: t("oversight.dashboard.dimensions.industry"), value: (r) => r.industryCode ?? "", width: 14 },
        {
          header: t("oversight.figureList.kind"),
          value: (r) => t(`oversight.kinds.${r.kind}`, { defaultValue: t(`committee.findingTypes.${r.kind}`, { defaultValue: r.kind }) }),
          width: 24,
        },
        { header: t("oversight.figureList.subject"), value: (r) => r.subject, width: 30 },
        { header: t("oversight.figureList.detail"), value: (r) => r.detail, width: 16 },
        { header: t("oversight.figureList.at"), value: (r) => (r.at ? formatDateTime(r.at, locale) : ""), width: 20 },
      ],
    }),
  ]),
);

export const committeeExports: Record<string, CommitteeExport<unknown>> = {
  ...figureExports,
  sites: define<SiteLayoutRow>({
    load: async (tx, query) => (await siteLayout(tx, siteFilterSchema.parse(Object.fromEntries(query)))).rows,
    columns: (t, locale) => [
      { header: t("oversight.sites.district"), value: (r) => t(`credentials.districts.${r.district}`), width: 12 },
      { header: t("oversight.sites.certificate"), value: (r) => `${r.certificateCode} ${name(locale, r.certificateNameZh, r.certificateNameEn)}`, width: 30 },
      { header: t("oversight.dashboard.dimensions.organization"), value: (r) => name(locale, r.organizationName, r.organizationNameEn), width: 30 },
      { header: t("oversight.sites.students"), value: (r) => r.students },
      { header: t("oversight.sites.sites"), value: (r) => r.sites },
      { header: t("oversight.sites.justified"), value: (r) => r.justified },
      { header: t("oversight.sites.capacity"), value: (r) => r.capacity },
      { header: t("oversight.sites.flag"), value: (r) => (r.flag ? t(`oversight.kinds.${r.flag}`) : ""), width: 20 },
    ],
  }),
  banks: define<BankOverviewRow>({
    load: async (tx, query) =>
      (await bankOverview(tx, { organization: query.get("organization") ?? undefined, flag: query.get("flag") ?? undefined })).rows.slice(0, exportLimit),
    columns: (t, locale) => [
      { header: t("committee.banks.organization"), value: (r) => name(locale, r.organizationName, r.organizationNameEn), width: 30 },
      {
        header: t("committee.banks.certificate"),
        value: (r) => (r.certificateCode ? `${r.certificateCode} ${name(locale, r.certificateNameZh ?? "", r.certificateNameEn)}` : ""),
        width: 30,
      },
      { header: t("committee.banks.level"), value: (r) => (r.level ? t(`certificates.levelNames.${r.level}`) : "") },
      { header: t("committee.banks.practice"), value: (r) => r.practice },
      { header: t("committee.banks.exam"), value: (r) => r.exam },
      { header: t("committee.banks.cases"), value: (r) => r.cases },
      { header: t("committee.banks.questionsUpdated"), value: (r) => (r.questionsUpdated ? formatDateTime(r.questionsUpdated, locale) : ""), width: 20 },
      { header: t("committee.banks.casesUpdated"), value: (r) => (r.casesUpdated ? formatDateTime(r.casesUpdated, locale) : ""), width: 20 },
      { header: t("oversight.banks.flag"), value: (r) => (r.flag ? t(`oversight.kinds.${r.flag}`) : ""), width: 16 },
    ],
  }),
  // The banks page's second table: materials per certificate (they are not per level).
  "bank-materials": define<MaterialsOverviewRow>({
    load: async (tx, query) => (await bankOverview(tx, { organization: query.get("organization") ?? undefined })).materials.slice(0, exportLimit),
    columns: (t, locale) => [
      { header: t("committee.banks.organization"), value: (r) => name(locale, r.organizationName, r.organizationNameEn), width: 30 },
      {
        header: t("committee.banks.certificate"),
        value: (r) => `${r.certificateCode} ${name(locale, r.certificateNameZh ?? "", r.certificateNameEn)}`,
        width: 30,
      },
      { header: t("committee.banks.materialCount"), value: (r) => r.materials },
      { header: t("committee.banks.updated"), value: (r) => formatDateTime(r.updated, locale), width: 20 },
    ],
  }),
  // The triage queues (items 3 and 4), as their pages list them.
  filings: define<FilingRow>({
    load: async (tx, query, ctx) => {
      const queue = query.get("queue") === "decided" ? "decided" : query.get("queue") === "all" ? undefined : "pending";
      return (await listFilings(tx, ctx, { all: true, queue }, exportLimit)).rows;
    },
    columns: (t, locale) => [
      { header: t("school.filings.school"), value: (r) => r.schoolName, width: 30 },
      { header: t("school.filings.certificate"), value: (r) => `${r.certificateName} · ${t(`certificates.levelNames.${r.level}`)}`, width: 30 },
      { header: t("school.filings.major"), value: (r) => `${r.majorCode} ${r.majorName}`, width: 30 },
      { header: t("school.filings.status"), value: (r) => t(`school.filings.statuses.${r.status}`), width: 14 },
      { header: t("school.filings.submittedAt"), value: (r) => (r.submittedAt ? formatDateTime(r.submittedAt, locale) : ""), width: 20 },
    ],
  }),
  violations: define<ViolationRow>({
    load: async (tx, _query, ctx) => (await listViolationReports(tx, ctx, { all: true }, exportLimit)).rows,
    columns: (t, locale) => [
      { header: t("school.violations.organization"), value: (r) => r.organizationName, width: 30 },
      { header: t("school.violations.category"), value: (r) => t(`school.violations.categories.${r.category}`), width: 24 },
      { header: t("school.violations.status"), value: (r) => t(`school.violations.statuses.${r.status}`), width: 14 },
      { header: t("school.violations.filedAt"), value: (r) => formatDateTime(r.createdAt, locale), width: 20 },
    ],
  }),
};

export function committeeExportColumns(list: CommitteeExport<unknown>, locale: Locale) {
  return list.columns(translator(locale), locale);
}
