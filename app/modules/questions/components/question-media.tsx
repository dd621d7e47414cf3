import { useTranslation } from "react-i18next";
import { optionLetters } from "~/modules/questions/schemas";

/** A question's media (images, audio, video from an import) shown with it, and kept partial credit. */
export function QuestionMedia({
  questionId,
  attachments,
  weights,
  options,
}: {
  questionId: string;
  attachments: { id: string; fileName: string; contentType: string }[];
  weights: number[] | null;
  options: string[];
}) {
  const { t } = useTranslation();
  if (!attachments.length && !weights) return null;
  return (
    <section className="max-w-3xl space-y-3" data-testid="question-media">
      {weights ? (
        <div>
          <h2 className="mb-1 text-lg font-semibold">{t("moodle.weights")}</h2>
          <ul className="text-sm" data-testid="answer-weights">
            {options.map((option, i) => (
              <li key={i}>
                {optionLetters[i]}. {option}: {weights[i] ?? 0}%
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {attachments.length ? (
        <div>
          <h2 className="mb-1 text-lg font-semibold">{t("moodle.media.title")}</h2>
          <ul className="space-y-3">
            {attachments.map((file) => {
              const src = `${questionId}/attachments/${file.id}`;
              return (
                <li key={file.id} data-testid="question-attachment">
                  <p className="text-sm text-gray-600">{file.fileName}</p>
                  {file.contentType.startsWith("image/") ? (
                    <img src={src} alt={file.fileName} className="max-h-96 max-w-full rounded border border-gray-200" />
                  ) : file.contentType.startsWith("audio/") ? (
                    <audio controls preload="none" src={src} aria-label={file.fileName} />
                  ) : (
                    <video controls preload="none" src={src} aria-label={file.fileName} className="max-w-full" />
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
