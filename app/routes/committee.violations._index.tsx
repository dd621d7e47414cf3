import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { ViolationStatusChip } from "~/modules/school/components/violation-view";
import { listViolationReports } from "~/modules/school/violations.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// Violation reports of every school, for triage (the committee issue extends this).
export const handle: RouteHandle = { title: "school.violations.committeeTitle" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => ({
    page: await listViolationReports(tx, ctx, { all: true, cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
  }));
}

export default function CommitteeViolations() {
  const { page } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("school.violations.committeeTitle")}</h1>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.violations.committeeEmpty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.violations.committeeTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.violations.organization")}</th>
              <th className="px-3 py-2">{t("school.violations.category")}</th>
              <th className="px-3 py-2">{t("school.violations.status")}</th>
              <th className="px-3 py-2">{t("school.violations.filedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((r) => (
            <tr key={r.id}>
              <td className="px-3 py-2">
                <Link to={r.id} className="text-blue-700 hover:underline">
                  {r.organizationName}
                </Link>
              </td>
              <td className="px-3 py-2">{t(`school.violations.categories.${r.category}`)}</td>
              <td className="px-3 py-2">
                <ViolationStatusChip status={r.status} />
              </td>
              <td className="px-3 py-2">{formatDate(r.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
