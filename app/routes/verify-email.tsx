import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { accountLinkTokenSchema, emailVerifySchema } from "#server/auth/shared.ts";
import { requirePlatformHost } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Alert, AuthShell } from "#app/components/ui/page.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";

export const meta: MetaFunction = () => [{ title: "Confirm your email — Storefront" }, { name: "referrer", content: "no-referrer" }];

// The page's URL carries the link's secret: no Referer leaves it, and no cache keeps it.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatformHost(context);
  const token = accountLinkTokenSchema.safeParse(new URL(request.url).searchParams.get("token") ?? "");
  // Opening the link changes nothing: mail scanners fetch links too. The button below uses it.
  return { token: token.success ? token.data : null, signedIn: Boolean(context.actor) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: emailVerifySchema });
  if (submission.status !== "success") return json({ result: submission.reply(), verified: null }, { status: 400 });
  try {
    const { email } = await context.services.recovery.verifyEmail(submission.value.token, { ip: context.request.ip });
    return json({ result: submission.reply(), verified: email });
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), verified: null }, { status: 400 });
  }
}

export default function VerifyEmail() {
  const { token, signedIn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const next = signedIn ? { to: "/dashboard", label: "Go to your dashboard" } : { to: "/login", label: "Sign in" };
  const nextLink = <Link to={next.to} className="font-medium text-indigo-600 hover:text-indigo-500">{next.label}</Link>;
  if (actionData?.verified) {
    return (
      <AuthShell title="Email confirmed" footer={nextLink}>
        <div data-testid="email-verified">
          <Alert tone="success"><span className="break-all">{actionData.verified}</span> is confirmed. Thank you.</Alert>
        </div>
      </AuthShell>
    );
  }
  const errors = actionData ? errorsOf(actionData.result) : [];
  return (
    <AuthShell title="Confirm your email" footer={nextLink}>
      {token ? (
        <Form method="post" action="/verify-email" className="space-y-5">
          <CsrfInput />
          <input type="hidden" name="token" value={token} />
          <FormErrors errors={errors} action={signedIn ? <Link to="/account" className="font-medium underline">Send a new link</Link> : null} />
          <p className="text-sm text-gray-700">Press the button to confirm that this email address is yours.</p>
          <Button type="submit" className="w-full" disabled={busy}>{busy ? "Confirming…" : "Confirm my email"}</Button>
        </Form>
      ) : (
        <p className="text-sm text-gray-700" data-testid="verify-link-invalid">
          This link is not complete. Open it from the email again, or send a new one from your account page.
        </p>
      )}
    </AuthShell>
  );
}
