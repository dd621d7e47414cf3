import { getCollectionProps, getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import { useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

// Accessible fields: a visible label, aria-invalid, and the field's messages tied by aria-describedby.

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="mt-1 text-sm text-red-700" role="alert">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  );
}

export function Field({
  label,
  meta,
  type = "text",
  hint,
  autoComplete,
}: {
  label: string;
  meta: FieldMetadata<unknown>;
  type?: "text" | "email" | "password" | "number" | "date";
  hint?: string;
  autoComplete?: string;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  const props = getInputProps(meta, { type, ariaDescribedBy: hintId });
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <input
        {...props}
        key={props.key}
        autoComplete={autoComplete}
        className="mt-1 block w-full rounded border border-gray-300 px-3 py-2 focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200 aria-[invalid=true]:border-red-600"
      />
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-gray-500">
          {hint}
        </p>
      ) : null}
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function SelectField({
  label,
  meta,
  options,
  placeholder,
}: {
  label: string;
  meta: FieldMetadata<unknown>;
  options: { value: string; label: string }[];
  /** An empty first choice, so nothing is chosen until the user chooses (no accidental first option). */
  placeholder?: string;
}) {
  const props = getSelectProps(meta);
  // A tampered post can send the field twice; a single select shows the first value, not a list.
  const defaultValue = Array.isArray(props.defaultValue) ? props.defaultValue[0] : props.defaultValue;
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <select
        {...props}
        defaultValue={defaultValue}
        key={props.key}
        className="mt-1 block w-full rounded border border-gray-300 bg-white px-3 py-2 focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

const buttonStyles = {
  primary: "bg-blue-700 text-white hover:bg-blue-800",
  // Beside a primary action (save draft next to publish): clearly not the same button.
  secondary: "border border-gray-300 bg-white text-gray-900 hover:bg-gray-100",
};

export function SubmitButton({
  children,
  name,
  value,
  variant = "primary",
}: {
  children: ReactNode;
  name?: string;
  value?: string;
  variant?: keyof typeof buttonStyles;
}) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const busy = navigation.state === "submitting";
  return (
    <button
      type="submit"
      name={name}
      value={value}
      disabled={busy}
      aria-busy={busy}
      className={`rounded px-4 py-2 font-medium focus:outline-none focus:ring-2 focus:ring-blue-300 disabled:opacity-60 ${buttonStyles[variant]}`}
      data-variant={variant}
    >
      {busy ? t("common.working") : children}
    </button>
  );
}

export function Notice({ tone = "info", children }: { tone?: "info" | "success" | "error"; children: ReactNode }) {
  const colors = { info: "bg-blue-50 text-blue-900", success: "bg-green-50 text-green-900", error: "bg-red-50 text-red-900" };
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`mb-4 rounded px-4 py-3 ${colors[tone]}`}>
      {children}
    </div>
  );
}

export function TextAreaField({ label, meta, rows = 5 }: { label: string; meta: FieldMetadata<unknown>; rows?: number }) {
  const { key, ...props } = getTextareaProps(meta);
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <textarea
        {...props}
        key={key}
        rows={rows}
        className="mt-1 block w-full rounded border border-gray-300 px-3 py-2 focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
      />
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** Several values of one field as checkboxes, in a fieldset with a legend. */
export function CheckboxGroupField({ label, meta, options }: { label: string; meta: FieldMetadata<unknown>; options: { value: string; label: string }[] }) {
  const boxes = getCollectionProps(meta as FieldMetadata<string[]>, { type: "checkbox", options: options.map((o) => o.value) });
  return (
    <fieldset className="mb-4" aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend className="block text-sm font-medium text-gray-800">{label}</legend>
      <div className="mt-1 flex flex-wrap gap-4">
        {boxes.map(({ key, ...props }) => (
          <label key={key} className="inline-flex items-center gap-2 text-sm">
            <input {...props} className="h-4 w-4 rounded border-gray-300" />
            {options.find((o) => o.value === props.value)?.label}
          </label>
        ))}
      </div>
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </fieldset>
  );
}
