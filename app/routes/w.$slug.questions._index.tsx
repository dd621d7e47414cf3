import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useParams, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BankActions } from "~/modules/imports/components/bank-actions";
import type { Locale } from "~/i18n/i18n";
import { pools, questionFilterSchema, questionTypes } from "~/modules/questions/schemas";
import {
  BankFilterForm,
  BankUpdated,
  CertificateFilter,
  LevelFilter,
  RequirementFilter,
  SearchBox,
  UpdatedSinceFilter,
} from "~/modules/banks/components/bank-filters";
import { bankPage } from "~/modules/banks/service.server";
import { listQuestions } from "~/modules/questions/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The question bank of one certificate at a time: filters, substring search on stems, keyset pages.
export const handle: RouteHandle = { title: "questions.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const filter = questionFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { certificates, certificate, page, requirements, lastUpdated } = await bankPage(tx, ctx, "questions", filter.certificate, (certificate) =>
      listQuestions(tx, ctx, { ...filter, certificate }),
    );
    return {
      certificates,
      certificate,
      rows: page?.rows ?? [],
      nextCursor: page?.nextCursor ?? null,
      requirements,
      lastUpdated,
      canWrite: ctx.permissions.includes("certificates:write"),
    };
  });
}

export default function Questions() {
  const { certificates, certificate, rows, nextCursor, requirements, lastUpdated, canWrite } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { slug } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const select = filterSelect(searchParams, t("questions.all"));
  const exportHref = (format: string) => `/w/${slug}/questions/export?certificate=${certificate?.id ?? ""}&format=${format}`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("questions.title")}</h1>
          <p className="text-sm text-gray-600">{t("questions.lead")}</p>
        </div>
        {certificate ? (
          <BankActions
            certificateId={certificate.id}
            exports={(["xlsx", "csv", "moodle", "gift"] as const).map((format) => ({
              href: exportHref(format),
              label: format === "gift" ? t("moodle.exportGift") : t(`questions.export${format === "moodle" ? "Moodle" : format === "csv" ? "Csv" : "Xlsx"}`),
            }))}
            canWrite={canWrite}
            importLabel={t("questions.import.title")}
            newLabel={t("questions.new")}
          />
        ) : null}
      </div>
      <BankFilterForm applyLabel={t("questions.apply")}>
        <CertificateFilter bank="questions" certificates={certificates} all={false} />
        <SearchBox label={t("questions.search")} />
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
        <RequirementFilter bank="questions" requirements={requirements} />
        <UpdatedSinceFilter label={t("questions.updatedSince")} />
      </BankFilterForm>
      <BankUpdated bank="questions" lastUpdated={lastUpdated} />
      {rows.length === 0 ? (
        <EmptyState>{[...searchParams.keys()].some((k) => k !== "certificate") ? t("questions.noResults") : t("questions.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("questions.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("questions.stem")}</th>
              <th className="px-3 py-2">{t("questions.type")}</th>
              <th className="px-3 py-2">{t("questions.level")}</th>
              <th className="px-3 py-2">{t("questions.difficulty")}</th>
              <th className="px-3 py-2">{t("questions.pool")}</th>
              <th className="px-3 py-2">{t("questions.version")}</th>
              <th className="px-3 py-2">{t("questions.updatedAt")}</th>
            </tr>
          }
        >
          {rows.map((q) => (
            <tr key={q.id} data-testid="question-row">
              <td className="max-w-md px-3 py-2">
                <Link to={q.id} className="line-clamp-2 text-blue-700 hover:underline">
                  {q.stem}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2">{t(`questions.types.${q.type}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">{t(`certificates.levelNames.${q.level}`)}</td>
              <td className="px-3 py-2">{q.difficulty}</td>
              <td className="whitespace-nowrap px-3 py-2">{t(`questions.pools.${q.pool}`)}</td>
              <td className="whitespace-nowrap px-3 py-2">
                {q.version ? `v${q.version}` : "—"}
                {q.status === "draft" ? (
                  <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">
                    {t(q.version ? "questions.draftChanges" : "questions.statuses.draft")}
                  </span>
                ) : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(q.updatedAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
