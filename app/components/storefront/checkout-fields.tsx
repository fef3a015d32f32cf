/** The checkout form's building blocks: sections, text fields, inline errors and the summary of unseen errors. */
import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useEffect, useRef, type ReactNode } from "react";

/** The fields this page renders an input (and so an inline error) for. */
export function shownFields(requiresShipping: boolean, needsAck: boolean) {
  return (name: string) =>
    name === "email" || name === "rail" || (needsAck && name === "acknowledgeNoEscrow") || (requiresShipping && (name.startsWith("shippingAddress.") || name === "shippingMethodId"));
}

/** Form-level errors plus every error whose field has no input on the page: none of them may go unseen. */
export function unshownErrors(formErrors: string[] | undefined, all: Record<string, string[]>, shown: (name: string) => boolean) {
  const hidden = Object.entries(all).flatMap(([name, errors]) => (name === "" || shown(name) ? [] : errors));
  return [...new Set([...(formErrors ?? []), ...hidden])];
}

/**
 * Errors the buyer could not otherwise see, above the button, with focus moved to them: a submit that seems to do
 * nothing is never acceptable.
 */
export function ErrorSummary({ id, errors }: { id: string; errors: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = errors.join("\n");
  useEffect(() => {
    if (key) ref.current?.focus();
  }, [key]);
  if (!errors.length) return null;
  return (
    <div ref={ref} id={id} tabIndex={-1} role="alert" data-testid="checkout-errors" className="rounded-2xl bg-red-50 px-4 py-3 font-medium text-red-900 ring-1 ring-red-200 focus:outline-none focus:ring-2 focus:ring-red-500">
      <p className="font-bold">We couldn’t place your order:</p>
      <ul className="mt-1 list-disc pl-5">
        {errors.map((e) => <li key={e}>{e}</li>)}
      </ul>
    </div>
  );
}

export function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-xl font-bold text-gray-900">{title}</h2>
      <div className="mt-4">{children}</div>
    </section>
  );
}

export type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

export function FieldError({ meta }: { meta: Meta }) {
  if (!meta.errors?.length) return null;
  return (
    <p id={meta.errorId} className="mt-1.5 text-sm font-medium text-red-700">
      {meta.errors.join(" ")}
    </p>
  );
}

const inputClass =
  "mt-1.5 block w-full rounded-xl border-0 bg-white px-3.5 py-2.5 text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 placeholder:text-gray-500 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-gray-900 aria-[invalid=true]:ring-red-500";

export function TextField({ meta, label, type = "text", autoComplete, optional, help, maxLength, className = "" }: {
  meta: Meta; label: string; type?: "text" | "email"; autoComplete: string; optional?: boolean; help?: string; maxLength?: number; className?: string;
}) {
  const { key, ...props } = getInputProps(meta, { type, ariaDescribedBy: help ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label htmlFor={meta.id} className="block text-sm font-semibold text-gray-900">
        {label}
        {optional ? <span className="font-normal text-gray-600"> (optional)</span> : null}
      </label>
      <input key={key} {...props} autoComplete={autoComplete} maxLength={maxLength} className={inputClass} />
      {help ? <p id={meta.descriptionId} className="mt-1 text-sm text-gray-600">{help}</p> : null}
      <FieldError meta={meta} />
    </div>
  );
}
