import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { accountLinkTokenSchema, passwordResetConfirmSchema } from "#server/auth/shared.ts";
import { withoutPassword } from "#app/utils/session.server.ts";
import { requirePlatformHost } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { errorReplyInit, replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Alert, AuthShell } from "#app/components/ui/page.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";

const resetFormSchema = passwordResetConfirmSchema
  .extend({ confirm: passwordResetConfirmSchema.shape.password })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords are not the same." });

export const meta: MetaFunction = () => [{ title: "Choose a new password — Storefront" }, { name: "referrer", content: "no-referrer" }];

// The page's URL carries the link's secret: no Referer leaves it, and no cache keeps it.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatformHost(context);
  const token = accountLinkTokenSchema.safeParse(new URL(request.url).searchParams.get("token") ?? "");
  const usable = token.success && (await context.services.recovery.resetLinkUsable(token.data));
  return json({ token: usable ? token.data : null }, { headers: { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: resetFormSchema });
  const reply = withoutPassword(submission, ["password", "confirm"]);
  if (submission.status !== "success") return json({ result: reply.reply(), done: null }, { status: 400 });
  try {
    const done = await context.services.recovery.confirmReset(submission.value.token, submission.value.password, { ip: context.request.ip });
    return json({ result: reply.reply({ resetForm: true }), done: { email: done.email } });
  } catch (err) {
    return json({ result: replyWithApiError(reply, err), done: null }, errorReplyInit(err));
  }
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "reset-password",
    lastResult: actionData?.result,
    constraint: getZodConstraint(resetFormSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetFormSchema }),
  });
  const link = "font-medium text-indigo-600 hover:text-indigo-500";
  if (actionData?.done) {
    return (
      <AuthShell title="Password changed">
        <div className="space-y-5" data-testid="reset-done">
          <Alert tone="success">Your new password is set, and every device that was signed in to your account has been signed out.</Alert>
          <Link to={`/login?email=${encodeURIComponent(actionData.done.email)}`} className="block w-full rounded-md bg-indigo-600 px-4 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500">
            Sign in
          </Link>
        </div>
      </AuthShell>
    );
  }
  if (!token) {
    return (
      <AuthShell title="This link no longer works" footer={<Link to="/login" className={link}>Back to sign in</Link>}>
        <div className="space-y-5" data-testid="reset-link-invalid">
          <p className="text-sm text-gray-700">Reset links work once and expire after 30 minutes. Ask for a new one and use the newest email.</p>
          <Link to="/forgot-password" className="block w-full rounded-md bg-indigo-600 px-4 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500">
            Send a new link
          </Link>
        </div>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password" subtitle="Saving it signs you out on every device." footer={<Link to="/login" className={link}>Back to sign in</Link>}>
      {/* The form posts to the page's path without the token in the URL; the token goes in the body. */}
      <Form method="post" action="/reset-password" {...getFormProps(form)} className="space-y-5">
        <CsrfInput />
        <input type="hidden" name="token" value={token} />
        <FormErrors id={form.errorId} errors={[...(form.errors ?? []), ...(fields.token.errors ?? [])]} />
        <TextField meta={fields.password} label="New password" type="password" autoComplete="new-password" help="At least 10 characters." autoFocus />
        <TextField meta={fields.confirm} label="New password again" type="password" autoComplete="new-password" />
        <Button type="submit" className="w-full" disabled={busy}>{busy ? "Saving…" : "Save new password"}</Button>
      </Form>
    </AuthShell>
  );
}
