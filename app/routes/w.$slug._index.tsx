import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { listAudit } from "~/modules/audit/audit.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { listMembers } from "~/modules/tenancy/service.server";
import { formatDateTime } from "~/ui/format";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "overview.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "workspace:read", async (tx, ctx) => ({
    memberCount: ctx.permissions.includes("members:read") ? (await listMembers(tx, ctx)).length : null,
    recent: ctx.permissions.includes("audit:read") ? (await listAudit(tx, ctx.tenant.id, { limit: 5 })).rows : [],
  }));
}

export default function Overview() {
  const { memberCount, recent } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("overview.title")}</h1>
      {memberCount !== null ? (
        <div className="rounded border border-gray-200 bg-white p-4">
          <p className="text-sm text-gray-600">{t("overview.members")}</p>
          <p className="text-3xl font-semibold" data-testid="member-count">
            {memberCount}
          </p>
          <Link to="members" className="text-sm text-blue-700 hover:underline">
            {t("overview.manageMembers")}
          </Link>
        </div>
      ) : null}
      {recent.length > 0 ? (
        <div>
          <h2 className="mb-2 text-lg font-semibold">{t("overview.recent")}</h2>
          <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white text-sm">
            {recent.map((entry) => (
              <li key={entry.id} className="flex justify-between px-3 py-2">
                <span>
                  {entry.actorName ?? "—"} · <span className="font-mono text-xs">{entry.action}</span>
                </span>
                <span className="text-gray-500">{formatDateTime(entry.at, locale)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
