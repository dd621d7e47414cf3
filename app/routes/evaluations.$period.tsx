import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SuspendedMark } from "~/modules/admission/components";
import type { Locale } from "~/i18n/i18n";
import { publishedEvaluation } from "~/modules/evaluations/evaluations.server";
import { publicPage } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { EmptyState, Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

// The published result list of a finalized evaluation period (no login; decision 046): the
// organization and the decision, nothing of the scores, comments or notes.
export const handle = titleFrom<typeof loader>((data, t) => `${t("supervision.evaluations.publicTitle")} · ${data.title}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const code = params.period ?? "";
  if (!/^[0-9A-Za-z-]{1,20}$/.test(code)) throw new Response("Not found", { status: 404 });
  const found = await publicPage({ request, context }, "evaluations", () => withPublic({ request, context }, (tx) => publishedEvaluation(tx, code)));
  if (!found) throw new Response("Not found", { status: 404 });
  return { ...found, code };
}

export default function PublishedEvaluation() {
  const { title, finalizedAt, results } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">
        {t("supervision.evaluations.publicTitle")} · {title}
      </h1>
      <p className="text-sm text-gray-600">{t("supervision.evaluations.publishedOn", { date: formatDate(finalizedAt, locale) })}</p>
      {results.length === 0 ? (
        <EmptyState>{t("supervision.evaluations.noResults")}</EmptyState>
      ) : (
        <Table
          caption={title}
          head={
            <tr>
              <th className="px-3 py-2">{t("supervision.evaluations.organization")}</th>
              <th className="px-3 py-2">{t("supervision.evaluations.decision")}</th>
            </tr>
          }
        >
          {results.map((r) => (
            <tr key={r.name}>
              <td className="px-3 py-2">
                {locale === "en" && r.nameEn ? r.nameEn : r.name}
                <SuspendedMark suspended={r.suspended} />
              </td>
              <td className="px-3 py-2" data-testid="public-decision">
                {t(`supervision.decisions.${r.decision}`)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
