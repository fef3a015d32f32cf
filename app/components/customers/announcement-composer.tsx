import { useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FieldErrors, FormErrors, inputClass } from "#app/components/ui/field.tsx";
import { ANNOUNCEMENT_MAX_CHARS, ANNOUNCEMENTS_PER_DAY, TELEGRAM_FOOTER } from "#server/customers/shared.ts";

/**
 * Compose an announcement (G14-3): the message, a live preview of what a customer gets in Telegram, and the audience
 * (every opted-in customer, or those the list's current filter shows).
 */
export function AnnouncementComposer({ lastResult, filterQuery, filtered }: { lastResult?: SubmissionResult<string[]> | null; filterQuery: string; filtered: boolean }) {
  const [form, fields] = useForm({ lastResult, shouldRevalidate: "onInput" });
  const [text, setText] = useState("");
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-5 lg:grid-cols-2">
      <CsrfInput />
      <input type="hidden" name="filterQuery" value={filterQuery} />
      <div className="min-w-0 space-y-4">
        <div>
          <label htmlFor={fields.body.id} className="text-sm font-medium text-gray-900">Message</label>
          <textarea
            {...getTextareaProps(fields.body)} key={fields.body.key} rows={6} maxLength={ANNOUNCEMENT_MAX_CHARS}
            onChange={(e) => setText(e.currentTarget.value)} className={`mt-1.5 ${inputClass}`} data-testid="announcement-body"
          />
          <p className="mt-1 text-xs text-gray-500">{text.length} / {ANNOUNCEMENT_MAX_CHARS} characters. Plain text.</p>
          <FieldErrors id={fields.body.errorId} errors={fields.body.errors} />
        </div>
        <fieldset className="space-y-2 text-sm text-gray-800">
          <legend className="font-medium text-gray-900">Send to</legend>
          <label className="flex items-center gap-2"><input type="radio" name="audience" value="all" defaultChecked className="accent-gray-900" /> Every customer who opted in</label>
          <label className="flex items-center gap-2">
            <input type="radio" name="audience" value="filter" disabled={!filtered} className="accent-gray-900" /> Opted-in customers matching the filter above
          </label>
        </fieldset>
        <FormErrors id={form.errorId} errors={form.errors} />
        <Button type="submit" disabled={busy} data-testid="announcement-send">{busy ? "Sending…" : "Send announcement"}</Button>
        <p className="text-xs text-gray-500">Goes out through your shop’s bot to customers with Telegram linked, and by email. At most {ANNOUNCEMENTS_PER_DAY} per 24 hours.</p>
      </div>
      <div className="min-w-0">
        <p className="text-sm font-medium text-gray-900">Preview</p>
        <div className="mt-1.5 rounded-2xl bg-sky-50 p-4 ring-1 ring-sky-100">
          <p className="whitespace-pre-wrap break-words rounded-2xl rounded-bl-sm bg-white px-4 py-3 text-sm text-gray-900 shadow-sm" data-testid="announcement-preview">
            {text.trim() ? text.trim() + TELEGRAM_FOOTER : "Your message appears here."}
          </p>
        </div>
      </div>
    </Form>
  );
}
