import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { publicPage } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { selectedTypicalCases } from "~/modules/typical-cases/typical-cases.server";
import { formatDate } from "~/ui/format";
import { EmptyState } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// 典型案例 selected by the committee (no login; the public cache's group "typical_cases").
export const handle: RouteHandle = { title: "supervision.typicalCases.publicTitle" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return publicPage({ request, context }, "typical_cases", () => withPublic({ request, context }, async (tx) => ({ cases: await selectedTypicalCases(tx) })));
}

export default function SelectedTypicalCases() {
  const { cases } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("supervision.typicalCases.publicTitle")}</h1>
      {cases.length === 0 ? <EmptyState>{t("supervision.typicalCases.noneSelected")}</EmptyState> : null}
      {cases.map((c) => (
        <article key={c.id} className="max-w-3xl space-y-2 rounded border border-gray-200 p-4" data-testid="selected-case">
          <h2 className="text-lg font-semibold">{c.title}</h2>
          <p className="text-sm text-gray-500">
            {locale === "en" && c.submitterEn ? c.submitterEn : c.submitter}
            {c.decidedAt ? ` · ${formatDate(c.decidedAt, locale)}` : ""}
          </p>
          <p className="font-medium">{c.summary}</p>
          <div className="whitespace-pre-wrap text-sm">{c.body}</div>
        </article>
      ))}
    </div>
  );
}
