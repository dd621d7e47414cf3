import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate, formatDateTime } from "~/ui/format";
import { Table } from "~/ui/list";
import type { Locale } from "~/i18n/i18n";
import { Chip } from "./schema-form";

const tone = { received: "blue", investigating: "amber", upheld: "red", dismissed: "gray" } as const;

export function ViolationStatusChip({ status }: { status: keyof typeof tone }) {
  const { t } = useTranslation();
  return (
    <Chip tone={tone[status]} testId="violation-status">
      {t(`school.violations.statuses.${status}`)}
    </Chip>
  );
}

/** The list of reports, the same for the reporting school and the committee: each links to its page. */
export function ViolationTable({
  rows,
  caption,
}: {
  rows: { id: string; organizationName: string; category: string; status: keyof typeof tone; createdAt: string }[];
  caption: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <Table
      caption={caption}
      head={
        <tr>
          <th className="px-3 py-2">{t("school.violations.organization")}</th>
          <th className="px-3 py-2">{t("school.violations.category")}</th>
          <th className="px-3 py-2">{t("school.violations.status")}</th>
          <th className="px-3 py-2">{t("school.violations.filedAt")}</th>
        </tr>
      }
    >
      {rows.map((r) => (
        <tr key={r.id}>
          <td className="px-3 py-2">
            <Link to={r.id} className="text-blue-700 hover:underline">
              {r.organizationName}
            </Link>
          </td>
          <td className="px-3 py-2">{t(`school.violations.categories.${r.category}`)}</td>
          <td className="px-3 py-2">
            <ViolationStatusChip status={r.status} />
          </td>
          <td className="px-3 py-2">{formatDate(r.createdAt, locale)}</td>
        </tr>
      ))}
    </Table>
  );
}

/** A report as its school and the committee see it: what was reported, evidence, status updates. */
export function ViolationView({
  report,
  organizationName,
  evidence,
  updates,
  evidenceHref,
}: {
  report: { category: string; description: string; status: keyof typeof tone; createdAt: string };
  organizationName: string;
  evidence: { id: string; fileName: string; sizeBytes: number; createdAt: string }[];
  updates: { id: string; status: keyof typeof tone; note: string; createdAt: string }[];
  evidenceHref: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-gray-500">{t("school.violations.title")}</p>
        <h1 className="text-2xl font-bold">
          {organizationName} · {t(`school.violations.categories.${report.category}`)}
        </h1>
        <p className="text-sm text-gray-600">
          {formatDateTime(report.createdAt, locale)} · <ViolationStatusChip status={report.status} />
        </p>
      </div>
      <p className="max-w-3xl whitespace-pre-wrap rounded border border-gray-200 bg-white p-4 text-sm">{report.description}</p>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.violations.evidence")}</h2>
        {evidence.length === 0 ? (
          <p className="text-sm text-gray-500">{t("school.violations.noEvidence")}</p>
        ) : (
          <ul className="list-disc pl-6 text-sm">
            {evidence.map((e) => (
              <li key={e.id}>
                <a href={evidenceHref(e.id)} className="text-blue-700 underline">
                  {e.fileName}
                </a>{" "}
                ({formatBytes(e.sizeBytes)}, {t("school.violations.addedAt", { at: formatDateTime(e.createdAt, locale) })})
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.violations.updates")}</h2>
        {updates.length === 0 ? (
          <p className="text-sm text-gray-500">{t("school.violations.noUpdates")}</p>
        ) : (
          <ol className="space-y-2 text-sm">
            {updates.map((u) => (
              <li key={u.id} className="rounded border border-gray-200 bg-white px-3 py-2">
                {formatDateTime(u.createdAt, locale)} · <ViolationStatusChip status={u.status} />
                {u.note ? <p className="mt-1">{u.note}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
