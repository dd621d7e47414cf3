import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { readUser } from "~/modules/tenancy/context.server";
import { myTenants } from "~/modules/tenancy/service.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "workspaces.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { memberships } = await readUser({ request, context });
  return { tenants: myTenants(memberships) };
}

export default function Workspaces() {
  const { t, i18n } = useTranslation();
  const { tenants } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{t("workspaces.title")}</h1>
      {tenants.length === 0 ? (
        <p className="rounded border border-dashed border-gray-300 bg-white p-6 text-gray-600">{t("workspaces.empty")}</p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2">
          {tenants.map((tenant) => (
            <li key={tenant.slug}>
              <Link to={`/w/${tenant.slug}`} className="block rounded border border-gray-200 bg-white p-4 hover:border-blue-400">
                <span className="font-semibold">{i18n.language === "en" && tenant.nameEn ? tenant.nameEn : tenant.name}</span>
                <span className="mt-1 block text-sm text-gray-600">
                  {t(`tenantKinds.${tenant.kind}`)} · {t(`roles.${tenant.role}`)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-6 text-sm">
        <Link to="/account/sessions" className="text-blue-700 hover:underline">
          {t("account.sessions.title")}
        </Link>
        {" · "}
        <Link to="/account/password" className="text-blue-700 hover:underline">
          {t("account.password.title")}
        </Link>
      </p>
    </div>
  );
}
