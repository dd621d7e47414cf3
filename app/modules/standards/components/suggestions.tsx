import { Link, useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList } from "~/ui/form";

// Issue 19 items 4 and 5 on a question's or case's page: the skill requirements suggested for an item
// without any (one click links one), and the bank's near-identical questions.

interface SuggestionView {
  lineageId: string;
  code: string;
  titleZh: string;
  titleEn: string;
  score: number;
}

type Reply = { result?: { error?: Record<string, string[] | null> | null } };

/** The suggestions, each with its "link" button (a form: works without JavaScript). */
export function RequirementSuggestions({ action, suggestions }: { action: string; suggestions: SuggestionView[] }) {
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher<Reply>();
  const errors = fetcher.data?.result?.error;
  const en = i18n.language === "en";
  return (
    <section className="max-w-3xl rounded border border-amber-200 bg-amber-50 p-4" data-testid="requirement-suggestions">
      <h2 className="font-semibold">{t("smart.suggestions.title")}</h2>
      <p className="mb-2 text-sm text-gray-700">{t("smart.suggestions.lead")}</p>
      {suggestions.length === 0 ? (
        <p className="text-sm text-gray-600">{t("smart.suggestions.none")}</p>
      ) : (
        <ul className="space-y-2">
          {suggestions.map((s) => (
            <li key={s.lineageId} className="flex items-start gap-3 text-sm">
              <fetcher.Form method="post" action={action}>
                <input type="hidden" name="requirementId" value={s.lineageId} />
                <button type="submit" className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" disabled={fetcher.state !== "idle"}>
                  {t("smart.suggestions.accept")}
                </button>
              </fetcher.Form>
              <span>
                <span className="font-mono">{s.code}</span> {en && s.titleEn ? s.titleEn : s.titleZh}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ErrorList errors={errors?.requirementId ?? errors?.[""] ?? undefined} />
    </section>
  );
}

interface SimilarView {
  id: string;
  stem: string;
  similarity: number;
  version: number;
}

/** Questions of the bank whose stem is near-identical to this one (same certificate and type). */
export function SimilarQuestions({ slug, similar }: { slug: string; similar: SimilarView[] }) {
  const { t } = useTranslation();
  return (
    <section data-testid="similar-questions">
      <h2 className="mb-2 text-lg font-semibold">{t("smart.duplicates.similarTitle")}</h2>
      {similar.length === 0 ? (
        <p className="text-sm text-gray-600">{t("smart.duplicates.noSimilar")}</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {similar.map((q) => (
            <li key={q.id}>
              <Link to={`/w/${slug}/questions/${q.id}`} className="text-blue-700 hover:underline">
                {q.stem.length > 80 ? `${q.stem.slice(0, 80)}…` : q.stem}
              </Link>{" "}
              <span className="text-gray-600">{t("smart.duplicates.similarity", { percent: Math.round(q.similarity * 100) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
