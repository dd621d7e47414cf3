import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { Chip } from "~/modules/school/components/schema-form";
import { withCommittee } from "~/modules/tenancy/context.server";
import { committeeTypicalCases } from "~/modules/typical-cases/typical-cases.server";
import { formatDate } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// 典型案例: every submission with the members' mean score; the shortlist is read here.
export const handle: RouteHandle = { title: "supervision.typicalCases.committeeTitle" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => ({
    slug: ctx.tenant.slug,
    page: await committeeTypicalCases(tx, new URL(request.url).searchParams.get("cursor") ?? undefined),
  }));
}

export default function CommitteeTypicalCases() {
  const { page, slug } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("supervision.typicalCases.committeeTitle")}</h1>
      <ExportLinks slug={slug} list="typical-cases" />
      <p className="text-sm">
        <Link to="/cases/selected" className="text-blue-700 hover:underline">
          {t("supervision.typicalCases.publicTitle")}
        </Link>
      </p>
      {page.rows.length === 0 ? (
        <EmptyState>{t("supervision.typicalCases.none")}</EmptyState>
      ) : (
        <Table
          caption={t("supervision.typicalCases.committeeTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("supervision.typicalCases.caseTitle")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.submitter")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.mean")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.status")}</th>
              <th className="px-3 py-2">{t("supervision.typicalCases.submittedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-2">
                <Link to={c.id} className="text-blue-700 hover:underline">
                  {c.title}
                </Link>
              </td>
              <td className="px-3 py-2">{c.submitter}</td>
              <td className="px-3 py-2">{c.meanScore ? `${c.meanScore} (${c.scoreCount})` : "—"}</td>
              <td className="px-3 py-2">
                <Chip tone={c.status === "selected" ? "green" : c.status === "declined" ? "gray" : "blue"}>
                  {t(`supervision.typicalCases.statuses.${c.status}`)}
                </Chip>
              </td>
              <td className="px-3 py-2">{formatDate(c.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
