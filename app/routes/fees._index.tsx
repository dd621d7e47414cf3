import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { levels } from "~/modules/certificates/schemas";
import { SuspendedMark } from "~/modules/admission/components";
import { feesInForce, publicFeeFacets, upcomingFees, type PublicFeeRow } from "~/modules/fees/public.server";
import { feeKinds, publicFeeFilterSchema } from "~/modules/fees/schemas";
import { publicPage } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { formatDay, formatFen } from "~/ui/format";
import { EmptyState, filterSelect, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

const pageSize = 50;

export const handle: RouteHandle = { title: "fees.publicTitle" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Shared by every anonymous visitor until a fee changes (decision 026).
  return publicPage({ request, context }, "fees", () =>
    withPublic({ request, context }, async (tx, { locale }) => {
      const filter = publicFeeFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
      // 50 rows a page, and the 50 nearest announcements: the page is read on phones, and at the national
      // scale a longer one cost more to render than its queries took (PERFORMANCE.md). The three reads
      // are sent together: one round trip.
      const [inForce, upcoming, facets] = await Promise.all([
        feesInForce(tx, filter, locale, pageSize),
        filter.cursor ? [] : upcomingFees(tx, filter, locale, pageSize + 1),
        publicFeeFacets(tx, locale, filter.organization),
      ]);
      return { ...inForce, upcoming: upcoming.slice(0, pageSize), moreUpcoming: upcoming.length > pageSize, facets };
    }),
  );
}

function FeeRows({ rows }: { rows: PublicFeeRow[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <>
      {rows.map((fee) => (
        <tr key={fee.id}>
          <td className="px-3 py-2">
            {fee.organization}
            <SuspendedMark suspended={fee.organizationSuspended} />
          </td>
          <td className="px-3 py-2">
            {fee.certificate} <span className="font-mono text-xs text-gray-500">{fee.certificateCode}</span>
          </td>
          <td className="px-3 py-2">{t(`certificates.levelNames.${fee.level}`)}</td>
          <td className="px-3 py-2">
            {t(`fees.kinds.${fee.kind}`)}
            {fee.kind === "teacher_training" ? <span className="ml-1 rounded bg-green-100 px-1 text-xs text-green-800">{t("fees.voluntary")}</span> : null}
          </td>
          <td className="whitespace-nowrap px-3 py-2 text-right font-medium">
            {formatFen(fee.amountFen, locale)} <span className="text-xs font-normal text-gray-500">{t(`fees.units.${fee.unit}`)}</span>
          </td>
          <td className="whitespace-nowrap px-3 py-2">
            {formatDay(fee.effectiveFrom, locale)}
            {fee.effectiveUntil ? ` – ${formatDay(fee.effectiveUntil, locale)}` : ""}
          </td>
          <td className="px-3 py-2">
            <Link to={`/fees/${fee.id}`} className="text-blue-700 hover:underline">
              {t("fees.history")}
            </Link>
          </td>
        </tr>
      ))}
    </>
  );
}

export default function PublicFees() {
  const { asOf, rows, nextCursor, upcoming, moreUpcoming, facets } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const select = filterSelect(searchParams, t("fees.all"));
  const head = (
    <tr>
      <th className="px-3 py-2">{t("fees.organization")}</th>
      <th className="px-3 py-2">{t("fees.certificate")}</th>
      <th className="px-3 py-2">{t("fees.level")}</th>
      <th className="px-3 py-2">{t("fees.kind")}</th>
      <th className="px-3 py-2 text-right">{t("fees.amount")}</th>
      <th className="px-3 py-2">{t("fees.effective")}</th>
      <th className="px-3 py-2">
        <span className="sr-only">{t("fees.history")}</span>
      </th>
    </tr>
  );
  const csvQuery = new URLSearchParams(searchParams);
  csvQuery.delete("cursor");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("fees.publicTitle")}</h1>
          <p className="text-sm text-gray-600">{t("fees.publicLead")}</p>
        </div>
        <a href={`/fees.csv?${csvQuery}`} className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100" download>
          {t("fees.downloadCsv")}
        </a>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm" role="search">
        <label>
          {t("fees.organization")}
          {select(
            "organization",
            facets.organizations.map((o) => ({ value: o.slug, label: o.name })),
          )}
        </label>
        {facets.certificates ? (
          <label>
            {t("fees.certificate")}
            {select(
              "certificate",
              facets.certificates.map((c) => ({ value: c.code, label: c.name })),
            )}
          </label>
        ) : (
          <label>
            {t("fees.certificateCode")}
            <input
              name="certificate"
              defaultValue={searchParams.get("certificate") ?? ""}
              maxLength={40}
              placeholder="AI-TRAINER"
              title={t("fees.certificateCodeHint")}
              aria-describedby="certificate-code-hint"
              className="mt-1 block w-40 rounded border border-gray-300 px-2 py-1 font-mono"
            />
            <span id="certificate-code-hint" className="sr-only">
              {t("fees.certificateCodeHint")}
            </span>
          </label>
        )}
        <label>
          {t("fees.level")}
          {select(
            "level",
            levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })),
          )}
        </label>
        <label>
          {t("fees.kind")}
          {select(
            "kind",
            feeKinds.map((k) => ({ value: k, label: t(`fees.kinds.${k}`) })),
          )}
        </label>
        <label>
          {t("fees.asOf")}
          <input type="date" name="asOf" defaultValue={asOf} className="mt-1 block rounded border border-gray-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
          {t("fees.apply")}
        </button>
      </Form>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("fees.inForceOn", { day: formatDay(asOf, i18n.language as Locale) })}</h2>
        {rows.length === 0 ? (
          <EmptyState>{t("fees.noneInForce")}</EmptyState>
        ) : (
          <Table caption={t("fees.publicTitle")} head={head}>
            <FeeRows rows={rows} />
          </Table>
        )}
        {rows.some((r) => r.organizationSuspended) || upcoming.some((r) => r.organizationSuspended) ? (
          <p className="mt-2 text-sm text-gray-600">{t("admission.public.suspendedList")}</p>
        ) : null}
        <NextPage cursor={nextCursor} />
      </section>
      {upcoming.length > 0 ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("fees.upcoming")}</h2>
          <Table caption={t("fees.upcoming")} head={head}>
            <FeeRows rows={upcoming} />
          </Table>
          {moreUpcoming ? <p className="mt-2 text-sm text-gray-600">{t("fees.upcomingMore")}</p> : null}
        </section>
      ) : null}
      <p className="text-xs text-gray-500">{t("fees.apiNote")}</p>
    </div>
  );
}
