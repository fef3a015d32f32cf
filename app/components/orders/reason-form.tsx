/**
 * An operator action that needs a written reason (kill switch, dispute resolution): hidden fields, an optional
 * text field (e.g. the shop), the required reason and the submit buttons. The server validates and answers with a
 * conform reply; its errors show next to the fields.
 */
import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { inputClass } from "#app/components/ops/layout.tsx";

interface ReasonFormProps {
  id: string;
  lastResult: SubmissionResult<string[]> | undefined;
  hidden: Record<string, string>;
  /** The textarea's field name and label. */
  reason: { name: string; label: string; placeholder: string };
  /** One more text input above the reason (its name, label and placeholder). */
  extra?: { name: string; label: string; placeholder: string };
  /** The submit button(s); `busy` is true while this form is being sent. */
  children: (busy: boolean) => React.ReactNode;
  className?: string;
}

function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.length ? <p id={id} className="mt-1 text-xs text-rose-700">{errors[0]}</p> : null;
}

export function ReasonForm({ id, lastResult, hidden, reason, extra, children, className = "space-y-3" }: ReasonFormProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm<Record<string, string>>({ id, lastResult, shouldValidate: "onSubmit" });
  const busy = navigation.state !== "idle" && navigation.formData?.get("form") === id;
  const r = fields[reason.name]!;
  const x = extra ? fields[extra.name]! : null;
  return (
    <Form method="post" {...getFormProps(form)} className={className}>
      <CsrfInput />
      <input type="hidden" name="form" value={id} />
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {extra && x ? (
        <div>
          <label htmlFor={x.id} className="block text-xs font-medium text-gray-700">{extra.label}</label>
          <input
            {...getInputProps(x, { type: "text", ariaDescribedBy: x.errors ? x.errorId : undefined })}
            required
            autoComplete="off"
            placeholder={extra.placeholder}
            className={`mt-1 ${inputClass}`}
          />
          <FieldError id={x.errorId} errors={x.errors} />
        </div>
      ) : null}
      <div>
        <label htmlFor={r.id} className="block text-xs font-medium text-gray-700">
          {reason.label} <span className="font-normal text-gray-600">(required, kept in the audit log)</span>
        </label>
        <textarea
          {...getTextareaProps(r, { ariaDescribedBy: r.errors ? r.errorId : undefined })}
          rows={2}
          required
          minLength={3}
          maxLength={2000}
          placeholder={reason.placeholder}
          className={`mt-1 ${inputClass}`}
        />
        <FieldError id={r.errorId} errors={r.errors} />
      </div>
      {form.errors ? (
        <p id={form.errorId} role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-xs font-medium text-rose-700 ring-1 ring-inset ring-rose-200">
          {form.errors[0]}
        </p>
      ) : null}
      <div className="flex flex-wrap justify-end gap-2">{children(busy)}</div>
    </Form>
  );
}
