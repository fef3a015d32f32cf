import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { signUpSchema } from "#server/auth/shared.ts";
import { accountMeta, redirectWithSession, signedOutPage, withoutPassword } from "#app/utils/session.server.ts";
import { requirePlatformHost, safeRedirect } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { AuthShell } from "#app/components/ui/page.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";

const signupFormSchema = signUpSchema.extend({ redirectTo: z.string().max(2000).optional() });

export const meta: MetaFunction = () => [{ title: "Open your shop — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // New accounts usually go on to create their first shop.
  return signedOutPage(request, context, "/dashboard/new");
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: signupFormSchema });
  const reply = withoutPassword(submission);
  if (submission.status !== "success") return json({ result: reply.reply() }, { status: 400 });
  const { redirectTo, ...input } = submission.value;
  let session, deviceId;
  try {
    ({ session, deviceId } = await context.services.auth.signUp(input, accountMeta(request, context)));
  } catch (err) {
    return json({ result: replyWithApiError(reply, err, { EMAIL_TAKEN: "email" }) }, { status: 400 });
  }
  return redirectWithSession(context, session.token, safeRedirect(redirectTo, "/dashboard/new"), deviceId);
}

export default function Signup() {
  const { redirectTo, email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "signup",
    lastResult: actionData?.result,
    constraint: getZodConstraint(signupFormSchema),
    defaultValue: { email },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupFormSchema }),
  });
  const loginHref = `/login?redirectTo=${encodeURIComponent(redirectTo)}`;
  return (
    <AuthShell
      title="Open your shop"
      subtitle="Create an account, then set up your branded shop in a few minutes."
      footer={<>Already have an account? <Link to={loginHref} className="font-medium text-indigo-600 hover:text-indigo-500">Sign in</Link></>}
    >
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormErrors id={form.errorId} errors={form.errors} />
        <TextField meta={fields.displayName} label="Your name" optional autoComplete="name" />
        <TextField meta={fields.email} label="Email" type="email" autoComplete="email" />
        <TextField meta={fields.password} label="Password" type="password" autoComplete="new-password" help="At least 10 characters." />
        <Button type="submit" className="w-full" disabled={busy}>{busy ? "Creating your account…" : "Create account"}</Button>
      </Form>
    </AuthShell>
  );
}
