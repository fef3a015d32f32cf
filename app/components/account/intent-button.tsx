import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** A one-button form posting `intent` (plus hidden `fields`) to the account page's action. */
export function IntentButton({ intent, fields = {}, children, variant = "secondary" }: { intent: string; fields?: Record<string, string>; children: React.ReactNode; variant?: "secondary" | "danger" }) {
  return (
    <Form method="post">
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <Button type="submit" variant={variant} size="sm">{children}</Button>
    </Form>
  );
}
