import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";
import { standardActionSchema } from "../schemas";

/** Which form on the version page a submission came from, so only that form shows its errors. */
export function formKeyOf(values: Record<string, unknown> | null | undefined) {
  if (!values) return null;
  if (values.intent === "add") return `add:${String(values.level ?? "")}:${String(values.parentId ?? "")}`;
  if (values.intent === "update") return `node:${String(values.nodeId ?? "")}`;
  return null;
}

export type NodeFormTarget = { intent: "add"; level: string; parentId?: string } | { intent: "update"; nodeId: string };

/** Add or edit one node: Chinese title (required), English title, description. */
export function NodeForm({
  target,
  defaultValue,
  lastResult,
  submitLabel,
}: {
  target: NodeFormTarget;
  defaultValue?: { titleZh?: string; titleEn?: string; description?: string };
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const id = target.intent === "add" ? `add-${target.level}-${target.parentId ?? "root"}` : `node-${target.nodeId}`;
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: standardActionSchema, error: zodErrorMap(t) }),
  });
  const hiddenErrors = [
    ...(form.errors ?? []),
    ...Object.entries(form.allErrors).flatMap(([name, errors]) => (["level", "parentId", "nodeId"].includes(name) ? errors : [])),
  ];
  return (
    <Form method="post" {...getFormProps(form)} className="mt-2 rounded border border-gray-200 bg-gray-50 p-3">
      <input type="hidden" name="intent" value={target.intent} />
      {target.intent === "add" ? (
        <>
          <input type="hidden" name="level" value={target.level} />
          {target.parentId ? <input type="hidden" name="parentId" value={target.parentId} /> : null}
        </>
      ) : (
        <input type="hidden" name="nodeId" value={target.nodeId} />
      )}
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field label={t("standards.titleZh")} meta={fields.titleZh} />
        <Field label={t("standards.titleEn")} meta={fields.titleEn} />
      </div>
      <TextAreaField label={t("standards.description")} meta={fields.description} rows={2} />
      <ErrorList errors={hiddenErrors} />
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
