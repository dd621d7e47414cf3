import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { Chip } from "~/modules/school/components/schema-form";
import { assessmentCoverage } from "~/modules/school/coverage.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay } from "~/ui/format";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// Every student of a pilot major takes at least one assessment while enrolled (§二.14): per cohort.
// A school has few majors and cohorts: one page, no paging.
export const handle: RouteHandle = { title: "school.coverage.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({ rows: await assessmentCoverage(tx, ctx) }));
}

export default function AssessmentCoverage() {
  const { rows } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.coverage.title")}</h1>
        <ExportLinks list="assessment-coverage" />
      </div>
      <p className="text-sm text-gray-600">{t("school.coverage.lead")}</p>
      {rows.length === 0 ? (
        <EmptyState>{t("school.coverage.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.coverage.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.coverage.major")}</th>
              <th className="px-3 py-2">{t("school.coverage.entryYear")}</th>
              <th className="px-3 py-2 text-right">{t("school.coverage.students")}</th>
              <th className="px-3 py-2 text-right">{t("school.coverage.assessed")}</th>
              <th className="px-3 py-2">{t("school.coverage.expectedGraduation")}</th>
              <th className="px-3 py-2">{t("school.coverage.flag")}</th>
            </tr>
          }
        >
          {rows.map((r) => (
            <tr key={r.cohortId} data-testid={r.flagged ? "cohort-flagged" : "cohort"}>
              <td className="px-3 py-2">
                {r.majorCode} {r.majorName}
              </td>
              <td className="px-3 py-2">{r.entryYear}</td>
              <td className="px-3 py-2 text-right">{r.students}</td>
              <td className="px-3 py-2 text-right">{r.assessed}</td>
              <td className="px-3 py-2">{formatDay(r.expectedGraduation, locale)}</td>
              <td className="px-3 py-2">{r.flagged ? <Chip tone="red">{t("school.coverage.flagged")}</Chip> : null}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
