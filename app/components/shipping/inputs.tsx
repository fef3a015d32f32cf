/** Small controlled inputs for the shipping editor: each knows its error path, so the schema's errors land beside it. */
import type { ReactNode } from "react";
import { FieldErrors, inputClass } from "#app/components/ui/field.tsx";
import type { DraftErrors } from "./draft.ts";

const domId = (path: string) => `shipping-${path.replace(/\./g, "-")}`;

export function DraftInput({ path, label, value, onChange, errors, help, addon, inputMode, placeholder, className = "" }: {
  path: string; label: ReactNode; value: string; onChange: (v: string) => void; errors: DraftErrors; help?: string; addon?: ReactNode;
  inputMode?: "decimal" | "numeric" | "text"; placeholder?: string; className?: string;
}) {
  const id = domId(path);
  const errs = errors[path];
  return (
    <div className={`min-w-0 ${className}`}>
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">{label}</label>
      <div className="mt-1 flex items-center gap-2">
        <input
          id={id} value={value} onChange={(e) => onChange(e.target.value)} inputMode={inputMode} placeholder={placeholder}
          aria-invalid={errs ? true : undefined} aria-describedby={errs ? `${id}-error` : help ? `${id}-help` : undefined}
          className={inputClass}
        />
        {addon}
      </div>
      {help && !errs ? <p id={`${id}-help`} className="mt-1 text-xs text-gray-600">{help}</p> : null}
      <FieldErrors id={`${id}-error`} errors={errs} />
    </div>
  );
}

export function DraftSelect<T extends string>({ path, label, value, onChange, options, errors }: {
  path: string; label: ReactNode; value: T; onChange: (v: T) => void; options: readonly { value: T; label: string }[]; errors: DraftErrors;
}) {
  const id = domId(path);
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} className={`mt-1 ${inputClass}`}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <FieldErrors id={`${id}-error`} errors={errors[path]} />
    </div>
  );
}

/** Errors at a path that has no single input (a list, a whole zone). */
export function PathErrors({ path, errors }: { path: string; errors: DraftErrors }) {
  return <FieldErrors id={`${domId(path)}-error`} errors={errors[path]} />;
}
