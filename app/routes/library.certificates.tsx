import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { SuspendedMark } from "~/modules/admission/components";
import { BankFilterForm, SearchBox } from "~/modules/banks/components/bank-filters";
import { adoptionProposalPath, catalogueIndustries, certificateCatalogue } from "~/modules/library/library.server";
import { catalogueFilterSchema } from "~/modules/library/schemas";
import { publicPage } from "~/modules/public-cache/public-cache.server";
import { libraryScopes, readVisitor, withPublic } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The certificate catalogue (public, part of the library): active certificates with their levels,
// industry field, organization and the standard in force.
export const handle: RouteHandle = { title: "library.catalogue.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Shared by every anonymous visitor until a certificate, an organization, an industry field or a
  // standard changes ('catalogue', migration 0051; decision 026). A signed-in visitor's page is made
  // afresh: a school member sees "propose adoption" links for their school (from the shared identity).
  return publicPage({ request, context }, "catalogue", async () => {
    const visitor = await readVisitor({ request, context });
    const school = libraryScopes(visitor.memberships).find((m) => m.tenant.kind === "school")?.tenant.slug ?? null;
    return withPublic({ request, context }, async (tx) => {
      const filter = catalogueFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
      const [page, industries] = await Promise.all([certificateCatalogue(tx, filter), catalogueIndustries(tx)]);
      return {
        rows: page.rows.map((row) => ({ ...row, propose: school ? adoptionProposalPath(school, row.id) : null })),
        nextCursor: page.nextCursor,
        industries,
      };
    });
  });
}

export default function CertificateCatalogue() {
  const { rows, nextCursor, industries } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const select = filterSelect(searchParams, t("library.all"));
  const exportQuery = new URLSearchParams(searchParams);
  exportQuery.delete("cursor");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("library.catalogue.title")}</h1>
          <p className="text-sm text-gray-600">{t("library.catalogue.lead")}</p>
        </div>
        <span className="flex gap-2 text-sm">
          {(["csv", "xlsx"] as const).map((format) => (
            <a
              key={format}
              href={`/library/certificates/export?${new URLSearchParams([...exportQuery, ["format", format]])}`}
              className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100"
              download
            >
              {t(format === "csv" ? "common.exportCsv" : "common.exportXlsx")}
            </a>
          ))}
        </span>
      </div>
      <BankFilterForm applyLabel={t("library.apply")}>
        <SearchBox label={t("library.catalogue.search")} />
        <label>
          {t("library.industry")}
          {select(
            "industry",
            industries.map((i) => ({ value: i.code, label: en ? i.nameEn : i.nameZh })),
          )}
        </label>
      </BankFilterForm>
      {rows.length === 0 ? (
        <EmptyState>{searchParams.get("q") || searchParams.get("industry") ? t("library.noResults") : t("library.catalogue.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("library.catalogue.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("library.catalogue.name")}</th>
              <th className="px-3 py-2">{t("library.catalogue.levels")}</th>
              <th className="px-3 py-2">{t("library.catalogue.industry")}</th>
              <th className="px-3 py-2">{t("library.organization")}</th>
              <th className="px-3 py-2">{t("library.catalogue.standard")}</th>
              {rows.some((r) => r.propose) ? <th className="px-3 py-2">{t("common.actions")}</th> : null}
            </tr>
          }
        >
          {rows.map((c) => (
            <tr key={c.id} data-testid="catalogue-row">
              <td className="px-3 py-2">
                <span className="block font-mono text-xs text-gray-500">{c.code}</span>
                {en ? c.nameEn : c.nameZh}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{c.levels.map((l) => t(`certificates.levelNames.${l}`)).join(" / ")}</td>
              <td className="px-3 py-2">{en ? c.industryEn : c.industryZh}</td>
              <td className="px-3 py-2">
                {en && c.organizationNameEn ? c.organizationNameEn : c.organizationName}
                <SuspendedMark suspended={c.organizationSuspended === true} />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                {c.standardVersion
                  ? t("library.catalogue.inForce", { version: c.standardVersion, date: c.standardPublishedAt ? formatDate(c.standardPublishedAt, locale) : "" })
                  : "—"}
              </td>
              {c.propose ? (
                <td className="whitespace-nowrap px-3 py-2">
                  <Link to={c.propose} className="text-blue-700 hover:underline">
                    {t("library.proposeAdoptionShort")}
                  </Link>
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
