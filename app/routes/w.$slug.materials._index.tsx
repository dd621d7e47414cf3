import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { DualEditorBadge } from "~/modules/materials/components/material-facts";
import { hasDualEditors, materialFilterSchema, materialKinds } from "~/modules/materials/schemas";
import { listMaterials } from "~/modules/materials/service.server";
import { visibilities } from "~/modules/questions/schemas";
import { BankFilterForm, BankUpdated, CertificateFilter, SearchBox } from "~/modules/banks/components/bank-filters";
import { bankCertificates, bankUpdatedAt } from "~/modules/banks/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, ExportLinks, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// Teaching materials of the organization (§二.5): filters, substring search on titles, keyset pages.
export const handle: RouteHandle = { title: "materials.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = materialFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const page = await listMaterials(tx, ctx, filter);
    return {
      certificates: await bankCertificates(tx, ctx),
      rows: page.rows,
      nextCursor: page.nextCursor,
      lastUpdated: await bankUpdatedAt(tx, ctx, "materials", filter.certificate),
      canWrite: ctx.permissions.includes("certificates:write"),
    };
  });
}

export default function Materials() {
  const { certificates, rows, nextCursor, lastUpdated, canWrite } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const select = filterSelect(searchParams, t("materials.all"));
  const certificate = searchParams.get("certificate");
  const filtered = [...searchParams.keys()].some((k) => k !== "cursor");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("materials.title")}</h1>
          <p className="text-sm text-gray-600">{t("materials.lead")}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <ExportLinks list="materials" />
          {canWrite && certificates.length ? (
            <Link to={certificate ? `new?certificate=${certificate}` : "new"} className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("materials.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <BankFilterForm applyLabel={t("materials.apply")}>
        <CertificateFilter bank="materials" certificates={certificates} />
        <SearchBox label={t("materials.search")} />
        <label>
          {t("materials.kind")}
          {select(
            "kind",
            materialKinds.map((k) => ({ value: k, label: t(`materials.kinds.${k}`) })),
          )}
        </label>
        <label>
          {t("materials.visibility")}
          {select(
            "visibility",
            visibilities.map((v) => ({ value: v, label: t(`materials.visibilities.${v}`) })),
          )}
        </label>
      </BankFilterForm>
      <BankUpdated bank="materials" lastUpdated={lastUpdated} />
      {rows.length === 0 ? (
        <EmptyState>{filtered ? t("materials.noResults") : t("materials.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("materials.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("materials.materialTitle")}</th>
              <th className="px-3 py-2">{t("materials.kind")}</th>
              <th className="px-3 py-2">{t("materials.certificate")}</th>
              <th className="px-3 py-2">{t("materials.editors")}</th>
              <th className="px-3 py-2">{t("materials.visibility")}</th>
              <th className="px-3 py-2">{t("materials.attachmentCount")}</th>
              <th className="px-3 py-2">{t("materials.updatedAt")}</th>
            </tr>
          }
        >
          {rows.map((m) => (
            <tr key={m.id} data-testid="material-row">
              <td className="max-w-md px-3 py-2">
                <Link to={m.id} className="text-blue-700 hover:underline">
                  {m.title}
                </Link>
                {m.isbn ? <span className="block font-mono text-xs text-gray-500">ISBN {m.isbn}</span> : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{t(`materials.kinds.${m.kind}`)}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{m.certificateCode}</td>
              <td className="px-3 py-2">
                {[m.schoolEditor, m.enterpriseEditor].filter(Boolean).join(" · ") || "—"}
                {hasDualEditors(m) ? <DualEditorBadge /> : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{t(`materials.visibilities.${m.visibility}`)}</td>
              <td className="px-3 py-2">{m.attachments}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(m.updatedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
