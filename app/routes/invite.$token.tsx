import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor, requirePlatformHost, requireUser } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { AuthShell, Alert } from "#app/components/ui/page.tsx";
import { Button, ButtonLink } from "#app/components/ui/button.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { RoleBadge } from "#app/components/ui/badge.tsx";
import { SignOutButton } from "#app/components/ui/sign-out-button.tsx";

const acceptSchema = z.object({ intent: z.literal("accept") });

export const meta: MetaFunction = () => [{ title: "Invitation — Storefront" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requirePlatformHost(context);
  const token = params.token ?? "";
  // Tokens are random base64url of fixed size; anything else cannot match and is not looked up.
  const invitation = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await context.services.team.peekInvitation(token) : null;
  const here = new URL(request.url).pathname;
  return {
    invitation: invitation ? { state: invitation.state, email: invitation.email, role: invitation.role, shopName: invitation.tenant.displayName } : null,
    viewer: context.actor ? { email: context.actor.email } : null,
    redirectTo: here,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requireUser(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: acceptSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  let accepted;
  try {
    accepted = await context.services.team.accept({ ...auditActor(context), userId: actor.userId, email: actor.email }, params.token ?? "");
  } catch (err) {
    return json({ result: replyWithApiError(submission, err) }, { status: 400 });
  }
  return redirect(`/dashboard/${accepted.tenantId}`);
}

function Unavailable({ title, text }: { title: string; text: string }) {
  return (
    <AuthShell title={title} footer={<Link to="/" className="font-medium text-indigo-600 hover:text-indigo-500">Go to the home page</Link>}>
      <p className="text-sm text-gray-700">{text}</p>
    </AuthShell>
  );
}

export default function InvitationPage() {
  const { invitation, viewer, redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form] = useForm({
    id: "accept-invitation",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: acceptSchema }),
  });

  if (!invitation) return <Unavailable title="Invitation not found" text="This link is not valid. Check that you copied all of it, or ask for a new invitation." />;
  if (invitation.state === "expired") return <Unavailable title="Invitation expired" text="Invitation links work for 7 days. Ask the shop's owner to invite you again." />;
  if (invitation.state === "revoked") return <Unavailable title="Invitation withdrawn" text="The shop's owner withdrew this invitation. Ask them for a new one if you still need access." />;
  if (invitation.state === "accepted") return <Unavailable title="Invitation already used" text="This invitation link has already been accepted. If that was you, sign in to open the shop." />;

  const back = encodeURIComponent(redirectTo);
  const mismatch = viewer && viewer.email !== invitation.email;
  return (
    <AuthShell
      title={`Join ${invitation.shopName}`}
      subtitle={<>You've been invited as <RoleBadge role={invitation.role} /> to help run this shop.</>}
    >
      <div className="space-y-5">
        <dl className="grid grid-cols-3 gap-2 rounded-lg bg-gray-50 px-4 py-3 text-sm">
          <dt className="text-gray-500">Shop</dt>
          <dd className="col-span-2 font-medium text-gray-900" data-testid="invite-shop">{invitation.shopName}</dd>
          <dt className="text-gray-500">For</dt>
          <dd className="col-span-2 break-all text-gray-900">{invitation.email}</dd>
        </dl>

        {!viewer ? (
          <div className="space-y-3">
            <p className="text-sm text-gray-700">Sign in or create an account with <span className="font-medium">{invitation.email}</span> to accept.</p>
            <ButtonLink to={`/login?redirectTo=${back}&email=${encodeURIComponent(invitation.email)}`} className="w-full">Sign in to accept</ButtonLink>
            <ButtonLink to={`/signup?redirectTo=${back}&email=${encodeURIComponent(invitation.email)}`} variant="secondary" className="w-full">
              Create an account
            </ButtonLink>
          </div>
        ) : mismatch ? (
          <div className="space-y-4">
            <Alert tone="warning" title="This invitation is for another email">
              You're signed in as <span className="font-medium">{viewer.email}</span>, but the invitation was sent to{" "}
              <span className="font-medium">{invitation.email}</span>. Sign out, then sign in with that email to accept.
            </Alert>
            <SignOutButton prominent label="Sign out and switch account" redirectTo={`/login?redirectTo=${back}&email=${encodeURIComponent(invitation.email)}`} />
          </div>
        ) : (
          <Form method="post" {...getFormProps(form)} className="space-y-4">
            <CsrfInput />
            <input type="hidden" name="intent" value="accept" />
            <FormErrors id={form.errorId} errors={form.errors} />
            <p className="text-sm text-gray-700">Signed in as <span className="font-medium">{viewer.email}</span>.</p>
            <Button type="submit" className="w-full" disabled={busy}>{busy ? "Joining…" : `Accept and open ${invitation.shopName}`}</Button>
          </Form>
        )}
      </div>
    </AuthShell>
  );
}
