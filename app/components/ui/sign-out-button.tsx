import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { buttonClass } from "./button.tsx";

/** Signing out is a POST carrying the CSRF token; `redirectTo` (a same-site path) is where to land afterwards. */
export function SignOutButton({ redirectTo, className = "", prominent = false, label = "Sign out" }: {
  redirectTo?: string;
  className?: string;
  prominent?: boolean;
  label?: string;
}) {
  return (
    <Form method="post" action="/logout" className={className}>
      <CsrfInput />
      {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
      <button type="submit" className={prominent ? buttonClass("secondary", "md", "w-full") : "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium text-gray-600 hover:bg-gray-100 hover:text-gray-900"}>
        {label}
      </button>
    </Form>
  );
}
