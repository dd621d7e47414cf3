import { useTranslation } from "react-i18next";
import type { AdmissionStatus } from "./schemas";

const tones: Record<AdmissionStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  admitted: "bg-green-100 text-green-900",
  refused: "bg-gray-200 text-gray-800",
  suspended: "bg-red-100 text-red-900",
};

export function AdmissionChip({ status }: { status: AdmissionStatus }) {
  const { t } = useTranslation();
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${tones[status]}`}>{t(`admission.status.${status}`)}</span>;
}

/** Beside a suspended organization's name on a public list (issue 17 item 8, decision 055). */
export function SuspendedMark({ suspended }: { suspended: boolean }) {
  const { t } = useTranslation();
  if (!suspended) return null;
  return (
    <span className="ml-1 whitespace-nowrap rounded bg-red-100 px-1 text-xs text-red-900" data-testid="organization-suspended-mark">
      {t("admission.public.suspendedMark")}
    </span>
  );
}
