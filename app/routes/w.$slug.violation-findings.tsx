import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { disclosuresFor } from "~/modules/school/violations.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// What the committee disclosed to this organization about reports that named it (decision 048):
// the category, the outcome and the committee's finding; never who reported.
export const handle: RouteHandle = { title: "supervision.triage.findingsTitle" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "violation_findings:read", async (tx, ctx) => ({ findings: await disclosuresFor(tx, ctx) }));
}

export default function ViolationFindings() {
  const { findings } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("supervision.triage.findingsTitle")}</h1>
      {findings.length === 0 ? (
        <EmptyState>{t("supervision.triage.noFindings")}</EmptyState>
      ) : (
        <Table
          caption={t("supervision.triage.findingsTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.violations.category")}</th>
              <th className="px-3 py-2">{t("supervision.triage.outcome")}</th>
              <th className="px-3 py-2">{t("supervision.triage.finding")}</th>
              <th className="px-3 py-2">{t("supervision.triage.disclosedAt")}</th>
            </tr>
          }
        >
          {findings.map((f) => (
            <tr key={f.id}>
              <td className="px-3 py-2">{t(`school.violations.categories.${f.category}`)}</td>
              <td className="px-3 py-2">{t(`school.violations.statuses.${f.outcome}`)}</td>
              <td className="px-3 py-2">{f.finding}</td>
              <td className="px-3 py-2">{formatDate(f.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
