import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RequirementsField, type RequirementOption } from "~/modules/standards/components/requirements-field";
import { levels } from "~/modules/certificates/schemas";
import { ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { caseFormSchema, visibilities } from "../schemas";

export interface CaseDefaults {
  certificateId?: string;
  level?: string;
  title?: string;
  industryContext?: string;
  body?: string;
  requirementIds?: string[];
  visibility?: string;
}

/** The case editor. Requirements are listed for every level; the server keeps only those of the chosen level. */

export function CaseForm({
  certificates,
  requirements,
  defaultValue,
  lastResult,
}: {
  certificates: { id: string; code: string; nameZh: string; nameEn: string }[];
  requirements: RequirementOption[];
  defaultValue: CaseDefaults;
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const [form, fields] = useForm({
    id: "case",
    lastResult,
    defaultValue: { level: "intermediate", visibility: "private", ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: caseFormSchema, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-3xl rounded border border-gray-200 bg-white p-6">
      <div className="grid gap-x-4 sm:grid-cols-3">
        <SelectField
          label={t("cases.certificate")}
          meta={fields.certificateId}
          options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` }))}
        />
        <SelectField label={t("cases.level")} meta={fields.level} options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))} />
        <SelectField
          label={t("cases.visibility")}
          meta={fields.visibility}
          options={visibilities.map((v) => ({ value: v, label: t(`cases.visibilities.${v}`) }))}
        />
      </div>
      <Field label={t("cases.caseTitle")} meta={fields.title} />
      <Field label={t("cases.industryContext")} meta={fields.industryContext} hint={t("cases.industryContextHint")} />
      <TextAreaField label={`${t("cases.body")} · ${t("cases.bodyHint")}`} meta={fields.body} rows={14} />
      <RequirementsField
        name={fields.requirementIds.name}
        errorId={fields.requirementIds.errorId}
        errors={fields.requirementIds.errors}
        requirements={requirements}
        selected={defaultValue.requirementIds ?? []}
        label={t("cases.requirements")}
        hint={t("cases.requirementsHint")}
        none={t("cases.noRequirements")}
      />
      <ErrorList id={form.errorId} errors={form.errors} />
      <SubmitButton name="intent" value="save">
        {t("cases.save")}
      </SubmitButton>
    </Form>
  );
}
