import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { CheckboxField, FormErrors, TextField } from "#app/components/ui/field.tsx";
import { Alert } from "#app/components/ui/page.tsx";
import { changePasswordSchema } from "./account-schema.ts";
import { revokedSummary } from "./revoked-summary.tsx";

/** Change the password; `changed` (after success) says how many other sessions and tokens ended. */
export function PasswordForm({ lastResult, changed }: { lastResult: SubmissionResult<string[]> | undefined; changed: { sessions: number; tokens: number } | null }) {
  const busy = useNavigation().formData?.get("intent") === "changePassword";
  const [form, fields] = useForm({
    id: "change-password",
    lastResult,
    constraint: getZodConstraint(changePasswordSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="changePassword" />
      {changed ? (
        <Alert tone="success">Password changed. {revokedSummary(changed)}</Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField meta={fields.currentPassword} label="Current password" type="password" autoComplete="current-password" />
        <TextField meta={fields.newPassword} label="New password" type="password" autoComplete="new-password" help="At least 10 characters." />
      </div>
      <CheckboxField meta={fields.revokeApiTokens} label="Also revoke my API tokens" help="Every other sign-in ends either way." />
      <Button type="submit" disabled={busy}>{busy ? "Changing…" : "Change password"}</Button>
    </Form>
  );
}
