import type { TFunction } from "i18next";
import type { Tx } from "../../db/client.server";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import { auditActionLabel, auditEntityLabel } from "~/modules/audit/actions";
import { listAudit } from "~/modules/audit/audit.server";
import { certificateFilterSchema } from "~/modules/certificates/schemas";
import { listCertificates } from "~/modules/certificates/service.server";
import { credentialFilterSchema } from "~/modules/credentials/schemas";
import { listCredentials } from "~/modules/credentials/service.server";
import { supervisionExports } from "~/modules/evaluations/exports.server";
import { listOrgDisclosures } from "~/modules/fees/disclosures.server";
import { materialFilterSchema } from "~/modules/materials/schemas";
import { listMaterials } from "~/modules/materials/service.server";
import { listOrders } from "~/modules/payments/orders.server";
import { schoolExports } from "~/modules/school/exports.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { listMembers } from "~/modules/tenancy/service.server";
import type { ExportColumn } from "~/ui/export.server";
import { formatDate, formatDateTime, formatDay } from "~/ui/format";
import { fenToYuanInput } from "~/ui/money";

// Every workspace list that can be exported, served by the one route /w/:slug/export/:list.
// A capability adds its lists here: the same permission and query as its page, without paging.
// Money goes out as plain yuan numbers (the header says 元) so a spreadsheet can sum it.
export interface ListExport<Row> {
  permission: Permission;
  load: (tx: Tx, ctx: TenantContext, query: URLSearchParams) => Promise<Row[]>;
  columns: (t: TFunction, locale: Locale) => ExportColumn<Row>[];
}

function define<Row>(list: ListExport<Row>) {
  return list as ListExport<unknown>;
}

const exportLimit = 100_000;

export const workspaceExports: Record<string, ListExport<unknown>> = {
  ...schoolExports,
  ...supervisionExports,
  certificates: define({
    permission: "certificates:read",
    load: async (tx, ctx, query) =>
      (await listCertificates(tx, ctx, { ...certificateFilterSchema.parse(Object.fromEntries(query)), cursor: undefined }, exportLimit)).rows,
    columns: (t, locale) => [
      { header: t("certificates.code"), value: (c) => c.code, width: 16 },
      { header: t("certificates.nameZh"), value: (c) => c.nameZh, width: 24 },
      { header: t("certificates.nameEn"), value: (c) => c.nameEn, width: 32 },
      { header: t("certificates.industry"), value: (c) => c.industryCode },
      { header: t("certificates.levels"), value: (c) => c.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/") },
      { header: t("certificates.status"), value: (c) => t(`certificates.statuses.${c.status}`) },
      { header: t("certificates.updatedAt"), value: (c) => formatDateTime(c.updatedAt, locale), width: 20 },
    ],
  }),
  members: define({
    permission: "members:read",
    load: (tx, ctx) => listMembers(tx, ctx),
    columns: (t, locale) => [
      { header: t("fields.name"), value: (m) => m.name, width: 20 },
      { header: t("fields.email"), value: (m) => m.email, width: 32 },
      { header: t("members.role"), value: (m) => t(`roles.${m.role}`) },
      { header: t("members.joined"), value: (m) => formatDate(m.createdAt, locale) },
    ],
  }),
  fees: define({
    permission: "fees:read",
    load: (tx, ctx) => listOrgDisclosures(tx, ctx).limit(exportLimit),
    columns: (t, locale) => [
      { header: t("fees.certificateCode"), value: (d) => d.certificateCode, width: 16 },
      { header: t("fees.level"), value: (d) => t(`certificates.levelNames.${d.level}`) },
      { header: t("fees.kind"), value: (d) => t(`fees.kinds.${d.kind}`), width: 14 },
      { header: t("fees.amountYuan"), value: (d) => fenToYuanInput(d.amountFen) },
      { header: t("fees.unit"), value: (d) => t(`fees.units.${d.unit}`) },
      { header: t("fees.effectiveFrom"), value: (d) => formatDay(d.effectiveFrom, locale), width: 14 },
      { header: t("fees.effectiveUntil"), value: (d) => (d.effectiveUntil ? formatDay(d.effectiveUntil, locale) : ""), width: 14 },
      { header: t("fees.state"), value: (d) => t(`fees.states.${d.state}`) },
      { header: t("fees.publishedAt"), value: (d) => (d.publishedAt ? formatDateTime(d.publishedAt, locale) : ""), width: 20 },
      { header: t("fees.includes"), value: (d) => d.includes, width: 40 },
    ],
  }),
  orders: define({
    permission: "orders:read",
    load: (tx, ctx) => listOrders(tx, ctx, exportLimit),
    columns: (t, locale) => [
      { header: t("orders.number"), value: (r) => r.order.number, width: 22 },
      { header: t("orders.organization"), value: (r) => (locale === "en" && r.organizationNameEn) || r.organizationName, width: 24 },
      { header: t("orders.school"), value: (r) => (locale === "en" && r.schoolNameEn) || r.schoolName || "", width: 28 },
      { header: t("orders.contactEmail"), value: (r) => r.order.contactEmail, width: 28 },
      { header: t("orders.certificate"), value: (r) => `${r.certificateCode ?? ""} · ${t(`certificates.levelNames.${r.order.level}`)}`, width: 24 },
      { header: t("orders.examSite"), value: (r) => r.order.examSite, width: 30 },
      { header: t("orders.examDate"), value: (r) => formatDay(r.order.examDate, locale), width: 14 },
      { header: t("orders.orderDate"), value: (r) => formatDay(r.order.orderDate, locale), width: 14 },
      { header: t("orders.headcount"), value: (r) => r.order.headcount },
      { header: t("orders.unitPriceYuan"), value: (r) => fenToYuanInput(r.order.unitPriceFen) },
      { header: t("orders.totalYuan"), value: (r) => fenToYuanInput(r.order.totalFen) },
      { header: t("orders.paidYuan"), value: (r) => fenToYuanInput(r.paidFen) },
      { header: t("orders.refundedYuan"), value: (r) => fenToYuanInput(r.order.refundedFen) },
      { header: t("orders.status"), value: (r) => t(`orders.statuses.${r.order.status}`) },
    ],
  }),
  materials: define({
    permission: "certificates:read",
    load: async (tx, ctx, query) =>
      (await listMaterials(tx, ctx, { ...materialFilterSchema.parse(Object.fromEntries(query)), cursor: undefined }, exportLimit)).rows,
    columns: (t, locale) => [
      { header: t("materials.materialTitle"), value: (m) => m.title, width: 36 },
      { header: t("materials.kind"), value: (m) => t(`materials.kinds.${m.kind}`), width: 14 },
      { header: t("materials.certificate"), value: (m) => m.certificateCode, width: 16 },
      { header: t("materials.isbn"), value: (m) => m.isbn ?? "", width: 16 },
      { header: t("materials.publisher"), value: (m) => m.publisher, width: 20 },
      { header: t("materials.schoolEditor"), value: (m) => m.schoolEditor, width: 24 },
      { header: t("materials.enterpriseEditor"), value: (m) => m.enterpriseEditor, width: 24 },
      { header: t("materials.levels"), value: (m) => m.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/") },
      { header: t("materials.requirements"), value: (m) => m.requirementIds.length },
      { header: t("materials.visibility"), value: (m) => t(`materials.visibilities.${m.visibility}`) },
      { header: t("materials.attachmentCount"), value: (m) => m.attachments },
      { header: t("materials.updatedAt"), value: (m) => formatDateTime(m.updatedAt, locale), width: 20 },
    ],
  }),
  // Holders and their credentials, one row per credential (the ID document only by its last 4).
  credentials: define({
    permission: "credentials:read",
    load: async (tx, ctx, query) =>
      (await listCredentials(tx, ctx, { ...credentialFilterSchema.parse(Object.fromEntries(query)), cursor: undefined }, exportLimit)).rows,
    columns: (t, locale) => [
      { header: t("credentials.number"), value: (c) => c.number, width: 20 },
      { header: t("credentials.holderName"), value: (c) => c.holderName, width: 14 },
      { header: t("credentials.idLast4"), value: (c) => c.idLast4 },
      { header: t("credentials.source"), value: (c) => t(`credentials.sources.${c.source}`), width: 14 },
      { header: t("credentials.employer"), value: (c) => c.employer, width: 28 },
      { header: t("credentials.contact"), value: (c) => c.contact, width: 20 },
      { header: t("credentials.role"), value: (c) => t(`credentials.roles.${c.role}`) },
      { header: t("credentials.certificate"), value: (c) => c.certificateCode, width: 16 },
      { header: t("credentials.levels"), value: (c) => c.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/") },
      { header: t("credentials.issuedOn"), value: (c) => formatDay(c.issuedOn, locale), width: 14 },
      { header: t("credentials.expiresOn"), value: (c) => formatDay(c.expiresOn, locale), width: 14 },
      { header: t("credentials.status"), value: (c) => t(`credentials.statuses.${c.status}`) },
      { header: t("credentials.statusReason"), value: (c) => c.statusReason, width: 30 },
    ],
  }),
  audit: define({
    permission: "audit:read",
    load: async (tx, ctx) => (await listAudit(tx, ctx.tenant.id, { limit: exportLimit })).rows,
    columns: (t, locale) => [
      { header: t("audit.at"), value: (r) => formatDateTime(r.at, locale), width: 20 },
      { header: t("audit.actor"), value: (r) => r.actorEmail ?? "", width: 28 },
      { header: t("audit.action"), value: (r) => auditActionLabel(t, r.action), width: 24 },
      { header: t("audit.actionKey"), value: (r) => r.action, width: 24 },
      { header: t("audit.entity"), value: (r) => auditEntityLabel(t, r.entityType), width: 16 },
      { header: t("audit.entityKey"), value: (r) => `${r.entityType} ${r.entityId ?? ""}`.trim(), width: 44 },
      { header: t("audit.requestId"), value: (r) => r.requestId ?? "", width: 38 },
    ],
  }),
};

export function exportColumns(list: ListExport<unknown>, locale: Locale) {
  return list.columns(translator(locale), locale);
}
