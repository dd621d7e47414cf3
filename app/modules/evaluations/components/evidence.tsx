import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { formatDate } from "~/ui/format";
import type { Evidence } from "../criteria";

// The evidence beside an organization's scores, computed from the data (decision 046).

export function EvidenceList({ evidence: e }: { evidence: Evidence }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const items: [string, string, boolean][] = [
    ["feeFindings", String(e.feeFindings), e.feeFindings > 0],
    ["upheldViolations", String(e.upheldViolations), e.upheldViolations > 0],
    ["openViolations", String(e.openViolations), false],
    [
      "industryShare",
      e.industryShare === null
        ? t("supervision.evidence.noTrainers")
        : t("supervision.evidence.share", { share: e.industryShare, industry: e.industryTrainers, trainers: e.trainers }),
      e.industryShare !== null && e.industryShare < 40,
    ],
    [
      "bankFreshness",
      e.bankUpdatedAt
        ? t("supervision.evidence.bankAge", { date: formatDate(e.bankUpdatedAt, locale), days: e.bankAgeDays })
        : t("supervision.evidence.emptyBanks"),
      e.bankUpdatedAt === null || (e.bankAgeDays ?? 0) > 365,
    ],
    ["reportTimeliness", t("supervision.evidence.reports", { late: e.reportsLate, submitted: e.reportsSubmitted }), e.reportsLate > 0],
    [
      "filings",
      t("supervision.evidence.filingCounts", { approved: e.filingsApproved, pending: e.filingsPending, refused: e.filingsRefused }),
      e.filingsRefused > 0,
    ],
  ];
  return (
    <dl className="grid grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm" data-testid="evidence">
      {items.map(([key, value, flagged]) => (
        <div key={key} className="contents">
          <dt className="text-gray-500">{t(`supervision.evidence.${key}`)}</dt>
          <dd className={flagged ? "font-medium text-red-700" : undefined} data-evidence={key}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
