import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { signInSchema } from "#server/auth/shared.ts";
import { accountMeta, readSessionToken, redirectWithSession, signedOutPage, withoutPassword } from "#app/utils/session.server.ts";
import { requirePlatformHost, safeRedirect } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { errorReplyInit, replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { AuthShell } from "#app/components/ui/page.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";

const loginFormSchema = signInSchema.extend({ redirectTo: z.string().max(2000).optional() });

export const meta: MetaFunction = () => [{ title: "Sign in — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return signedOutPage(request, context, "/dashboard");
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: loginFormSchema });
  // The password never travels back to the browser in a reply.
  const reply = withoutPassword(submission);
  if (submission.status !== "success") return json({ result: reply.reply() }, { status: 400 });
  const { redirectTo, ...credentials } = submission.value;
  let session, deviceId;
  try {
    ({ session, deviceId } = await context.services.auth.signIn(credentials, accountMeta(request, context), readSessionToken(request.headers.get("cookie"))));
  } catch (err) {
    return json({ result: replyWithApiError(reply, err) }, errorReplyInit(err));
  }
  return redirectWithSession(context, session.token, safeRedirect(redirectTo), deviceId);
}

export default function Login() {
  const { redirectTo, email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    constraint: getZodConstraint(loginFormSchema),
    defaultValue: { email, redirectTo },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginFormSchema }),
  });
  const signupHref = `/signup${redirectTo !== "/dashboard" ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`;
  return (
    <AuthShell
      title="Sign in to your account"
      footer={<>New here? <Link to={signupHref} className="font-medium text-indigo-600 hover:text-indigo-500">Open your shop</Link></>}
    >
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormErrors id={form.errorId} errors={form.errors} />
        <TextField meta={fields.email} label="Email" type="email" autoComplete="email" autoFocus={!email} />
        <div>
          <TextField meta={fields.password} label="Password" type="password" autoComplete="current-password" autoFocus={!!email} />
          <p className="mt-2 text-right text-sm">
            <Link to="/forgot-password" className="font-medium text-indigo-600 hover:text-indigo-500">Forgot password?</Link>
          </p>
        </div>
        <Button type="submit" className="w-full" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</Button>
      </Form>
    </AuthShell>
  );
}
