import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { credentialFilterSchema, credentialRoles, credentialStatuses } from "~/modules/credentials/schemas";
import { listCredentials } from "~/modules/credentials/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay } from "~/ui/format";
import { EmptyState, ExportLinks, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The organization's register of trainers and examiners (§二.8–§二.13), newest first.
export const handle: RouteHandle = { title: "credentials.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:read", async (tx, ctx) => {
    const filter = credentialFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const page = await listCredentials(tx, ctx, filter);
    return { ...page, canWrite: ctx.permissions.includes("credentials:write") };
  });
}

const statusStyle: Record<string, string> = {
  draft: "bg-gray-100 text-gray-700",
  active: "bg-green-100 text-green-800",
  suspended: "bg-amber-100 text-amber-800",
  revoked: "bg-red-100 text-red-800",
  expired: "bg-gray-200 text-gray-800",
};

export default function Credentials() {
  const { rows, nextCursor, canWrite } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const select = filterSelect(searchParams, t("credentials.all"));
  const filtered = [...searchParams.keys()].some((k) => k !== "cursor");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("credentials.title")}</h1>
          <p className="text-sm text-gray-600">{t("credentials.lead")}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <ExportLinks list="credentials" />
          {canWrite ? (
            <Link to="import" className="rounded border border-gray-300 bg-white px-2 py-1 text-sm hover:bg-gray-100">
              {t("credentials.import.open")}
            </Link>
          ) : null}
          {canWrite ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("credentials.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
        <label>
          {t("credentials.role")}
          {select(
            "role",
            credentialRoles.map((r) => ({ value: r, label: t(`credentials.roles.${r}`) })),
          )}
        </label>
        <label>
          {t("credentials.status")}
          {select(
            "status",
            credentialStatuses.map((s) => ({ value: s, label: t(`credentials.statuses.${s}`) })),
          )}
        </label>
        <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
          {t("credentials.apply")}
        </button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState>{filtered ? t("credentials.noResults") : t("credentials.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("credentials.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("credentials.number")}</th>
              <th className="px-3 py-2">{t("credentials.holder")}</th>
              <th className="px-3 py-2">{t("credentials.source")}</th>
              <th className="px-3 py-2">{t("credentials.role")}</th>
              <th className="px-3 py-2">{t("credentials.certificate")}</th>
              <th className="px-3 py-2">{t("credentials.expiresOn")}</th>
              <th className="px-3 py-2">{t("credentials.status")}</th>
            </tr>
          }
        >
          {rows.map((c) => (
            <tr key={c.id} data-testid="credential-row">
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                <Link to={c.id} className="text-blue-700 hover:underline">
                  {c.number}
                </Link>
              </td>
              <td className="px-3 py-2">
                {c.holderName} <span className="text-xs text-gray-500">…{c.idLast4}</span>
                {c.employer ? <span className="block text-xs text-gray-500">{c.employer}</span> : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{t(`credentials.sources.${c.source}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">{t(`credentials.roles.${c.role}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">
                {c.certificateCode} · {c.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/")}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatDay(c.expiresOn, locale)}</td>
              <td className="px-3 py-2">
                <span className={`rounded px-2 py-0.5 text-xs ${statusStyle[c.status]}`}>{t(`credentials.statuses.${c.status}`)}</span>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
