import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { passwordResetRequestSchema } from "#server/auth/shared.ts";
import { accountMeta, signedOutPage } from "#app/utils/session.server.ts";
import { requirePlatformHost } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { errorReplyInit, replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Alert, AuthShell } from "#app/components/ui/page.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";

export const meta: MetaFunction = () => [{ title: "Forgot password — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return signedOutPage(request, context, "/dashboard");
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: passwordResetRequestSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), sentTo: null }, { status: 400 });
  const meta = accountMeta(request, context);
  try {
    await context.services.recovery.requestReset(submission.value.email, meta, meta.mail);
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), sentTo: null }, errorReplyInit(err));
  }
  // The same answer whether or not the email has an account (ADR 030).
  return json({ result: submission.reply(), sentTo: submission.value.email });
}

export default function ForgotPassword() {
  const { email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "forgot-password",
    lastResult: actionData?.result,
    constraint: getZodConstraint(passwordResetRequestSchema),
    defaultValue: { email },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passwordResetRequestSchema }),
  });
  return (
    <AuthShell
      title="Reset your password"
      subtitle="Enter the email you sign in with and we'll send you a link to choose a new password."
      footer={<>Remembered it? <Link to="/login" className="font-medium text-indigo-600 hover:text-indigo-500">Back to sign in</Link></>}
    >
      {actionData?.sentTo ? (
        <div className="space-y-4" data-testid="reset-requested">
          <Alert tone="success" title="Check your inbox">
            If an account uses <span className="font-medium break-all">{actionData.sentTo}</span>, a link to reset its password is on its way. It
            works once and expires in 30 minutes.
          </Alert>
          <p className="text-sm text-gray-600">No email after a few minutes? Check your spam folder, or make sure you typed the address you signed up with.</p>
        </div>
      ) : (
        <Form method="post" {...getFormProps(form)} className="space-y-5">
          <CsrfInput />
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField meta={fields.email} label="Email" type="email" autoComplete="email" autoFocus />
          <Button type="submit" className="w-full" disabled={busy}>{busy ? "Sending…" : "Send reset link"}</Button>
        </Form>
      )}
    </AuthShell>
  );
}
