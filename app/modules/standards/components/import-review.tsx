import { Form, Link, useFetcher, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Notice } from "~/ui/form";
import { Table } from "~/ui/list";

// The question import's review (issue 19 items 4 and 5): rows flagged as near-duplicates of the bank's
// questions, row by row, with the choice to import or skip them; once imported, the questions without
// skill requirements with their suggestions, accepted in bulk.

interface Flagged {
  rowNumber: number;
  stem: string;
  similarity: number;
  duplicateOf: string | null;
  duplicateOfRow: number | null;
  existingStem: string;
}

interface Suggested {
  id: string;
  stem: string;
  suggestions: { lineageId: string; code: string; titleZh: string; titleEn: string }[];
}

type Reply = { accepted?: number; result?: { error?: Record<string, string[] | null> | null } };

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

export function ImportReview({
  status,
  duplicateCheck,
  duplicateRows,
  duplicates,
  flagged,
  suggestions,
}: {
  status: string;
  duplicateCheck: { skipped: true; rows: number; bank: number } | null;
  duplicateRows: number;
  duplicates: string | null;
  flagged: Flagged[];
  suggestions: Suggested[];
}) {
  const { t, i18n } = useTranslation();
  const { slug, jobId } = useParams();
  const fetcher = useFetcher<Reply>();
  const en = i18n.language === "en";
  const action = `/w/${slug}/questions/import/${jobId}/review`;
  const errors = fetcher.data?.result?.error;
  const pending = suggestions.filter((q) => q.suggestions.length > 0);
  return (
    <div className="space-y-6">
      {status === "review" ? (
        <section className="space-y-3" data-testid="duplicate-review">
          <Notice tone="info">{t("smart.duplicates.reviewLead", { count: duplicateRows })}</Notice>
          <Table
            caption={t("smart.duplicates.flaggedTitle")}
            head={
              <tr>
                <th className="px-3 py-2">{t("smart.duplicates.row")}</th>
                <th className="px-3 py-2">{t("smart.duplicates.stem")}</th>
                <th className="px-3 py-2">{t("smart.duplicates.resembles")}</th>
                <th className="px-3 py-2 text-right">{t("smart.duplicates.similarityColumn")}</th>
              </tr>
            }
          >
            {flagged.map((row) => (
              <tr key={row.rowNumber} data-testid="duplicate-row">
                <td className="px-3 py-2">{row.rowNumber}</td>
                <td className="px-3 py-2">{short(row.stem)}</td>
                <td className="px-3 py-2">
                  {row.duplicateOf ? (
                    <Link to={`/w/${slug}/questions/${row.duplicateOf}`} className="text-blue-700 hover:underline">
                      {short(row.existingStem)}
                    </Link>
                  ) : (
                    // An earlier row of the same file (decision 057).
                    <span data-testid="duplicate-of-row">
                      {t("smart.duplicates.earlierRow", { row: row.duplicateOfRow })} {short(row.existingStem)}
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-right">{Math.round(row.similarity * 100)}%</td>
              </tr>
            ))}
          </Table>
          {duplicateRows > flagged.length ? <p className="text-sm text-gray-600">{t("smart.duplicates.moreFlagged", { shown: flagged.length })}</p> : null}
          <Form method="post" action={action} className="flex flex-wrap gap-3">
            <button type="submit" name="intent" value="skip" className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800">
              {t("smart.duplicates.skip", { count: duplicateRows })}
            </button>
            <button type="submit" name="intent" value="keep" className="rounded border border-gray-300 bg-white px-4 py-2 hover:bg-gray-100">
              {t("smart.duplicates.keep")}
            </button>
          </Form>
        </section>
      ) : null}
      {duplicateCheck ? (
        <div data-testid="duplicate-check-skipped">
          <Notice tone="info">{t("smart.duplicates.notRun", { rows: duplicateCheck.rows, bank: duplicateCheck.bank })}</Notice>
        </div>
      ) : null}
      {status === "done" && duplicates ? (
        <p className="text-sm text-gray-600">{t(`smart.duplicates.decided.${duplicates}`, { count: duplicateRows })}</p>
      ) : null}
      {status === "done" && pending.length > 0 ? (
        <section className="space-y-3" data-testid="bulk-suggestions">
          <h2 className="text-lg font-semibold">{t("smart.suggestions.bulkTitle")}</h2>
          <p className="text-sm text-gray-700">{t("smart.suggestions.bulkLead")}</p>
          {fetcher.data?.accepted ? <Notice tone="success">{t("smart.suggestions.accepted", { count: fetcher.data.accepted })}</Notice> : null}
          <ErrorList errors={errors ? Object.values(errors).flatMap((e) => e ?? []) : undefined} />
          <fetcher.Form method="post" action={action} className="space-y-3">
            <Table
              caption={t("smart.suggestions.bulkTitle")}
              head={
                <tr>
                  <th className="px-3 py-2">{t("smart.duplicates.stem")}</th>
                  <th className="px-3 py-2">{t("smart.suggestions.title")}</th>
                </tr>
              }
            >
              {pending.map((q) => (
                <tr key={q.id}>
                  <td className="px-3 py-2 align-top">
                    <Link to={`/w/${slug}/questions/${q.id}`} className="text-blue-700 hover:underline">
                      {short(q.stem)}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    {q.suggestions.map((s, i) => (
                      <label key={s.lineageId} className="block">
                        <input type="checkbox" name="accept" value={`${q.id}:${s.lineageId}`} defaultChecked={i === 0} className="mr-2" />
                        <span className="font-mono">{s.code}</span> {en && s.titleEn ? s.titleEn : s.titleZh}
                      </label>
                    ))}
                  </td>
                </tr>
              ))}
            </Table>
            <button
              type="submit"
              name="intent"
              value="accept"
              className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800"
              disabled={fetcher.state !== "idle"}
            >
              {t("smart.suggestions.acceptSelected")}
            </button>
          </fetcher.Form>
        </section>
      ) : null}
    </div>
  );
}
