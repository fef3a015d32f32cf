import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { createTokenSchema } from "./account-schema.ts";

const EXPIRY_OPTIONS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "Never" },
];

export function CreateTokenForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "createToken";
  const [form, fields] = useForm({
    id: "create-token",
    lastResult,
    constraint: getZodConstraint(createTokenSchema),
    defaultValue: { expiresInDays: "90" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createTokenSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="createToken" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid gap-4 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <TextField meta={fields.name} label="Token name" placeholder="CI deploys" autoComplete="off" help="So you can tell your tokens apart." />
        <SelectField meta={fields.expiresInDays} label="Expires after" options={EXPIRY_OPTIONS} />
        <Button type="submit" disabled={busy} className="sm:mt-[1.625rem]">{busy ? "Creating…" : "Create token"}</Button>
      </div>
    </Form>
  );
}
