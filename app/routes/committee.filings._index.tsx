import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { FilingStatusChip } from "~/modules/school/components/filing-status";
import { listFilings } from "~/modules/school/filings.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The committee's review queue of school filings: waiting for a decision first (issue 17 item 3),
// the decided ones and all of them a tab away; each filing's page shows its history and comments.
export const handle: RouteHandle = { title: "school.filings.committeeTitle" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const queue = params.get("queue") === "decided" ? "decided" : params.get("queue") === "all" ? undefined : "pending";
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => ({
    queue: queue ?? "all",
    page: await listFilings(tx, ctx, { all: true, queue, cursor: params.get("cursor") ?? undefined }),
  }));
}

export default function CommitteeFilings() {
  const { page, queue } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("school.filings.committeeTitle")}</h1>
      <nav aria-label={t("supervision.filings.queues")} className="flex gap-2 text-sm">
        {(["pending", "decided", "all"] as const).map((q) => (
          <NavLink
            key={q}
            to={`?queue=${q}`}
            aria-current={queue === q ? "page" : undefined}
            className={`rounded px-3 py-1 ${queue === q ? "bg-blue-100 font-medium text-blue-900" : "hover:bg-gray-100"}`}
          >
            {t(`supervision.filings.queue.${q}`)}
          </NavLink>
        ))}
      </nav>
      <ExportLinks list="filings" to="/committee/export/filings" query={{ queue }} />
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.filings.committeeEmpty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.filings.committeeTitle")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.filings.school")}</th>
              <th className="px-3 py-2">{t("school.filings.certificate")}</th>
              <th className="px-3 py-2">{t("school.filings.major")}</th>
              <th className="px-3 py-2">{t("school.filings.status")}</th>
              <th className="px-3 py-2">{t("school.filings.submittedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((f) => (
            <tr key={f.id}>
              <td className="px-3 py-2">{f.schoolName}</td>
              <td className="px-3 py-2">
                <Link to={f.id} className="text-blue-700 hover:underline">
                  {f.certificateName} · {t(`certificates.levelNames.${f.level}`)}
                </Link>
              </td>
              <td className="px-3 py-2">
                {f.majorCode} {f.majorName}
              </td>
              <td className="px-3 py-2">
                <FilingStatusChip status={f.status} />
              </td>
              <td className="px-3 py-2">{f.submittedAt ? formatDate(f.submittedAt, locale) : "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
