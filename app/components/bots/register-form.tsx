import { useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { registerSchema } from "./bot-schema.ts";

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4">
      <path d="M1.5 10s3-6 8.5-6 8.5 6 8.5 6-3 6-8.5 6-8.5-6-8.5-6Z" />
      <circle cx="10" cy="10" r="2.5" />
      {open ? null : <path d="M3 17 17 3" />}
    </svg>
  );
}

export function RegisterForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "register";
  const [shown, setShown] = useState(false);
  // After the server refused a token, the field starts empty again (remounted): the reply never carries the token
  // (hideFields), and the one typed should not linger on screen either.
  const [attempt, setAttempt] = useState(0);
  const [seenResult, setSeenResult] = useState(lastResult);
  if (lastResult !== seenResult) {
    setSeenResult(lastResult);
    if (lastResult?.status === "error") {
      setAttempt((n) => n + 1);
      setShown(false);
    }
  }
  const [form, fields] = useForm({
    id: "register-bot",
    lastResult,
    constraint: getZodConstraint(registerSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: registerSchema }),
  });
  return (
    <Card
      title="Connect a Telegram bot"
      description="Buyers open your shop from the bot's menu button, and your team gets a private admin chat with it."
    >
      <div className="grid gap-6 md:grid-cols-[1fr_16rem]">
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <CsrfInput />
          <input type="hidden" name="intent" value="register" />
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField
            key={attempt}
            meta={fields.token}
            label="Bot token"
            type={shown ? "text" : "password"}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            placeholder="123456789:AAH…"
            className="max-w-xl"
            help="We check the token with Telegram and store it encrypted. It is never shown again, here or anywhere else."
            addon={
              <Button
                variant="secondary"
                className="shrink-0 py-2"
                aria-pressed={shown}
                aria-controls={fields.token.id}
                onClick={() => setShown((s) => !s)}
              >
                <EyeIcon open={!shown} />
                {shown ? "Hide" : "Show"}
              </Button>
            }
          />
          <Button type="submit" disabled={busy}>{busy ? "Checking with Telegram…" : "Connect bot"}</Button>
        </Form>
        <aside aria-labelledby="botfather-help" className="rounded-lg bg-gray-50 p-4 text-sm text-gray-700">
          <h3 id="botfather-help" className="font-medium text-gray-900">Getting a token</h3>
          <ol className="mt-2 list-decimal space-y-1.5 pl-4">
            <li>
              In Telegram, open{" "}
              <a href="https://t.me/BotFather" target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">
                @BotFather
              </a>
              .
            </li>
            <li>Send <code className="rounded bg-white px-1 font-mono text-xs">/newbot</code>, then pick a name and a username ending in “bot”.</li>
            <li>Copy the token it replies with and paste it here.</li>
          </ol>
          <p className="mt-2 text-xs text-gray-500">Already have a bot? Send <code className="font-mono">/token</code> to @BotFather to get its token.</p>
        </aside>
      </div>
    </Card>
  );
}
