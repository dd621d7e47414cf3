import type { TFunction } from "i18next";
import type { Tx } from "../../../db/client.server";
import type { Locale } from "~/i18n/i18n";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import type { ExportColumn } from "~/ui/export.server";
import { formatDateTime, formatDay } from "~/ui/format";
import { listAdoptions } from "./adoptions.server";
import { assessmentCoverage } from "./coverage.server";
import { listCreditRules } from "./credit-rules.server";
import { listFilings } from "./filings.server";
import { majorColumns, majorToRow } from "./import-rows";
import { listCourses } from "./mapping.server";
import { majorsWithCohorts } from "./majors.server";
import { periodsWithReports } from "./progress.server";
import { creditRuleQuerySchema } from "./schemas";
import { listViolationReports } from "./violations.server";

// The school side's exportable lists, joined into the workspace registry (app/modules/exports.server.ts).

interface ListExport<Row> {
  permission: Permission;
  load: (tx: Tx, ctx: TenantContext, query: URLSearchParams) => Promise<Row[]>;
  columns: (t: TFunction, locale: Locale) => ExportColumn<Row>[];
}

function define<Row>(list: ListExport<Row>) {
  return list as ListExport<unknown>;
}

const limit = 100_000;
const level = (t: TFunction, l: string) => t(`certificates.levelNames.${l}`);

export const schoolExports: Record<string, ListExport<unknown>> = {
  // The import template's columns: an exported file imports back as the same majors and cohorts.
  majors: define({
    permission: "school:read",
    load: (tx, ctx) => majorsWithCohorts(tx, ctx, limit),
    columns: (t, locale) =>
      majorColumns.map((column, i) => ({
        header: locale === "en" ? column.en : column.zh,
        value: (r: Awaited<ReturnType<typeof majorsWithCohorts>>[number]) =>
          majorToRow(
            r,
            r.entryYear === null ? null : { entryYear: r.entryYear, studentCount: r.studentCount ?? 0, expectedGraduation: r.expectedGraduation ?? "" },
          )[i],
        width: 18,
      })),
  }),
  adoptions: define({
    permission: "school:read",
    load: async (tx, ctx) => (await listAdoptions(tx, ctx, {}, limit)).rows,
    columns: (t, locale) => [
      { header: t("school.adoptions.major"), value: (r) => `${r.majorCode} ${r.majorName}`, width: 30 },
      { header: t("school.adoptions.certificate"), value: (r) => r.certificateName, width: 24 },
      { header: t("school.adoptions.level"), value: (r) => level(t, r.level) },
      { header: t("school.adoptions.organization"), value: (r) => r.organizationName, width: 28 },
      { header: t("school.adoptions.pinnedVersion"), value: (r) => r.standardVersion ?? "" },
      { header: t("school.adoptions.latestVersion"), value: (r) => r.latestVersion ?? "" },
      { header: t("school.adoptions.status"), value: (r) => t(`school.adoptions.statuses.${r.status}`) },
      { header: t("school.proposedAt"), value: (r) => formatDateTime(r.createdAt, locale), width: 20 },
    ],
  }),
  courses: define({
    permission: "school:read",
    load: async (tx, ctx) => (await listCourses(tx, ctx, {}, limit)).rows,
    columns: (t) => [
      { header: t("school.courses.code"), value: (r) => r.code, width: 14 },
      { header: t("school.courses.name"), value: (r) => r.name, width: 28 },
      { header: t("school.courses.credits"), value: (r) => Number(r.credits) },
      { header: t("school.courses.semester"), value: (r) => r.semester ?? "" },
      { header: t("school.courses.kind"), value: (r) => t(`school.courses.kinds.${r.kind}`), width: 16 },
    ],
  }),
  "credit-rules": define({
    permission: "credit_rules:read",
    load: async (tx, ctx, query) =>
      (await listCreditRules(tx, ctx, { ...creditRuleQuerySchema.parse(Object.fromEntries(query)), cursor: undefined }, limit)).rows,
    columns: (t) => [
      { header: t("school.creditRules.recordedBy"), value: (r) => r.recorderName, width: 28 },
      { header: t("school.creditRules.organization"), value: (r) => r.organizationName, width: 28 },
      { header: t("school.creditRules.certificate"), value: (r) => `${r.certificateCode} ${r.certificateName}`, width: 28 },
      { header: t("school.creditRules.level"), value: (r) => level(t, r.level) },
      { header: t("school.creditRules.courseCode"), value: (r) => r.courseCode, width: 14 },
      { header: t("school.creditRules.courseName"), value: (r) => r.courseName, width: 24 },
      { header: t("school.creditRules.module"), value: (r) => r.module, width: 16 },
      { header: t("school.creditRules.credits"), value: (r) => Number(r.credits) },
      { header: t("school.creditRules.exemption"), value: (r) => t(`school.creditRules.exemptions.${r.exemption}`), width: 18 },
      { header: t("school.creditRules.validFrom"), value: (r) => r.validFrom, width: 12 },
      { header: t("school.creditRules.validUntil"), value: (r) => r.validUntil ?? "", width: 12 },
    ],
  }),
  filings: define({
    permission: "school:read",
    load: async (tx, ctx) => (await listFilings(tx, ctx, {}, limit)).rows,
    columns: (t, locale) => [
      { header: t("school.filings.major"), value: (r) => `${r.majorCode} ${r.majorName}`, width: 30 },
      { header: t("school.filings.certificate"), value: (r) => `${r.certificateName} · ${level(t, r.level)}`, width: 28 },
      { header: t("school.filings.status"), value: (r) => t(`school.filings.statuses.${r.status}`) },
      { header: t("school.filings.recordNumber"), value: (r) => r.recordNumber ?? "", width: 20 },
      { header: t("school.filings.submittedAt"), value: (r) => (r.submittedAt ? formatDateTime(r.submittedAt, locale) : ""), width: 20 },
    ],
  }),
  progress: define({
    permission: "school:read",
    load: (tx, ctx) => periodsWithReports(tx, ctx),
    columns: (t, locale) => [
      { header: t("school.progress.period"), value: (r) => r.name, width: 28 },
      { header: t("school.progress.dueOn"), value: (r) => formatDay(r.period.dueOn, locale), width: 14 },
      { header: t("school.progress.state"), value: (r) => t(`school.progress.states.${r.state}`) },
      { header: t("school.progress.late"), value: (r) => (r.late ? t("school.yes") : t("school.no")) },
    ],
  }),
  violations: define({
    permission: "school:read",
    load: async (tx, ctx) => (await listViolationReports(tx, ctx, {}, limit)).rows,
    columns: (t, locale) => [
      { header: t("school.violations.organization"), value: (r) => r.organizationName, width: 28 },
      { header: t("school.violations.category"), value: (r) => t(`school.violations.categories.${r.category}`), width: 20 },
      { header: t("school.violations.status"), value: (r) => t(`school.violations.statuses.${r.status}`) },
      { header: t("school.violations.filedAt"), value: (r) => formatDateTime(r.createdAt, locale), width: 20 },
      { header: t("school.violations.updatedAt"), value: (r) => formatDateTime(r.updatedAt, locale), width: 20 },
    ],
  }),
  "assessment-coverage": define({
    permission: "school:read",
    load: (tx, ctx) => assessmentCoverage(tx, ctx),
    columns: (t) => [
      { header: t("school.coverage.major"), value: (r) => `${r.majorCode} ${r.majorName}`, width: 30 },
      { header: t("school.coverage.entryYear"), value: (r) => r.entryYear },
      { header: t("school.coverage.students"), value: (r) => r.students },
      { header: t("school.coverage.assessed"), value: (r) => r.assessed },
      { header: t("school.coverage.expectedGraduation"), value: (r) => r.expectedGraduation, width: 14 },
      { header: t("school.coverage.flag"), value: (r) => (r.flagged ? t("school.coverage.flagged") : ""), width: 30 },
    ],
  }),
};
