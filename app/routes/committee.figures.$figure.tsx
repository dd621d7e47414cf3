import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { figureProvider, figureRows } from "~/modules/committee/dashboard.server";
import { figureFilterSchema } from "~/modules/committee/schemas";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The rows behind one dashboard figure, filtered as the dashboard's link says (organization, district,
// industry field): the same SQL as the number, so the count here is the number there.
export const handle: RouteHandle = { title: "oversight.figureList.title" };

const pageSize = 100;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const provider = figureProvider(params.figure ?? "");
  if (!provider) throw new Response("Not found", { status: 404 });
  const query = new URL(request.url).searchParams;
  const filter = figureFilterSchema.parse(Object.fromEntries(query));
  const page = Math.min(10_000, Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1));
  return withCommittee({ request, context }, "committee:audit", async (tx) => {
    const result = await figureRows(tx, provider, filter, page, pageSize);
    return { key: provider.key, pageLink: provider.page ?? null, filter, page, pageSize, ...result };
  });
}

export default function FigureList() {
  const data = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const kind = (value: string) => t(`oversight.kinds.${value}`, { defaultValue: t(`committee.findingTypes.${value}`, { defaultValue: value }) });
  const pageHref = (page: number) => {
    const query = new URLSearchParams(searchParams);
    query.set("page", String(page));
    return `?${query}`;
  };
  const filters = Object.entries(data.filter).filter(([, value]) => value);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link to="/committee" className="text-blue-700 underline">
          {t("oversight.dashboard.title")}
        </Link>
      </p>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{t(`oversight.figures.${data.key}.title`)}</h1>
          <p className="text-sm text-gray-600">{t(`oversight.figures.${data.key}.lead`)}</p>
          <p className="text-sm" data-testid="figure-total">
            {t("oversight.figureList.total", { count: data.total })}
          </p>
          {filters.length ? (
            <p className="text-sm text-gray-600">
              {filters
                .map(
                  ([name, value]) =>
                    `${t(`oversight.dashboard.dimensions.${name}`)}: ${name === "district" && value !== "none" ? t(`credentials.districts.${value}`) : value}`,
                )
                .join(" · ")}{" "}
              <Link to={`/committee/figures/${data.key}`} className="text-blue-700 underline">
                {t("oversight.figureList.clear")}
              </Link>
            </p>
          ) : null}
        </div>
        <div className="flex items-center gap-3">
          {data.pageLink ? (
            <Link to={data.pageLink} className="text-sm text-blue-700 underline">
              {t("oversight.dashboard.openPage")}
            </Link>
          ) : null}
          <ExportLinks list={data.key} to={`/committee/export/${data.key}`} />
        </div>
      </div>
      {data.rows.length === 0 ? (
        <EmptyState>{t("oversight.figureList.empty")}</EmptyState>
      ) : (
        <Table
          caption={t(`oversight.figures.${data.key}.title`)}
          head={
            <tr>
              <th className="px-3 py-2">{t("oversight.dashboard.dimensions.organization")}</th>
              <th className="px-3 py-2">{t("oversight.dashboard.dimensions.district")}</th>
              <th className="px-3 py-2">{t("oversight.dashboard.dimensions.industry")}</th>
              <th className="px-3 py-2">{t("oversight.figureList.kind")}</th>
              <th className="px-3 py-2">{t("oversight.figureList.subject")}</th>
              <th className="px-3 py-2">{t("oversight.figureList.detail")}</th>
              <th className="px-3 py-2">{t("oversight.figureList.at")}</th>
              <th className="px-3 py-2">
                <span className="sr-only">{t("oversight.figureList.open")}</span>
              </th>
            </tr>
          }
        >
          {data.rows.map((r, i) => (
            <tr key={`${r.organizationSlug}-${r.subject}-${i}`} data-testid="figure-row">
              <td className="px-3 py-2">{(en && r.organizationNameEn) || r.organizationName}</td>
              <td className="px-3 py-2">{r.district ? t(`credentials.districts.${r.district}`) : "—"}</td>
              <td className="px-3 py-2">{r.industryCode ?? "—"}</td>
              <td className="px-3 py-2">{kind(r.kind)}</td>
              <td className="px-3 py-2">{r.subject}</td>
              <td className="px-3 py-2">{r.detail}</td>
              <td className="whitespace-nowrap px-3 py-2">{r.at ? formatDateTime(r.at, locale) : "—"}</td>
              <td className="px-3 py-2">
                {r.href ? (
                  <Link to={r.href} className="text-blue-700 underline">
                    {t("oversight.figureList.open")}
                  </Link>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <nav className="flex gap-3 text-sm" aria-label={t("oversight.figureList.pages")}>
        {data.page > 1 ? (
          <Link to={pageHref(data.page - 1)} className="text-blue-700 underline">
            {t("oversight.figureList.previous")}
          </Link>
        ) : null}
        {data.page * data.pageSize < data.total ? (
          <Link to={pageHref(data.page + 1)} className="text-blue-700 underline">
            {t("oversight.figureList.next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
