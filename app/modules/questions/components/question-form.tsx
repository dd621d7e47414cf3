import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RequirementsField, type RequirementOption } from "~/modules/standards/components/requirements-field";
import { levels } from "~/modules/certificates/schemas";
import { ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { pools, questionFormSchema, questionTypes, visibilities } from "../schemas";

export interface QuestionDefaults {
  certificateId?: string;
  level?: string;
  type?: string;
  stem?: string;
  options?: string;
  answer?: string;
  explanation?: string;
  rubric?: string;
  difficulty?: string;
  requirementIds?: string[];
  tags?: string;
  pool?: string;
  visibility?: string;
}

/** The question editor: save a draft or publish a new version. Keyboard-usable, field errors inline. */

export function QuestionForm({
  certificates,
  requirements,
  defaultValue,
  lastResult,
}: {
  certificates: { id: string; code: string; nameZh: string; nameEn: string }[];
  requirements: RequirementOption[];
  defaultValue: QuestionDefaults;
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const [form, fields] = useForm({
    id: "question",
    lastResult,
    defaultValue: { level: "intermediate", type: "single_choice", difficulty: "3", pool: "practice", visibility: "private", ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: questionFormSchema, error: zodErrorMap(t) }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-3xl rounded border border-gray-200 bg-white p-6">
      <div className="grid gap-x-4 sm:grid-cols-2">
        <SelectField
          label={t("questions.certificate")}
          meta={fields.certificateId}
          options={certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` }))}
        />
        <SelectField label={t("questions.level")} meta={fields.level} options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))} />
        <SelectField
          label={t("questions.type")}
          meta={fields.type}
          options={questionTypes.map((type) => ({ value: type, label: t(`questions.types.${type}`) }))}
        />
        <SelectField label={t("questions.difficulty")} meta={fields.difficulty} options={["1", "2", "3", "4", "5"].map((d) => ({ value: d, label: d }))} />
        <SelectField label={t("questions.pool")} meta={fields.pool} options={pools.map((p) => ({ value: p, label: t(`questions.pools.${p}`) }))} />
        <SelectField
          label={t("questions.visibility")}
          meta={fields.visibility}
          options={visibilities.map((v) => ({ value: v, label: t(`questions.visibilities.${v}`) }))}
        />
      </div>
      <TextAreaField label={t("questions.stem")} meta={fields.stem} rows={3} />
      <TextAreaField label={`${t("questions.options")} · ${t("questions.optionsHint")}`} meta={fields.options} rows={4} />
      <Field label={t("questions.answer")} meta={fields.answer} hint={t("questions.answerHint")} />
      <TextAreaField label={t("questions.explanation")} meta={fields.explanation} rows={2} />
      <TextAreaField label={`${t("questions.rubric")} · ${t("questions.rubricHint")}`} meta={fields.rubric} rows={2} />
      <RequirementsField
        name={fields.requirementIds.name}
        errorId={fields.requirementIds.errorId}
        errors={fields.requirementIds.errors}
        requirements={requirements}
        selected={defaultValue.requirementIds ?? []}
        label={t("questions.requirements")}
        hint={t("questions.requirementsHint")}
        none={t("questions.noRequirements")}
      />
      <Field label={t("questions.tags")} meta={fields.tags} hint={t("questions.tagsHint")} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <div className="flex gap-3">
        <SubmitButton name="intent" value="save" variant="secondary">
          {t("questions.saveDraft")}
        </SubmitButton>
        <SubmitButton name="intent" value="publish">
          {t("questions.publish")}
        </SubmitButton>
      </div>
    </Form>
  );
}
