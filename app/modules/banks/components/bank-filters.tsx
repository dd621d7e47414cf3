import { Form, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { levels } from "~/modules/certificates/schemas";
import { formatDateTime } from "~/ui/format";
import { filterSelect } from "~/ui/list";

// The filter bar every bank list shares (questions, cases, materials, the workspace search): the
// certificate picker, the search box, the level and skill-requirement selects, "updated since", and
// the "last updated" line under it. Each page adds its own selects as children.

type Bank = "questions" | "cases" | "materials";

interface Certificate {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
}

interface Requirement {
  lineageId: string;
  level: string;
  code: string;
  titleZh: string;
  titleEn: string;
}

export function BankFilterForm({ applyLabel, children }: { applyLabel: string; children: ReactNode }) {
  return (
    <Form method="get" role="search" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
      {children}
      <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800">
        {applyLabel}
      </button>
    </Form>
  );
}

/** The `<select>` of a filter, with the "all" choice of the page's bank. */
export function useBankSelect(bank: Bank) {
  const [searchParams] = useSearchParams();
  const { t } = useTranslation();
  return filterSelect(searchParams, t(`${bank}.all`));
}

/** The certificate picker; `all` false on a list that shows one certificate at a time. */
export function CertificateFilter({ bank, certificates, all = true }: { bank: Bank; certificates: Certificate[]; all?: boolean }) {
  const { t, i18n } = useTranslation();
  const select = useBankSelect(bank);
  const en = (i18n.language as Locale) === "en";
  return (
    <label>
      {t(`${bank}.certificate`)}
      {select(
        "certificate",
        certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` })),
        all,
      )}
    </label>
  );
}

export function SearchBox({ label, autoFocus = false, className = "min-w-48 flex-1" }: { label: string; autoFocus?: boolean; className?: string }) {
  const [searchParams] = useSearchParams();
  return (
    <label className={className}>
      {label}
      <input
        name="q"
        type="search"
        defaultValue={searchParams.get("q") ?? ""}
        autoFocus={autoFocus}
        className="mt-1 block w-full rounded border border-gray-300 px-2 py-1"
      />
    </label>
  );
}

export function LevelFilter({ bank }: { bank: Bank }) {
  const { t } = useTranslation();
  const select = useBankSelect(bank);
  return (
    <label>
      {t(`${bank}.level`)}
      {select(
        "level",
        levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })),
      )}
    </label>
  );
}

export function RequirementFilter({ bank, requirements }: { bank: Bank; requirements: Requirement[] }) {
  const { t, i18n } = useTranslation();
  const select = useBankSelect(bank);
  const en = (i18n.language as Locale) === "en";
  return (
    <label>
      {t(`${bank}.requirements`)}
      {select(
        "requirement",
        requirements.map((r) => ({
          value: r.lineageId,
          label: `${t(`certificates.levelNames.${r.level}`)} ${r.code} ${en && r.titleEn ? r.titleEn : r.titleZh}`,
        })),
      )}
    </label>
  );
}

export function UpdatedSinceFilter({ label }: { label: string }) {
  const [searchParams] = useSearchParams();
  return (
    <label>
      {label}
      <input
        name="updatedSince"
        type="date"
        defaultValue={searchParams.get("updatedSince") ?? ""}
        className="mt-1 block rounded border border-gray-300 px-2 py-1"
      />
    </label>
  );
}

/** When the bank last changed (freshness, §二.6). */
export function BankUpdated({ bank, lastUpdated }: { bank: Bank; lastUpdated: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <p className="text-sm text-gray-600" data-testid="bank-updated">
      {lastUpdated ? t(`${bank}.lastUpdated`, { at: formatDateTime(lastUpdated, i18n.language as Locale) }) : t(`${bank}.neverUpdated`)}
    </p>
  );
}
