/**
 * The operator's "lift the announcement limit" form (issue 16: 2 announcements per shop per 24 h, operators may lift
 * it, audited with a reason). Bounds mirror liftLimitSchema (server/customers/shared.ts); the action parses with this
 * schema on the server too, so a bad value is a 400 with the field's message, never a 500.
 */
import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { buttonClass, inputClass } from "./layout.tsx";

export const LIFT_LIMIT_INTENT = "lift-announcement-limit";

export const liftLimitFormSchema = z.object({
  intent: z.literal(LIFT_LIMIT_INTENT),
  hours: z.number({ error: "Give a number of hours (0 restores the limit)." }).int().min(0).max(24 * 30, "At most 720 hours (30 days)."),
  reason: z.string({ error: "Give a reason; it is recorded in the audit log." }).trim().min(3, "Give a reason of at least 3 characters.").max(500),
});

export function AnnouncementLimitForm({ liftedUntil, lastResult }: { liftedUntil: string | null; lastResult?: SubmissionResult<string[]> | null }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "announcement-limit",
    lastResult,
    shouldValidate: "onBlur",
    defaultValue: { intent: LIFT_LIMIT_INTENT, hours: "24" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: liftLimitFormSchema }),
  });
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === LIFT_LIMIT_INTENT;
  const lifted = liftedUntil && new Date(liftedUntil) > new Date() ? liftedUntil : null;
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 p-4" data-testid="announcement-limit">
      <CsrfInput />
      <input type="hidden" name="intent" value={LIFT_LIMIT_INTENT} />
      <div>
        <h3 className="text-sm font-semibold text-gray-900">Announcement limit</h3>
        <p className="mt-0.5 text-xs text-gray-500">
          {lifted ? `Lifted until ${new Date(lifted).toUTCString()}.` : "2 announcements per 24 hours (the default)."} Lifting it lets the
          shop send more for the hours given; 0 restores it.
        </p>
      </div>
      <div>
        <label htmlFor={fields.hours.id} className="block text-xs font-medium text-gray-700">Hours</label>
        <input {...getInputProps(fields.hours, { type: "number" })} min={0} max={720} className={`mt-1 ${inputClass}`} />
        {fields.hours.errors ? <p className="mt-1 text-xs text-rose-600">{fields.hours.errors[0]}</p> : null}
      </div>
      <div>
        <label htmlFor={fields.reason.id} className="block text-xs font-medium text-gray-700">
          Reason <span className="text-gray-500">(required, kept in the audit log)</span>
        </label>
        <textarea {...getTextareaProps(fields.reason)} rows={2} placeholder="e.g. Holiday campaign agreed with support" className={`mt-1 ${inputClass}`} />
        {fields.reason.errors ? <p className="mt-1 text-xs text-rose-600">{fields.reason.errors[0]}</p> : null}
      </div>
      <div className="flex justify-end">
        <button type="submit" disabled={busy} className={buttonClass.primary}>{busy ? "Working…" : "Lift limit"}</button>
      </div>
    </Form>
  );
}
