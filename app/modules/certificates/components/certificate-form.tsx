import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CheckboxGroupField, ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { certificateSchema, certificateStatuses, levels } from "../schemas";

export interface CertificateFormValues {
  code: string;
  nameZh: string;
  nameEn: string;
  industryCode: string;
  levels: string[];
  description: string;
  status: string;
}

export function CertificateForm({
  industries,
  defaultValue,
  lastResult,
  submitLabel,
}: {
  industries: { code: string; nameZh: string; nameEn: string }[];
  defaultValue?: Partial<CertificateFormValues>;
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
}) {
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    id: "certificate",
    lastResult,
    defaultValue: { status: "draft", levels: ["junior", "intermediate", "senior"], ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: certificateSchema, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
      <Field label={t("certificates.code")} meta={fields.code} hint={t("certificates.codeHint")} />
      <Field label={t("certificates.nameZh")} meta={fields.nameZh} />
      <Field label={t("certificates.nameEn")} meta={fields.nameEn} />
      <SelectField
        label={t("certificates.industry")}
        meta={fields.industryCode}
        options={industries.map((industry) => ({ value: industry.code, label: i18n.language === "en" ? industry.nameEn : industry.nameZh }))}
        placeholder={t("common.choose")}
      />
      <CheckboxGroupField
        label={t("certificates.levels")}
        meta={fields.levels}
        options={levels.map((level) => ({ value: level, label: t(`certificates.levelNames.${level}`) }))}
      />
      <SelectField
        label={t("certificates.status")}
        meta={fields.status}
        options={certificateStatuses.map((status) => ({ value: status, label: t(`certificates.statuses.${status}`) }))}
      />
      <TextAreaField label={t("certificates.description")} meta={fields.description} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
