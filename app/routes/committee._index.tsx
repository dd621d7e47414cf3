import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BarChart } from "~/modules/committee/components/bar-chart";
import { dashboard, type Breakdown } from "~/modules/committee/dashboard.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

// The committee's dashboard (issue 17 item 1): every figure across every organization and school,
// each number a link to the rows it counts, with breakdowns by district, industry field and organization.
export const handle: RouteHandle = { title: "oversight.dashboard.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", (tx) => dashboard(tx));
}

type Dimension = "district" | "industry" | "organization";

export default function CommitteeDashboard() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const figureHref = (key: string, query?: Record<string, string>) => `/committee/figures/${key}${query ? `?${new URLSearchParams(query)}` : ""}`;
  const label = (dimension: Dimension, b: Breakdown) => {
    if (b.key === "none") return t("oversight.dashboard.none");
    if (dimension === "district") return t(`credentials.districts.${b.key}`);
    return (en && b.labelEn) || b.label;
  };
  const breakdown = (dimension: Dimension, rows: Breakdown[], title: string) => {
    const shown = rows.slice(0, 15);
    return (
      <section className="space-y-3" aria-labelledby={`by-${dimension}`}>
        <h2 id={`by-${dimension}`} className="text-lg font-semibold">
          {title}
        </h2>
        {shown.length === 0 ? (
          <p className="text-sm text-gray-600">{t("oversight.dashboard.noData")}</p>
        ) : (
          <BarChart
            title={title}
            labelHeader={t(`oversight.dashboard.dimensions.${dimension}`)}
            valueHeader={t("oversight.dashboard.total")}
            bars={shown.map((b) => ({ key: b.key, label: label(dimension, b), value: b.total, href: `#${dimension}-${b.key}` }))}
          >
            <div className="overflow-x-auto">
              <table className="text-sm" data-testid={`breakdown-${dimension}`}>
                <caption className="sr-only">{title}</caption>
                <thead>
                  <tr className="text-left text-gray-600">
                    <th scope="col" className="px-2 py-1">
                      {t(`oversight.dashboard.dimensions.${dimension}`)}
                    </th>
                    {data.figures.map((f) => (
                      <th key={f.key} scope="col" className="px-2 py-1 text-right">
                        {t(`oversight.figures.${f.key}.short`)}
                      </th>
                    ))}
                    <th scope="col" className="px-2 py-1 text-right">
                      {t("oversight.dashboard.total")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((b) => (
                    <tr key={b.key} id={`${dimension}-${b.key}`}>
                      <th scope="row" className="px-2 py-1 text-left font-normal">
                        {label(dimension, b)}
                      </th>
                      {data.figures.map((f) => (
                        <td key={f.key} className="px-2 py-1 text-right tabular-nums">
                          {b.counts[f.key] ? (
                            <Link to={figureHref(f.key, { [dimension]: b.key })} className="text-blue-700 underline">
                              {b.counts[f.key]}
                            </Link>
                          ) : (
                            0
                          )}
                        </td>
                      ))}
                      <td className="px-2 py-1 text-right font-semibold tabular-nums">{b.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </BarChart>
        )}
        {rows.length > shown.length ? (
          <p className="text-xs text-gray-500">{t("oversight.dashboard.topOnly", { count: shown.length, total: rows.length })}</p>
        ) : null}
      </section>
    );
  };
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold">{t("oversight.dashboard.title")}</h1>
        <p className="text-sm text-gray-600">{t("oversight.dashboard.lead")}</p>
      </div>
      <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {data.figures.map((f) => (
          <li key={f.key} className="rounded border border-gray-200 bg-white p-4" data-testid={`figure-${f.key}`}>
            <p className="text-sm text-gray-600">{t(`oversight.figures.${f.key}.title`)}</p>
            <Link
              to={figureHref(f.key)}
              className="text-3xl font-bold text-blue-800 underline decoration-1"
              data-testid="figure-count"
              aria-label={`${t(`oversight.figures.${f.key}.title`)}: ${f.total}`}
            >
              {f.total}
            </Link>
            <p className="mt-1 text-xs text-gray-500">{t(`oversight.figures.${f.key}.lead`)}</p>
            {f.page ? (
              <Link to={f.page} className="mt-1 inline-block text-xs text-blue-700 underline">
                {t("oversight.dashboard.openPage")}
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
      <BarChart
        title={t("oversight.dashboard.figuresChart")}
        labelHeader={t("oversight.dashboard.figure")}
        valueHeader={t("oversight.dashboard.count")}
        bars={data.figures.map((f) => ({ key: f.key, label: t(`oversight.figures.${f.key}.short`), value: f.total, href: figureHref(f.key) }))}
      />
      {breakdown("district", data.byDistrict, t("oversight.dashboard.byDistrict"))}
      {breakdown("industry", data.byIndustry, t("oversight.dashboard.byIndustry"))}
      {breakdown("organization", data.byOrganization, t("oversight.dashboard.byOrganization"))}
    </div>
  );
}
