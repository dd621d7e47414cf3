import { useTranslation } from "react-i18next";
import { ErrorList } from "~/ui/form";

/** A skill requirement a bank item can cover: its lineage id (stable across standard versions). */
export interface RequirementOption {
  lineageId: string;
  level: string;
  code: string;
  titleZh: string;
  titleEn: string;
}

/** The skill requirements an item covers, as checkboxes, with the field's errors. */
export function RequirementsField({
  name,
  errorId,
  errors,
  requirements,
  selected,
  label,
  hint,
  none,
}: {
  name: string;
  errorId: string;
  errors?: string[];
  requirements: RequirementOption[];
  selected: string[];
  label: string;
  hint: string;
  none: string;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const chosen = new Set(selected);
  return (
    <fieldset className="mb-4" aria-describedby={errors ? errorId : undefined}>
      <legend className="block text-sm font-medium text-gray-800">{label}</legend>
      <p className="mb-1 text-xs text-gray-500">{requirements.length ? hint : none}</p>
      {requirements.length ? (
        <div className="max-h-56 overflow-y-auto rounded border border-gray-200 p-2 text-sm">
          {requirements.map((r) => (
            <label key={`${r.level}:${r.lineageId}`} className="flex items-start gap-2 py-0.5">
              <input type="checkbox" name={name} value={r.lineageId} defaultChecked={chosen.has(r.lineageId)} className="mt-1" />
              <span>
                <span className="text-gray-500">{t(`certificates.levelNames.${r.level}`)}</span> <span className="font-mono">{r.code}</span>{" "}
                {en && r.titleEn ? r.titleEn : r.titleZh}
              </span>
            </label>
          ))}
        </div>
      ) : null}
      <ErrorList id={errorId} errors={errors} />
    </fieldset>
  );
}
