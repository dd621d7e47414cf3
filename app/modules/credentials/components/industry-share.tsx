import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/ui/list";

export interface ShareRow {
  certificateId: string | null;
  certificateCode: string | null;
  trainers: number;
  industry: number;
  needed: number;
}

const percent = (row: ShareRow) => (row.trainers ? Math.round((row.industry / row.trainers) * 1000) / 10 : 0);

/** 行业企业培训师占比 on the organization's overview: the whole and each certificate, flagged under 40%. */
export function IndustryShare({ shares }: { shares: ShareRow[] }) {
  const { t } = useTranslation();
  const [overall, ...perCertificate] = shares;
  const flagged = overall.needed > 0;
  return (
    <section className="space-y-3" data-testid="industry-share">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">{t("credentials.share.title")}</h2>
        <Link to="credentials" className="text-sm text-blue-700 hover:underline">
          {t("credentials.title")}
        </Link>
      </div>
      <p className="text-sm text-gray-600">{t("credentials.share.lead")}</p>
      {overall.trainers === 0 ? (
        <p className="text-sm text-gray-600">{t("credentials.share.noTrainers")}</p>
      ) : (
        <p
          className={`rounded px-3 py-2 text-sm ${flagged ? "bg-amber-50 text-amber-900" : "bg-green-50 text-green-900"}`}
          role={flagged ? "alert" : undefined}
          data-testid="industry-share-overall"
        >
          {t("credentials.share.overall")}: {overall.industry}/{overall.trainers} = <strong>{percent(overall)}%</strong> ·{" "}
          {flagged ? t("credentials.share.neededCount", { count: overall.needed }) : t("credentials.share.met")}
        </p>
      )}
      {perCertificate.length ? (
        <Table
          caption={t("credentials.share.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("credentials.certificate")}</th>
              <th className="px-3 py-2 text-right">{t("credentials.share.trainers")}</th>
              <th className="px-3 py-2 text-right">{t("credentials.share.industry")}</th>
              <th className="px-3 py-2 text-right">{t("credentials.share.ratio")}</th>
              <th className="px-3 py-2">{t("credentials.share.needed")}</th>
            </tr>
          }
        >
          {perCertificate.map((row) => (
            <tr key={row.certificateId} data-testid="industry-share-row" data-needed={row.needed}>
              <td className="px-3 py-2 font-mono text-xs">{row.certificateCode}</td>
              <td className="px-3 py-2 text-right">{row.trainers}</td>
              <td className="px-3 py-2 text-right">{row.industry}</td>
              <td className="px-3 py-2 text-right">{percent(row)}%</td>
              <td className={`px-3 py-2 ${row.needed ? "text-amber-800" : "text-green-800"}`}>
                {row.needed ? t("credentials.share.neededCount", { count: row.needed }) : t("credentials.share.met")}
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </section>
  );
}
