import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { zodErrorMap } from "~/ui/zod-errors";

// One form shape for the school pages: fields described as data, validated on the client and the
// server by the same zod schema (Conform), messages in the user's language.

export interface FieldSpec {
  name: string;
  label: string;
  kind?: "text" | "number" | "date" | "email" | "textarea" | "select" | "file";
  options?: { value: string; label: string }[];
  placeholder?: string;
  hint?: string;
}

export function SchemaForm({
  id,
  schema,
  fields,
  lastResult,
  defaultValue,
  submit,
  hidden,
  multipart,
  columns = 1,
}: {
  id: string;
  schema: z.ZodType;
  fields: FieldSpec[];
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: Record<string, unknown>;
  submit: { label: string; intent?: string; secondary?: { label: string; intent: string } };
  hidden?: Record<string, string>;
  multipart?: boolean;
  columns?: 1 | 2;
}) {
  const { t } = useTranslation();
  const [form, metas] = useForm<Record<string, unknown>>({
    id,
    lastResult,
    defaultValue: defaultValue as Record<string, string> | undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: schema as z.ZodType<Record<string, unknown>>, error: zodErrorMap(t) }),
  });
  const meta = metas as unknown as Record<string, Parameters<typeof Field>[0]["meta"]>;
  return (
    <Form
      method="post"
      encType={multipart ? "multipart/form-data" : undefined}
      {...getFormProps(form)}
      className="max-w-2xl rounded border border-gray-200 bg-white p-6"
    >
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className={columns === 2 ? "grid gap-x-4 sm:grid-cols-2" : undefined}>
        {fields.map((field) => {
          const m = meta[field.name];
          if (field.kind === "select")
            return <SelectField key={field.name} label={field.label} meta={m} options={field.options ?? []} placeholder={field.placeholder} />;
          if (field.kind === "textarea") return <TextAreaField key={field.name} label={field.label} meta={m} rows={4} />;
          if (field.kind === "file")
            return (
              <div key={field.name} className="mb-4">
                <label htmlFor={m.id} className="block text-sm font-medium text-gray-800">
                  {field.label}
                </label>
                <input
                  id={m.id}
                  name={m.name}
                  type="file"
                  aria-invalid={m.errors ? true : undefined}
                  aria-describedby={m.errors ? m.errorId : undefined}
                  className="mt-1 block w-full text-sm"
                />
                {field.hint ? <p className="mt-1 text-xs text-gray-500">{field.hint}</p> : null}
                <ErrorList id={m.errorId} errors={m.errors} />
              </div>
            );
          return <Field key={field.name} label={field.label} meta={m} type={field.kind ?? "text"} hint={field.hint} />;
        })}
      </div>
      <ErrorList id={form.errorId} errors={form.errors} />
      <div className="flex gap-3">
        {submit.secondary ? (
          <SubmitButton name="intent" value={submit.secondary.intent} variant="secondary">
            {submit.secondary.label}
          </SubmitButton>
        ) : null}
        <SubmitButton name={submit.intent ? "intent" : undefined} value={submit.intent}>
          {submit.label}
        </SubmitButton>
      </div>
    </Form>
  );
}

/** A status chip. */
export function Chip({ tone = "gray", children, testId }: { tone?: "gray" | "green" | "amber" | "red" | "blue"; children: React.ReactNode; testId?: string }) {
  const tones = {
    gray: "bg-gray-100 text-gray-700",
    green: "bg-green-100 text-green-800",
    amber: "bg-amber-100 text-amber-800",
    red: "bg-red-100 text-red-800",
    blue: "bg-blue-100 text-blue-800",
  };
  return (
    <span className={`rounded px-2 py-0.5 text-xs ${tones[tone]}`} data-testid={testId}>
      {children}
    </span>
  );
}
