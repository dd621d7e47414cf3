import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { listAdoptions } from "~/modules/school/adoptions.server";
import { Chip } from "~/modules/school/components/schema-form";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.adoptions.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({
    page: await listAdoptions(tx, ctx, { cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
    canPropose: ctx.permissions.includes("school:contribute"),
  }));
}

const tone = { proposed: "amber", approved: "green", rejected: "red" } as const;

export default function Adoptions() {
  const { page, canPropose } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.adoptions.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="adoptions" />
          {canPropose ? (
            <Link to="new" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
              {t("school.adoptions.new")}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="text-sm text-gray-600">{t("school.adoptions.lead")}</p>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.adoptions.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.adoptions.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.adoptions.certificate")}</th>
              <th className="px-3 py-2">{t("school.adoptions.major")}</th>
              <th className="px-3 py-2">{t("school.adoptions.pinnedVersion")}</th>
              <th className="px-3 py-2">{t("school.adoptions.status")}</th>
              <th className="px-3 py-2">{t("school.proposedAt")}</th>
            </tr>
          }
        >
          {page.rows.map((a) => (
            <tr key={a.id}>
              <td className="px-3 py-2">
                <Link to={a.id} className="text-blue-700 hover:underline">
                  {a.certificateName} · {t(`certificates.levelNames.${a.level}`)}
                </Link>
                <div className="text-xs text-gray-500">{a.organizationName}</div>
              </td>
              <td className="px-3 py-2">
                {a.majorCode} {a.majorName}
              </td>
              <td className="px-3 py-2">
                {a.standardVersion ? t("school.adoptions.versionN", { version: a.standardVersion }) : "—"}{" "}
                {a.status === "approved" && a.latestVersion && a.standardVersion && a.latestVersion > a.standardVersion ? (
                  <Chip tone="blue" testId="update-available">
                    {t("school.adoptions.updateAvailable")}
                  </Chip>
                ) : null}
              </td>
              <td className="px-3 py-2">
                <Chip tone={tone[a.status]}>{t(`school.adoptions.statuses.${a.status}`)}</Chip>
              </td>
              <td className="px-3 py-2">{formatDate(a.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
    </div>
  );
}
