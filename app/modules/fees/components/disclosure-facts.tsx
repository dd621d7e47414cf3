import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { formatDateTime, formatDay, formatFen } from "~/ui/format";

/** The published facts of a disclosure, the same on the workspace and public pages. */
export function DisclosureFacts({
  disclosure,
}: {
  disclosure: {
    amountFen: number;
    unit: string;
    kind: string;
    includes: string;
    effectiveFrom: string;
    effectiveUntil: string | null;
    contact: string;
    changeReason: string;
    publishedAt: string | Date | null;
  };
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <dl className="grid max-w-2xl grid-cols-[10rem_1fr] gap-2 rounded border border-gray-200 bg-white p-6 text-sm">
      <dt className="text-gray-600">{t("fees.amount")}</dt>
      <dd className="text-lg font-semibold">
        {formatFen(disclosure.amountFen, locale)} <span className="text-sm font-normal text-gray-600">{t(`fees.units.${disclosure.unit}`)}</span>
      </dd>
      <dt className="text-gray-600">{t("fees.effective")}</dt>
      <dd>
        {formatDay(disclosure.effectiveFrom, locale)}
        {disclosure.effectiveUntil ? ` – ${formatDay(disclosure.effectiveUntil, locale)}` : ` ${t("fees.openEnded")}`}
      </dd>
      {disclosure.kind === "teacher_training" ? (
        <>
          <dt className="text-gray-600">{t("fees.participation")}</dt>
          <dd>
            <span className="font-medium text-green-800">{t("fees.voluntary")}</span>
            <p className="text-xs text-gray-600">{t("fees.teacherTrainingVoluntary")}</p>
          </dd>
        </>
      ) : null}
      <dt className="text-gray-600">{t("fees.includes")}</dt>
      <dd className="whitespace-pre-wrap">{disclosure.includes || "—"}</dd>
      <dt className="text-gray-600">{t("fees.contact")}</dt>
      <dd>{disclosure.contact}</dd>
      {disclosure.changeReason ? (
        <>
          <dt className="text-gray-600">{t("fees.changeReason")}</dt>
          <dd className="whitespace-pre-wrap">{disclosure.changeReason}</dd>
        </>
      ) : null}
      {disclosure.publishedAt ? (
        <>
          <dt className="text-gray-600">{t("fees.publishedAt")}</dt>
          <dd>{formatDateTime(disclosure.publishedAt, locale)}</dd>
        </>
      ) : null}
    </dl>
  );
}
