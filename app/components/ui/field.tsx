import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";

// Any form's field: the fields only read names, ids, errors and constraints, whatever the form's schema.
type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

export const inputClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 placeholder:text-gray-400 focus:outline-hidden focus:ring-2 focus:ring-inset focus:ring-indigo-600 disabled:bg-gray-50 disabled:text-gray-500 aria-[invalid=true]:ring-red-400";

export function FieldErrors({ id, errors }: { id?: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="mt-1.5 space-y-0.5 text-sm text-red-600">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/** Errors that belong to the whole form (e.g. "The email or password is not correct."), with an optional action. */
export function FormErrors({ id, errors, action }: { id?: string; errors?: string[]; action?: ReactNode }) {
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <div>
        {errors.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
      {action}
    </div>
  );
}

function Label({ htmlFor, children, optional }: { htmlFor: string; children: ReactNode; optional?: boolean }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium text-gray-800">
      {children}
      {optional ? <span className="ml-1 font-normal text-gray-600">(optional)</span> : null}
    </label>
  );
}

type TextFieldProps = {
  meta: Meta;
  label: ReactNode;
  type?: "text" | "email" | "password" | "url" | "number" | "search";
  help?: ReactNode;
  optional?: boolean;
  /** Rendered inside the input's row, after it (e.g. a colour swatch). */
  addon?: ReactNode;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id" | "form" | "defaultValue">;

export function TextField({ meta, label, type = "text", help, optional, addon, className = "", ...rest }: TextFieldProps) {
  const { key, defaultValue, ...props } = getInputProps(meta, { type, ariaDescribedBy: help ? meta.descriptionId : undefined });
  // A controlled input (value + onChange in `rest`) must not also get conform's defaultValue.
  const initial = rest.value === undefined ? { defaultValue } : {};
  return (
    <div className={className}>
      <Label htmlFor={meta.id} optional={optional}>{label}</Label>
      <div className="mt-1.5 flex items-center gap-2">
        <input key={key} {...props} {...initial} {...rest} className={inputClass} />
        {addon}
      </div>
      {help ? <p id={meta.descriptionId} className="mt-1.5 text-xs text-gray-500">{help}</p> : null}
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

type TextareaFieldProps = {
  meta: Meta;
  label: ReactNode;
  help?: ReactNode;
  optional?: boolean;
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id" | "form" | "defaultValue">;

export function TextareaField({ meta, label, help, optional, className = "", ...rest }: TextareaFieldProps) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: help ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <Label htmlFor={meta.id} optional={optional}>{label}</Label>
      <textarea key={key} rows={4} {...props} {...rest} className={`mt-1.5 ${inputClass}`} />
      {help ? <p id={meta.descriptionId} className="mt-1.5 text-xs text-gray-500">{help}</p> : null}
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

type SelectFieldProps = {
  meta: Meta;
  label: ReactNode;
  options: ReadonlyArray<{ value: string; label: string }>;
  help?: ReactNode;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id" | "form" | "defaultValue">;

export function SelectField({ meta, label, options, help, className = "", ...rest }: SelectFieldProps) {
  const { key, ...props } = getSelectProps(meta, { ariaDescribedBy: help ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <Label htmlFor={meta.id}>{label}</Label>
      <select key={key} {...props} {...rest} className={`mt-1.5 ${inputClass} pr-8`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {help ? <p id={meta.descriptionId} className="mt-1.5 text-xs text-gray-500">{help}</p> : null}
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function CheckboxField({ meta, label, help, disabled }: { meta: Meta; label: ReactNode; help?: ReactNode; disabled?: boolean }) {
  const { key, ...props } = getInputProps(meta, { type: "checkbox", ariaDescribedBy: help ? meta.descriptionId : undefined });
  return (
    <div>
      <div className="flex items-start gap-3">
        <input key={key} {...props} disabled={disabled} className="mt-0.5 h-4 w-4 rounded border-gray-300 accent-indigo-600" />
        <div>
          <label htmlFor={meta.id} className="text-sm font-medium text-gray-800">{label}</label>
          {help ? <p id={meta.descriptionId} className="text-xs text-gray-500">{help}</p> : null}
        </div>
      </div>
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}
