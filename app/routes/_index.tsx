import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useRootData } from "~/root";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "home.title" };

export default function Home() {
  const { t } = useTranslation();
  const data = useRootData();
  return (
    <div className="py-10">
      <h1 className="text-3xl font-bold">{t("home.title")}</h1>
      <p className="mt-3 max-w-2xl text-gray-700">{t("home.lead")}</p>
      <ul className="mt-6 grid gap-4 sm:grid-cols-3">
        {(["organization", "school", "committee"] as const).map((kind) => (
          <li key={kind} className="rounded border border-gray-200 bg-white p-4">
            <h2 className="font-semibold">{t(`tenantKinds.${kind}`)}</h2>
            <p className="mt-1 text-sm text-gray-600">{t(`home.for.${kind}`)}</p>
          </li>
        ))}
      </ul>
      {/* What the public can open today; each capability adds its public page here when it lands. */}
      <section className="mt-6 rounded border border-gray-200 bg-white p-4" aria-labelledby="public-fees">
        <h2 id="public-fees" className="font-semibold">
          {t("home.public.title")}
        </h2>
        <p className="mt-1 text-sm text-gray-600">{t("home.public.body")}</p>
        <p className="mt-3 flex flex-wrap gap-3 text-sm">
          <Link to="/fees" className="rounded bg-blue-700 px-3 py-1 text-white hover:bg-blue-800">
            {t("home.public.fees")}
          </Link>
          <a href="/fees.csv" className="rounded border border-gray-300 px-3 py-1 hover:bg-gray-100" download>
            {t("home.public.csv")}
          </a>
          <a href="/api/v1/fee-disclosures" className="rounded border border-gray-300 px-3 py-1 hover:bg-gray-100">
            {t("home.public.api")}
          </a>
        </p>
      </section>
      <div className="mt-8 flex gap-3">
        {data?.user ? (
          <Link to="/workspaces" className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800">
            {t("home.openWorkspaces")}
          </Link>
        ) : (
          <>
            <Link to="/signup" className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800">
              {t("nav.signup")}
            </Link>
            <Link to="/login" className="rounded border border-gray-300 bg-white px-4 py-2 hover:bg-gray-100">
              {t("nav.login")}
            </Link>
          </>
        )}
      </div>
    </div>
  );
}
