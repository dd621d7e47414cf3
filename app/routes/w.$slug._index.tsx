import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { admissionOf } from "~/modules/admission/service.server";
import { IndustryShare } from "~/modules/credentials/components/industry-share";
import { Banks, Committee, Fees, Findings, Imports, Orders, RecentActivity } from "~/modules/overview/components/sections";
import { workspaceOverview } from "~/modules/overview/overview.server";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "overview.title" };

// The page a member lands on: each figure links to its page, each section shown by permission.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "workspace:read", async (tx, ctx) => ({
    ...(await workspaceOverview(tx, ctx)),
    // Not yet admitted, refused or suspended by the committee: say so first (decision 042).
    admission: ctx.tenant.kind === "committee" ? null : await admissionOf(tx, ctx.tenant.id),
  }));
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("overview.title")}</h1>
      {data.admission && data.admission.status !== "admitted" ? (
        <div role="status" data-testid="admission-banner" className="rounded border border-amber-300 bg-amber-50 px-4 py-3 text-amber-900">
          {t(`admission.banner.${data.admission.status}`, { reason: data.admission.reason })}
        </div>
      ) : null}
      {data.findings && data.findings.total > 0 ? <Findings findings={data.findings} /> : null}
      {data.imports ? <Imports jobs={data.imports} /> : null}
      {data.banks ? <Banks banks={data.banks} canWrite={data.can.writeBanks} /> : null}
      {data.industryShares ? <IndustryShare shares={data.industryShares} /> : null}
      {data.fees ? <Fees fees={data.fees} canPublish={data.can.publishFees} /> : null}
      {data.findings && data.findings.total === 0 ? <Findings findings={data.findings} /> : null}
      {data.orders ? <Orders orders={data.orders} canOrder={data.can.createOrders} /> : null}
      {data.can.committee ? <Committee /> : null}
      {data.memberCount !== null ? (
        <div className="rounded border border-gray-200 bg-white p-4">
          <p className="text-sm text-gray-600">{t("overview.members")}</p>
          <p className="text-3xl font-semibold" data-testid="member-count">
            {data.memberCount}
          </p>
          <Link to="members" className="text-sm text-blue-700 hover:underline">
            {t("overview.manageMembers")}
          </Link>
        </div>
      ) : null}
      {data.recent ? <RecentActivity rows={data.recent} /> : null}
    </div>
  );
}
