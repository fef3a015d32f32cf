import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** "Sign out everywhere else", optionally revoking every API token too. */
export function SignOutOthersForm() {
  return (
    <Form method="post" className="flex flex-wrap items-center gap-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="signOutOthers" />
      <label className="flex items-center gap-2 text-sm text-gray-700">
        <input type="checkbox" name="revokeApiTokens" className="h-4 w-4 rounded border-gray-300 accent-indigo-600" />
        Also revoke my API tokens
      </label>
      <Button type="submit" variant="danger" size="sm">Sign out everywhere else</Button>
    </Form>
  );
}
