import type { TFunction } from "i18next";
import type { Tx } from "../../../db/client.server";
import type { Locale } from "~/i18n/i18n";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { committeeTypicalCases, ownTypicalCases } from "~/modules/typical-cases/typical-cases.server";
import type { ExportColumn } from "~/ui/export.server";
import { formatDateTime } from "~/ui/format";
import { criteria } from "./criteria";
import { getEvaluation, listPeriods } from "./evaluations.server";

// The supervision's exportable lists (issue 17), joined into the workspace registry
// (app/modules/exports.server.ts): /w/committee/export/evaluation-periods, /w/committee/export/evaluation?period=<id>,
// /w/committee/export/typical-cases, and each submitter's own /w/<slug>/export/my-typical-cases.

interface ListExport<Row> {
  permission: Permission;
  load: (tx: Tx, ctx: TenantContext, query: URLSearchParams) => Promise<Row[]>;
  columns: (t: TFunction, locale: Locale) => ExportColumn<Row>[];
}

function define<Row>(list: ListExport<Row>) {
  return list as ListExport<unknown>;
}

type EvaluationRow = Awaited<ReturnType<typeof getEvaluation>>["organizations"][number];

export const supervisionExports: Record<string, ListExport<unknown>> = {
  "evaluation-periods": define({
    permission: "committee:review",
    load: (tx, ctx) => listPeriods(tx, ctx),
    columns: (t, locale) => [
      { header: t("supervision.evaluations.code"), value: (p) => p.code },
      { header: t("supervision.evaluations.periodTitle"), value: (p) => p.title, width: 40 },
      { header: t("supervision.evaluations.status"), value: (p) => t(`supervision.evaluations.statuses.${p.status}`) },
      { header: t("supervision.evaluations.finalizedAt"), value: (p) => (p.finalizedAt ? formatDateTime(p.finalizedAt, locale) : ""), width: 20 },
    ],
  }),
  evaluation: define<EvaluationRow>({
    permission: "committee:review",
    load: async (tx, ctx, query) => (await getEvaluation(tx, ctx, query.get("period") ?? "")).organizations,
    columns: (t) => [
      { header: t("supervision.evaluations.organization"), value: (r) => r.evidence.organizationName, width: 32 },
      { header: t("supervision.evidence.feeFindings"), value: (r) => r.evidence.feeFindings },
      { header: t("supervision.evidence.upheldViolations"), value: (r) => r.evidence.upheldViolations },
      { header: t("supervision.evidence.openViolations"), value: (r) => r.evidence.openViolations },
      { header: `${t("supervision.evidence.industryShare")} %`, value: (r) => r.evidence.industryShare },
      { header: t("supervision.evidence.bankFreshness"), value: (r) => r.evidence.bankUpdatedAt, width: 24 },
      { header: t("supervision.evidence.reportTimeliness"), value: (r) => `${r.evidence.reportsLate}/${r.evidence.reportsSubmitted}` },
      { header: t("supervision.evidence.filings"), value: (r) => `${r.evidence.filingsApproved}/${r.evidence.filingsPending}/${r.evidence.filingsRefused}` },
      ...criteria.map((c) => ({
        header: `${t(`supervision.criteria.${c}`)} · ${t("supervision.evaluations.mean")}`,
        value: (r: EvaluationRow) => r.means[c] ?? null,
      })),
      { header: t("supervision.evaluations.weighted"), value: (r) => r.result?.weightedScore ?? r.weighted },
      { header: t("supervision.evaluations.decision"), value: (r) => (r.result ? t(`supervision.decisions.${r.result.decision}`) : "") },
      { header: t("supervision.evaluations.note"), value: (r) => r.result?.note ?? "", width: 40 },
    ],
  }),
  "typical-cases": define({
    permission: "committee:review",
    load: async (tx) => (await committeeTypicalCases(tx, undefined, 100_000)).rows,
    columns: (t, locale) => [
      { header: t("supervision.typicalCases.caseTitle"), value: (c) => c.title, width: 40 },
      { header: t("supervision.typicalCases.submitter"), value: (c) => c.submitter, width: 32 },
      { header: t("supervision.typicalCases.mean"), value: (c) => (c.meanScore === null ? null : Number(c.meanScore)) },
      { header: t("supervision.typicalCases.status"), value: (c) => t(`supervision.typicalCases.statuses.${c.status}`) },
      { header: t("supervision.typicalCases.submittedAt"), value: (c) => formatDateTime(c.createdAt, locale), width: 20 },
    ],
  }),
  "my-typical-cases": define({
    permission: "typical_cases:submit",
    load: (tx, ctx) => ownTypicalCases(tx, ctx),
    columns: (t, locale) => [
      { header: t("supervision.typicalCases.caseTitle"), value: (c) => c.title, width: 40 },
      { header: t("supervision.typicalCases.status"), value: (c) => t(`supervision.typicalCases.statuses.${c.status}`) },
      { header: t("supervision.typicalCases.submittedAt"), value: (c) => formatDateTime(c.createdAt, locale), width: 20 },
    ],
  }),
};
