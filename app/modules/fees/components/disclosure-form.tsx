import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { disclosureIntentSchema, feeKinds, feeUnits } from "../schemas";

export interface DisclosureFormValues {
  certificateId: string;
  level: string;
  kind: string;
  amount: string;
  unit: string;
  includes: string;
  effectiveFrom: string;
  effectiveUntil: string;
  contact: string;
  changeReason: string;
  supersedesId: string;
}

export function DisclosureForm({
  certificates,
  defaultValue,
  lastResult,
  earliest,
  noticeDays,
}: {
  certificates: { id: string; code: string; nameZh: string; nameEn: string; levels: string[] }[];
  defaultValue?: Partial<DisclosureFormValues>;
  lastResult?: SubmissionResult<string[]> | null;
  earliest: string;
  noticeDays: number;
}) {
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    id: "disclosure",
    lastResult,
    defaultValue: { kind: "assessment", unit: "per_person", level: "intermediate", effectiveFrom: earliest, ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: disclosureIntentSchema, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
      {defaultValue?.supersedesId ? <input type="hidden" name="supersedesId" value={defaultValue.supersedesId} /> : null}
      <SelectField
        label={t("fees.certificate")}
        meta={fields.certificateId}
        options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${i18n.language === "en" ? c.nameEn : c.nameZh}` }))}
      />
      <div className="grid gap-x-4 sm:grid-cols-2">
        <SelectField label={t("fees.level")} meta={fields.level} options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))} />
        <SelectField label={t("fees.kind")} meta={fields.kind} options={feeKinds.map((k) => ({ value: k, label: t(`fees.kinds.${k}`) }))} />
        <Field label={t("fees.amountYuan")} meta={fields.amount} hint={t("fees.amountHint")} />
        <SelectField label={t("fees.unit")} meta={fields.unit} options={feeUnits.map((u) => ({ value: u, label: t(`fees.units.${u}`) }))} />
        <Field label={t("fees.effectiveFrom")} meta={fields.effectiveFrom} type="date" hint={t("fees.noticeHint", { days: noticeDays, earliest })} />
        <Field label={t("fees.effectiveUntil")} meta={fields.effectiveUntil} type="date" hint={t("fees.untilHint")} />
      </div>
      {/* §二.10: only teacher training carries the "always voluntary" notice. */}
      {fields.kind.value === "teacher_training" ? (
        <p className="mb-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="teacher-training-notice">
          {t("fees.teacherTrainingVoluntary")}
        </p>
      ) : null}
      <TextAreaField label={t("fees.includes")} meta={fields.includes} rows={3} />
      <Field label={t("fees.contact")} meta={fields.contact} />
      <TextAreaField label={t("fees.changeReason")} meta={fields.changeReason} rows={2} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <div className="flex gap-3">
        <SubmitButton name="intent" value="save" variant="secondary">
          {t("fees.saveDraft")}
        </SubmitButton>
        <SubmitButton name="intent" value="publish">
          {t("fees.publish")}
        </SubmitButton>
      </div>
    </Form>
  );
}
