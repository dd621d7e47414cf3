import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { pools, questionTypes } from "~/modules/questions/schemas";
import { BankFilterForm, CertificateFilter, LevelFilter, SearchBox, UpdatedSinceFilter } from "~/modules/banks/components/bank-filters";
import { bankCertificates } from "~/modules/banks/service.server";
import { searchKinds, searchSchema } from "~/modules/search/schemas";
import { hitPath, searchWorkspace } from "~/modules/search/search.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, filterSelect, NextPage } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "questions.searchPage.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = searchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    // Independent reads: sent together (pipelined in the transaction).
    const [result, certificates] = await Promise.all([searchWorkspace(tx, ctx, filter), bankCertificates(tx, ctx)]);
    return {
      q: filter.q ?? "",
      certificates,
      hits: result.hits.map((hit) => ({ ...hit, path: hitPath(ctx.tenant.slug, hit) })),
      nextCursor: result.nextCursor,
    };
  });
}

export default function Search() {
  const { q, certificates, hits, nextCursor } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const select = filterSelect(searchParams, t("questions.all"));
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("questions.searchPage.title")}</h1>
        <p className="text-sm text-gray-600">{t("questions.searchPage.lead")}</p>
      </div>
      <BankFilterForm applyLabel={t("questions.apply")}>
        <SearchBox label={t("questions.searchPage.query")} autoFocus className="min-w-64 flex-1" />
        <label>
          {t("questions.searchPage.kind")}
          {select(
            "kind",
            searchKinds.map((k) => ({ value: k, label: t(`questions.searchPage.kinds.${k}`) })),
          )}
        </label>
        <CertificateFilter bank="questions" certificates={certificates} />
        <LevelFilter bank="questions" />
        <label>
          {t("questions.type")}
          {select(
            "type",
            questionTypes.map((type) => ({ value: type, label: t(`questions.types.${type}`) })),
          )}
        </label>
        <label>
          {t("questions.difficulty")}
          {select(
            "difficulty",
            ["1", "2", "3", "4", "5"].map((d) => ({ value: d, label: d })),
          )}
        </label>
        <label>
          {t("questions.pool")}
          {select(
            "pool",
            pools.map((p) => ({ value: p, label: t(`questions.pools.${p}`) })),
          )}
        </label>
        <UpdatedSinceFilter label={t("questions.updatedSince")} />
      </BankFilterForm>
      {!q ? (
        <EmptyState>{t("questions.searchPage.prompt")}</EmptyState>
      ) : hits.length === 0 ? (
        <EmptyState>{t("questions.searchPage.noResults", { q })}</EmptyState>
      ) : (
        <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white">
          {hits.map((hit) => (
            <li key={`${hit.kind}:${hit.id}`} className="px-4 py-3" data-testid="search-hit" data-kind={hit.kind}>
              <div className="flex flex-wrap items-baseline gap-2 text-xs text-gray-500">
                <span className="rounded bg-gray-100 px-1.5 py-0.5 text-gray-700">{t(`questions.searchPage.kinds.${hit.kind}`)}</span>
                <span className="font-mono">{hit.certificateCode}</span>
                {hit.level ? <span>{t(`certificates.levelNames.${hit.level}`)}</span> : null}
                <span>{formatDateTime(hit.updatedAt, locale)}</span>
              </div>
              <Link to={hit.path} className="mt-1 line-clamp-2 block text-blue-700 hover:underline">
                {hit.title}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
