import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { readCommittee } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "nav.committee" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { tenant, role, permissions } = await readCommittee({ request, context }, "committee:audit");
  return { tenant, role, permissions };
}

export default function Committee() {
  const { tenant, role, permissions } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const items = [
    { to: "/committee", label: "oversight.nav.dashboard", show: true, end: true },
    { to: "fees", label: "committee.nav.feeAudit", show: true },
    { to: "banks", label: "committee.nav.banks", show: true },
    { to: "/library", label: "library.nav", show: true },
    { to: "filings", label: "school.filings.committeeNav", show: true },
    { to: "violations", label: "school.violations.committeeNav", show: true },
    { to: "evaluations", label: "supervision.nav.evaluations", show: true },
    { to: "typical-cases", label: "supervision.nav.typicalCases", show: true },
    { to: "sites", label: "oversight.nav.sites", show: true },
    { to: "admissions", label: "admission.committee.nav", show: true },
    { to: "settings", label: "committee.nav.settings", show: permissions.includes("committee:audit") },
    { to: `/w/${tenant.slug}`, label: "committee.nav.workspace", show: true },
  ];
  return (
    <div className="grid gap-6 md:grid-cols-[200px_1fr]">
      <aside className="no-print">
        <p className="font-semibold">{i18n.language === "en" && tenant.nameEn ? tenant.nameEn : tenant.name}</p>
        <p className="mb-4 text-xs text-gray-500">{t(`roles.${role}`)}</p>
        <nav aria-label={t("committee.nav.label")}>
          <ul className="space-y-1">
            {items
              .filter((item) => item.show)
              .map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={"end" in item}
                    className={({ isActive }) => `block rounded px-3 py-2 text-sm ${isActive ? "bg-blue-100 font-medium text-blue-900" : "hover:bg-gray-100"}`}
                  >
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
      </aside>
      <section>
        <Outlet />
      </section>
    </div>
  );
}
