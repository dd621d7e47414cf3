import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { readTenant } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { useRootData } from "~/root";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { tenant, role, permissions } = await readTenant({ request, context }, params.slug, "workspace:read");
  return { tenant, role, permissions };
}

export function useWorkspace() {
  const data = useRouteLoaderData<typeof loader>("routes/w.$slug");
  if (!data) throw new Error("useWorkspace outside /w/:slug");
  return data;
}

// The workspace menu, shown by permission. Each capability adds its entry here.
const menu: { to: string; label: string; permission: Permission; end?: boolean }[] = [
  { to: "", label: "nav.overview", permission: "workspace:read", end: true },
  { to: "/committee", label: "nav.committee", permission: "committee:audit" },
  { to: "certificates", label: "nav.certificates", permission: "certificates:read" },
  { to: "questions", label: "questions.nav", permission: "certificates:read" },
  { to: "materials", label: "materials.nav", permission: "certificates:read" },
  { to: "cases", label: "cases.nav", permission: "certificates:read" },
  { to: "coverage", label: "questions.coverage.nav", permission: "certificates:read" },
  { to: "search", label: "questions.searchPage.nav", permission: "certificates:read" },
  { to: "credentials", label: "credentials.title", permission: "credentials:read" },
  { to: "exam-sites", label: "credentials.sites.title", permission: "sites:read" },
  { to: "training", label: "credentials.training.title", permission: "training:read" },
  { to: "/library", label: "library.nav", permission: "library:read" },
  { to: "fees", label: "nav.fees", permission: "fees:read" },
  { to: "majors", label: "school.nav.majors", permission: "school:read" },
  { to: "adoptions", label: "school.nav.adoptions", permission: "school:read" },
  { to: "courses", label: "school.nav.courses", permission: "school:read" },
  { to: "credit-rules", label: "school.nav.creditRules", permission: "credit_rules:read" },
  { to: "filings", label: "school.nav.filings", permission: "school:read" },
  { to: "progress", label: "school.nav.progress", permission: "school:read" },
  { to: "violations", label: "school.nav.violations", permission: "school:read" },
  { to: "assessment-coverage", label: "school.nav.coverage", permission: "school:read" },
  { to: "typical-cases", label: "supervision.typicalCases.title", permission: "typical_cases:submit" },
  { to: "violation-findings", label: "supervision.triage.findingsTitle", permission: "violation_findings:read" },
  { to: "orders", label: "nav.orders", permission: "orders:read" },
  { to: "payments", label: "nav.payments", permission: "payments:setup" },
  { to: "members", label: "nav.members", permission: "members:read" },
  { to: "audit", label: "nav.audit", permission: "audit:read" },
  { to: "settings", label: "credentials.district.nav", permission: "members:manage" },
];

export default function Workspace() {
  const { tenant, role, permissions } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const others = (useRootData()?.tenants ?? []).filter((other) => other.slug !== tenant.slug);
  const nameOf = (t: { name: string; nameEn: string | null }) => (i18n.language === "en" && t.nameEn ? t.nameEn : t.name);
  const name = nameOf(tenant);
  return (
    <div className="grid gap-6 md:grid-cols-[200px_1fr]">
      <aside className="no-print">
        <p className="font-semibold" data-testid="workspace-name">
          {name}
        </p>
        <p className="mb-4 text-xs text-gray-500">
          {t(`tenantKinds.${tenant.kind}`)} · {t(`roles.${role}`)}
        </p>
        <nav aria-label={t("nav.workspace")}>
          <ul className="space-y-1">
            {menu
              .filter((item) => permissions.includes(item.permission))
              .map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.end}
                    className={({ isActive }) => `block rounded px-3 py-2 text-sm ${isActive ? "bg-blue-100 font-medium text-blue-900" : "hover:bg-gray-100"}`}
                  >
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
        {others.length > 0 ? (
          <nav aria-label={t("nav.switchWorkspace")} className="mt-6 border-t border-gray-200 pt-4">
            <p className="mb-1 text-xs font-medium uppercase text-gray-500">{t("nav.switchWorkspace")}</p>
            <ul className="space-y-1 text-sm">
              {others.map((other) => (
                <li key={other.slug}>
                  <Link to={`/w/${other.slug}`} className="block rounded px-3 py-1 hover:bg-gray-100">
                    {nameOf(other)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </aside>
      <section>
        <Outlet />
      </section>
    </div>
  );
}
