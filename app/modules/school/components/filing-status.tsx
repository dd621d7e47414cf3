import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { Chip } from "./schema-form";

const tone = { draft: "gray", submitted: "blue", resubmitted: "blue", returned: "amber", approved: "green", rejected: "red" } as const;

export function FilingStatusChip({ status }: { status: keyof typeof tone }) {
  const { t } = useTranslation();
  return (
    <Chip tone={tone[status]} testId="filing-status">
      {t(`school.filings.statuses.${status}`)}
    </Chip>
  );
}

/** The filing's steps, with the committee's comments. */
export function FilingEvents({
  events,
  format,
}: {
  events: { id: string; toStatus: keyof typeof tone; comment: string; actorSide: string; createdAt: string }[];
  format: (at: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <ol className="space-y-2 text-sm">
      {events.map((e) => (
        <li key={e.id} className="rounded border border-gray-200 bg-white px-3 py-2">
          <span className="text-gray-500">{format(e.createdAt)}</span> · {t(`school.filings.sides.${e.actorSide}`)} · <FilingStatusChip status={e.toStatus} />
          {e.comment ? (
            <p className="mt-1" data-testid="filing-comment">
              {e.comment}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The fields of the filing form (new and edit). */
export function filingFormFields(
  t: (key: string) => string,
  majors: { id: string; code: string; name: string }[],
  certificates: { id: string; nameZh: string; nameEn: string; organizationName: string }[],
  en: boolean,
) {
  return [
    { name: "majorId", label: t("school.filings.major"), kind: "select" as const, options: majors.map((m) => ({ value: m.id, label: `${m.code} ${m.name}` })) },
    {
      name: "certificateId",
      label: t("school.filings.certificate"),
      kind: "select" as const,
      options: certificates.map((c) => ({ value: c.id, label: `${en ? c.nameEn : c.nameZh} · ${c.organizationName}` })),
    },
    {
      name: "level",
      label: t("school.filings.level"),
      kind: "select" as const,
      options: levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })),
    },
    { name: "expectedStudentsPerYear", label: t("school.filings.expectedStudentsPerYear"), kind: "number" as const },
    { name: "examSitePlan", label: t("school.filings.examSitePlan"), kind: "textarea" as const },
    { name: "responsibleOffice", label: t("school.filings.responsibleOffice") },
    { name: "responsiblePerson", label: t("school.filings.responsiblePerson") },
    { name: "contactEmail", label: t("school.filings.contactEmail"), kind: "email" as const },
  ];
}
