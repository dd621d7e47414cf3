import { getFormProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RequirementsField } from "~/modules/standards/components/requirements-field";
import { levels } from "~/modules/certificates/schemas";
import { visibilities } from "~/modules/questions/schemas";
import { CheckboxGroupField, ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { hasDualEditors, isPrinted, materialFields, materialKinds } from "../schemas";
import { DualEditorBadge } from "./material-facts";

export interface MaterialFormOptions {
  certificates: { id: string; code: string; nameZh: string; nameEn: string; levels: string[] }[];
  versions: { id: string; version: number; status: string }[];
  requirements: { lineageId: string; level: string; code: string; titleZh: string; titleEn: string }[];
}

export interface MaterialDefaults {
  certificateId?: string;
  kind?: string;
  title?: string;
  isbn?: string;
  publisher?: string;
  schoolEditor?: string;
  enterpriseEditor?: string;
  levels?: string[];
  standardVersionId?: string;
  requirementIds?: string[];
  description?: string;
  visibility?: string;
}

/**
 * The material editor. Choosing another certificate reloads its standard versions and skill
 * requirements (`?certificate=`); the publication fields show for printed kinds only.
 */
export function MaterialForm({
  options,
  defaultValue,
  lastResult,
  intent,
}: {
  options: MaterialFormOptions;
  defaultValue: MaterialDefaults;
  lastResult?: SubmissionResult<string[]> | null;
  /** Sent with the submit button on the material page, where one action serves several forms. */
  intent?: string;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const [, setSearchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "material",
    lastResult,
    defaultValue: { kind: "textbook", visibility: "private", ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: materialFields, error: zodErrorMap(t) }),
  });
  const printed = isPrinted(String(fields.kind.value ?? defaultValue.kind ?? "textbook"));
  const certificate = options.certificates.find((c) => c.id === (defaultValue.certificateId ?? options.certificates[0]?.id));
  const { key: certificateKey, defaultValue: certificateDefault, ...certificateProps } = getSelectProps(fields.certificateId);
  const dual = hasDualEditors({ schoolEditor: String(fields.schoolEditor.value ?? ""), enterpriseEditor: String(fields.enterpriseEditor.value ?? "") });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-3xl rounded border border-gray-200 bg-white p-6">
      <div className="grid gap-x-4 sm:grid-cols-2">
        <div className="mb-4">
          <label htmlFor={fields.certificateId.id} className="block text-sm font-medium text-gray-800">
            {t("materials.certificate")}
          </label>
          <select
            {...certificateProps}
            // A tampered post can send the field twice; a single select takes the first value, not a list (as SelectField does).
            defaultValue={Array.isArray(certificateDefault) ? certificateDefault[0] : certificateDefault}
            key={certificateKey}
            onChange={(event) => setSearchParams({ certificate: event.currentTarget.value }, { replace: true, preventScrollReset: true })}
            className="mt-1 block w-full rounded border border-gray-300 bg-white px-3 py-2 focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
          >
            {options.certificates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code} · {en ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
          <ErrorList id={fields.certificateId.errorId} errors={fields.certificateId.errors} />
        </div>
        <SelectField label={t("materials.kind")} meta={fields.kind} options={materialKinds.map((k) => ({ value: k, label: t(`materials.kinds.${k}`) }))} />
      </div>
      <Field label={t("materials.materialTitle")} meta={fields.title} />
      {/* Hidden for digital kinds unless it has an error: what was typed stays should the kind change back, the server drops it. */}
      <fieldset className="mb-2 rounded border border-gray-200 px-4 pt-2" hidden={!printed && !fields.isbn.errors && !fields.publisher.errors}>
        <legend className="px-1 text-sm font-medium text-gray-800">{t("materials.printed")}</legend>
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("materials.isbn")} meta={fields.isbn} hint={t("materials.isbnHint")} />
          <Field label={t("materials.publisher")} meta={fields.publisher} hint={t("materials.publisherHint")} />
        </div>
      </fieldset>
      <fieldset className="mb-4 rounded border border-gray-200 px-4 pt-2">
        <legend className="px-1 text-sm font-medium text-gray-800">
          {t("materials.editors")} {dual ? <DualEditorBadge /> : null}
        </legend>
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("materials.schoolEditor")} meta={fields.schoolEditor} hint={t("materials.schoolEditorHint")} />
          <Field label={t("materials.enterpriseEditor")} meta={fields.enterpriseEditor} hint={t("materials.enterpriseEditorHint")} />
        </div>
      </fieldset>
      <CheckboxGroupField
        label={t("materials.levels")}
        meta={fields.levels}
        options={levels.filter((l) => !certificate || certificate.levels.includes(l)).map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))}
      />
      <div className="grid gap-x-4 sm:grid-cols-2">
        <SelectField
          label={t("materials.standardVersion")}
          meta={fields.standardVersionId}
          options={[
            { value: "", label: t("materials.noStandardVersion") },
            ...options.versions.map((v) => ({
              value: v.id,
              label: `${t("materials.versionLabel", { version: v.version })} · ${t(`materials.versionStatuses.${v.status}`)}`,
            })),
          ]}
        />
        <SelectField
          label={t("materials.visibility")}
          meta={fields.visibility}
          options={visibilities.map((v) => ({ value: v, label: t(`materials.visibilities.${v}`) }))}
        />
      </div>
      <RequirementsField
        name={fields.requirementIds.name}
        errorId={fields.requirementIds.errorId}
        errors={fields.requirementIds.errors}
        requirements={options.requirements}
        selected={defaultValue.requirementIds ?? []}
        label={t("materials.requirements")}
        hint={t("materials.requirementsHint")}
        none={t("materials.noRequirements")}
      />
      <TextAreaField label={t("materials.description")} meta={fields.description} rows={3} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <SubmitButton name={intent ? "intent" : undefined} value={intent}>
        {t("materials.save")}
      </SubmitButton>
    </Form>
  );
}
