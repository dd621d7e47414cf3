import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ViolationTable } from "~/modules/school/components/violation-view";
import { listViolationReports } from "~/modules/school/violations.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { EmptyState, ExportLinks, NextPage } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.violations.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({
    page: await listViolationReports(tx, ctx, { cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
    canReport: ctx.permissions.includes("school:contribute"),
  }));
}

export default function Violations() {
  const { page, canReport } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.violations.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="violations" />
          {canReport ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("school.violations.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="text-sm text-gray-600">{t("school.violations.lead")}</p>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.violations.empty")}</EmptyState>
      ) : (
        <ViolationTable rows={page.rows} caption={t("school.violations.title")} />
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
