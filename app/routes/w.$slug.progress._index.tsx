import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { Chip } from "~/modules/school/components/schema-form";
import { periodsWithReports } from "~/modules/school/progress.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay } from "~/ui/format";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.progress.title" };

// Periods are few (two a year): the list shows the latest 100, newest due first, without paging.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({ periods: await periodsWithReports(tx, ctx) }));
}

const tone = { not_started: "gray", draft: "amber", submitted: "green" } as const;

export default function Progress() {
  const { periods } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.progress.title")}</h1>
        <ExportLinks list="progress" />
      </div>
      <p className="text-sm text-gray-600">{t("school.progress.lead")}</p>
      {periods.length === 0 ? (
        <EmptyState>{t("school.progress.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.progress.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.progress.period")}</th>
              <th className="px-3 py-2">{t("school.progress.dueOn")}</th>
              <th className="px-3 py-2">{t("school.progress.state")}</th>
            </tr>
          }
        >
          {periods.map((p) => (
            <tr key={p.period.id}>
              <td className="px-3 py-2">
                <Link to={p.period.id} className="text-blue-700 hover:underline">
                  {p.name}
                </Link>
              </td>
              <td className="px-3 py-2">{formatDay(p.period.dueOn, locale)}</td>
              <td className="px-3 py-2">
                <Chip tone={tone[p.state as keyof typeof tone]}>{t(`school.progress.states.${p.state}`)}</Chip>{" "}
                {p.late ? (
                  <Chip tone="red" testId="late">
                    {t("school.progress.late")}
                  </Chip>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
