import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { SMTP_TLS_LABELS, SMTP_TLS_MODES, saveShopSenderSchema } from "#server/mail/shared.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { CheckboxField, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";

/** The form's schema: the API's, with the checkbox read as a plain on/off. */
export const senderFormSchema = saveShopSenderSchema.extend({ intent: z.literal("save"), enabled: z.boolean().optional() });

export interface SenderDefaults {
  host: string;
  port: number;
  user: string;
  fromAddress: string;
  fromName: string | null;
  tls: string;
  enabled: boolean;
}

export function SenderForm({ defaults, lastResult, passwordSet }: { defaults: SenderDefaults | null; lastResult?: SubmissionResult<string[]>; passwordSet: boolean }) {
  const busy = useNavigation().formData?.get("intent") === "save";
  const [form, fields] = useForm({
    id: "shop-sender",
    lastResult,
    constraint: getZodConstraint(senderFormSchema),
    defaultValue: defaults
      ? { ...defaults, port: String(defaults.port), fromName: defaults.fromName ?? "", enabled: defaults.enabled ? "on" : undefined }
      : { port: "587", tls: "starttls", enabled: "on" },
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: senderFormSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
        <TextField meta={fields.host} label="SMTP server" placeholder="smtp.example.com" autoComplete="off" autoCapitalize="off" spellCheck={false} />
        <TextField meta={fields.port} label="Port" type="number" inputMode="numeric" />
      </div>
      <SelectField meta={fields.tls} label="Encryption" options={SMTP_TLS_MODES.map((m) => ({ value: m, label: SMTP_TLS_LABELS[m] }))} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField meta={fields.user} label="User name" autoComplete="off" autoCapitalize="off" spellCheck={false} />
        <TextField
          meta={fields.password}
          label="Password"
          type="password"
          autoComplete="new-password"
          optional={passwordSet}
          help={passwordSet ? "Stored encrypted and never shown. Leave empty to keep it." : "Stored encrypted and never shown again."}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField meta={fields.fromAddress} label="From address" type="email" placeholder="orders@example.com" help="An address at a domain your shop controls." />
        <TextField meta={fields.fromName} label="Display name" optional placeholder="Your shop's name" />
      </div>
      <CheckboxField meta={fields.enabled} label="Send the shop's mail through this server" help="Off: mail goes through the platform sender, with your shop's name." />
      <Button type="submit" disabled={busy}>{busy ? "Saving and signing in…" : "Save sender"}</Button>
    </Form>
  );
}
