import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { CheckboxGroupField, ErrorList, Field, SelectField, SubmitButton } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { credentialFields, credentialRoles, holderSources } from "../schemas";

export function CredentialForm({
  certificates,
  employers,
  lastResult,
}: {
  certificates: { id: string; code: string; nameZh: string; nameEn: string }[];
  employers: { id: string; name: string; nameEn: string | null }[];
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const [form, fields] = useForm({
    id: "credential",
    lastResult,
    defaultValue: { role: "trainer", source: "industry_expert", levels: ["intermediate"] },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: credentialFields, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field label={t("credentials.holderName")} meta={fields.name} autoComplete="off" />
        <Field label={t("credentials.idNumber")} meta={fields.idNumber} hint={t("credentials.idNumberHint")} autoComplete="off" />
        <SelectField
          label={t("credentials.source")}
          meta={fields.source}
          options={holderSources.map((s) => ({ value: s, label: t(`credentials.sources.${s}`) }))}
        />
        <SelectField
          label={t("credentials.employerTenant")}
          meta={fields.employerTenantId}
          placeholder={t("credentials.noEmployerTenant")}
          options={employers.map((e) => ({ value: e.id, label: (en && e.nameEn) || e.name }))}
        />
        <Field label={t("credentials.employerName")} meta={fields.employerName} />
        <Field label={t("credentials.contact")} meta={fields.contact} />
        <SelectField
          label={t("credentials.role")}
          meta={fields.role}
          options={credentialRoles.map((r) => ({ value: r, label: t(`credentials.roles.${r}`) }))}
        />
        <SelectField
          label={t("credentials.certificate")}
          meta={fields.certificateId}
          placeholder={t("common.choose")}
          options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` }))}
        />
      </div>
      <CheckboxGroupField
        label={t("credentials.levels")}
        meta={fields.levels}
        options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))}
      />
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field label={t("credentials.issuedOn")} meta={fields.issuedOn} type="date" />
        <Field label={t("credentials.expiresOn")} meta={fields.expiresOn} type="date" />
      </div>
      <label className="mb-4 flex items-center gap-2 text-sm">
        <input {...getInputProps(fields.draft, { type: "checkbox", value: "on" })} className="h-4 w-4 rounded border-gray-300" />
        {t("credentials.saveAsDraft")}
      </label>
      <ErrorList id={form.errorId} errors={form.errors} />
      <SubmitButton>{t("credentials.issue")}</SubmitButton>
    </Form>
  );
}
