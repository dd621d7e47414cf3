import type { TFunction } from "i18next";
import type { Tx } from "../../db/client.server";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import { listAudit } from "~/modules/audit/audit.server";
import { certificateFilterSchema } from "~/modules/certificates/schemas";
import { listCertificates } from "~/modules/certificates/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { listMembers } from "~/modules/tenancy/service.server";
import type { ExportColumn } from "~/ui/export.server";
import { formatDate, formatDateTime } from "~/ui/format";

// Every workspace list that can be exported, served by the one route /w/:slug/export/:list.
// A capability adds its lists here: the same permission and query as its page, without paging.
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
  audit: define({
    permission: "audit:read",
    load: async (tx, ctx) => (await listAudit(tx, ctx.tenant.id, { limit: exportLimit })).rows,
    columns: (t, locale) => [
      { header: t("audit.at"), value: (r) => formatDateTime(r.at, locale), width: 20 },
      { header: t("audit.actor"), value: (r) => r.actorEmail ?? "", width: 28 },
      { header: t("audit.action"), value: (r) => r.action, width: 24 },
      { header: t("audit.entity"), value: (r) => `${r.entityType} ${r.entityId ?? ""}`.trim(), width: 44 },
      { header: t("audit.requestId"), value: (r) => r.requestId ?? "", width: 38 },
    ],
  }),
};

export function exportColumns(list: ListExport<unknown>, locale: Locale) {
  return list.columns(translator(locale), locale);
}
