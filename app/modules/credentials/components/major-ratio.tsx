import { useTranslation } from "react-i18next";
import { EmptyState, Table } from "~/ui/list";

export interface RatioRow {
  scope: "major" | "cohort";
  cohortId: string | null;
  majorId: string;
  majorCode: string;
  majorName: string;
  entryYear: number | null;
  students: number;
  trainers: number;
  ratio: number | null;
  over: boolean;
  missing: number;
}

/** The 1:80 table: a row per cohort, flagged above 80 students per trainer with the trainers missing. */
export function RatioTable({ rows, showMajor = false }: { rows: RatioRow[]; showMajor?: boolean }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <EmptyState>{t("credentials.ratio.noCohorts")}</EmptyState>;
  return (
    <Table
      caption={t("credentials.ratio.title")}
      head={
        <tr>
          {showMajor ? <th className="px-3 py-2">{t("credentials.ratio.major")}</th> : null}
          <th className="px-3 py-2">{t("credentials.ratio.cohort")}</th>
          <th className="px-3 py-2 text-right">{t("credentials.ratio.students")}</th>
          <th className="px-3 py-2 text-right">{t("credentials.ratio.trainers")}</th>
          <th className="px-3 py-2 text-right">{t("credentials.ratio.ratio")}</th>
          <th className="px-3 py-2">{t("credentials.ratio.verdict")}</th>
        </tr>
      }
    >
      {rows.map((r) => (
        <tr key={`${r.majorId}:${r.cohortId ?? "all"}`} data-testid="ratio-row" className={r.scope === "major" ? "font-medium" : undefined}>
          {showMajor ? (
            <td className="px-3 py-2">
              <span className="font-mono">{r.majorCode}</span> {r.majorName}
            </td>
          ) : null}
          <td className="px-3 py-2">{r.scope === "major" ? t("credentials.ratio.allCohorts") : r.entryYear}</td>
          <td className="px-3 py-2 text-right">{r.students}</td>
          <td className="px-3 py-2 text-right">{r.trainers}</td>
          <td className="px-3 py-2 text-right">{r.ratio === null ? "—" : `1:${r.ratio}`}</td>
          <td className="px-3 py-2">
            {r.over ? (
              <span className="rounded bg-amber-100 px-2 py-0.5 text-amber-900" data-testid="ratio-flag">
                {t("credentials.ratio.missing", { count: r.missing })}
              </span>
            ) : (
              <span className="text-green-800">{t("credentials.ratio.ok")}</span>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}
