import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ViolationTable } from "~/modules/school/components/violation-view";
import { listViolationReports } from "~/modules/school/violations.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { EmptyState, ExportLinks, NextPage } from "~/ui/list";
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
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.violations.committeeTitle")}</h1>
        <ExportLinks list="violations" to="/committee/export/violations" />
      </div>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.violations.committeeEmpty")}</EmptyState>
      ) : (
        <ViolationTable rows={page.rows} caption={t("school.violations.committeeTitle")} />
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
