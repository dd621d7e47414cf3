import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ViolationView } from "~/modules/school/components/violation-view";
import { getViolationReport } from "~/modules/school/violations.server";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.violations.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getViolationReport(tx, ctx, params.reportId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return found;
  });
}

export default function Violation() {
  const { report, organizationName, evidence, updates } = useLoaderData<typeof loader>();
  return (
    <ViolationView
      report={report}
      organizationName={organizationName}
      evidence={evidence}
      updates={updates}
      evidenceHref={(id) => `${report.id}/evidence/${id}`}
    />
  );
}
