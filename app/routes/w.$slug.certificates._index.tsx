import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { certificateFilterSchema } from "~/modules/certificates/schemas";
import { listCertificates, listIndustries } from "~/modules/certificates/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "certificates.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = certificateFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const [page, industries] = [await listCertificates(tx, ctx, filter), await listIndustries(tx)];
    return { ...page, industries, canWrite: ctx.permissions.includes("certificates:write") };
  });
}

export default function Certificates() {
  const { rows, nextCursor, industries, canWrite } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const industryName = (code: string) => {
    const industry = industries.find((i) => i.code === code);
    return industry ? (locale === "en" ? industry.nameEn : industry.nameZh) : code;
  };
  const filtered = Boolean(searchParams.get("q") || searchParams.get("status"));
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("certificates.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="certificates" />
          {canWrite ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("certificates.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-2" role="search">
        <label className="text-sm">
          <span className="sr-only">{t("certificates.search")}</span>
          <input
            type="search"
            name="q"
            defaultValue={searchParams.get("q") ?? ""}
            placeholder={t("certificates.search")}
            className="rounded border border-gray-300 px-3 py-1"
          />
        </label>
        <label className="text-sm">
          <span className="sr-only">{t("certificates.status")}</span>
          <select name="status" defaultValue={searchParams.get("status") ?? ""} className="rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("certificates.allStatuses")}</option>
            {(["draft", "active", "retired"] as const).map((status) => (
              <option key={status} value={status}>
                {t(`certificates.statuses.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100">
          {t("certificates.filter")}
        </button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState>{filtered ? t("certificates.emptyFiltered") : t("certificates.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("certificates.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("certificates.code")}</th>
              <th className="px-3 py-2">{t("certificates.nameZh")}</th>
              <th className="px-3 py-2">{t("certificates.industry")}</th>
              <th className="px-3 py-2">{t("certificates.levels")}</th>
              <th className="px-3 py-2">{t("certificates.status")}</th>
              <th className="px-3 py-2">{t("certificates.updatedAt")}</th>
            </tr>
          }
        >
          {rows.map((certificate) => (
            <tr key={certificate.id}>
              <td className="px-3 py-2 font-mono text-xs">
                <Link to={certificate.id} className="text-blue-700 hover:underline">
                  {certificate.code}
                </Link>
              </td>
              <td className="px-3 py-2">{locale === "en" ? certificate.nameEn : certificate.nameZh}</td>
              <td className="px-3 py-2">{industryName(certificate.industryCode)}</td>
              <td className="px-3 py-2">{certificate.levels.map((level) => t(`certificates.levelNames.${level}`)).join(" · ")}</td>
              <td className="px-3 py-2">{t(`certificates.statuses.${certificate.status}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(certificate.updatedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
