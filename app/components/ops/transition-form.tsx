import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { buttonClass, inputClass } from "./layout.tsx";
import { transitionFormSchema, type TransitionIntent } from "./transition-schema.ts";

const COPY: Record<TransitionIntent, { title: string; help: string; button: string; placeholder: string }> = {
  activate: {
    title: "Activate shop",
    help: "The shop goes live on its address and custom domains.",
    button: "Activate",
    placeholder: "e.g. KYC checks passed",
  },
  suspend: {
    title: "Suspend shop",
    help: "Its addresses show a neutral “temporarily unavailable” page until it is activated again.",
    button: "Suspend",
    placeholder: "e.g. Chargeback investigation #4821",
  },
  close: {
    title: "Close shop",
    help: "Final: its addresses answer “no longer available” and it cannot be activated again.",
    button: "Close shop",
    placeholder: "e.g. Owner asked to close the account",
  },
};

/** One status transition: a required reason, and for closing an explicit confirmation. */
export function TransitionForm({ intent, lastResult }: { intent: TransitionIntent; lastResult?: SubmissionResult<string[]> | null }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `transition-${intent}`,
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { intent },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: transitionFormSchema }),
  });
  const copy = COPY[intent];
  const destructive = intent === "close";
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  const confirm = destructive ? fields.confirm : null;

  return (
    <Form
      method="post"
      {...getFormProps(form)}
      className={destructive ? "space-y-3 rounded-md border border-rose-200 bg-rose-50/50 p-4" : "space-y-3 p-4"}
    >
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <div>
        <h3 className={`text-sm font-semibold ${destructive ? "text-rose-800" : "text-gray-900"}`}>{copy.title}</h3>
        <p className={`mt-0.5 text-xs ${destructive ? "text-rose-700" : "text-gray-500"}`}>{copy.help}</p>
      </div>
      <div>
        <label htmlFor={fields.reason.id} className="block text-xs font-medium text-gray-700">
          Reason <span className="text-gray-500">(required, kept in the audit log)</span>
        </label>
        <textarea
          {...getTextareaProps(fields.reason, { ariaDescribedBy: fields.reason.errors ? fields.reason.errorId : undefined })}
          rows={2}
          placeholder={copy.placeholder}
          className={`mt-1 ${inputClass}`}
        />
        {fields.reason.errors ? (
          <p id={fields.reason.errorId} className="mt-1 text-xs text-rose-600">
            {fields.reason.errors[0]}
          </p>
        ) : null}
      </div>
      {destructive && confirm ? (
        <div>
          <label className="flex items-start gap-2 text-xs text-rose-800">
            <input
              {...getInputProps(confirm, { type: "checkbox", value: "on", ariaDescribedBy: confirm.errors ? confirm.errorId : undefined })}
              className="mt-0.5 size-4 rounded border-rose-300 accent-rose-600"
            />
            <span>I understand that closing is permanent and takes the shop offline.</span>
          </label>
          {confirm.errors ? (
            <p id={confirm.errorId} className="mt-1 text-xs text-rose-600">
              {confirm.errors[0]}
            </p>
          ) : null}
        </div>
      ) : null}
      {form.errors ? (
        <p id={form.errorId} role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-xs font-medium text-rose-700 ring-1 ring-inset ring-rose-200">
          {form.errors[0]}
        </p>
      ) : null}
      <div className="flex justify-end">
        <button type="submit" disabled={busy} className={destructive ? buttonClass.danger : buttonClass.primary}>
          {busy ? "Working…" : copy.button}
        </button>
      </div>
    </Form>
  );
}
