import type { SubmissionResult } from "@conform-to/react";
import { Badge } from "#app/components/ui/badge.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { IntentButton } from "./intent-button.tsx";

/** The account's email: verified, or not yet with a "resend" button (limited per account, ADR 030). */
export function EmailVerification({ verifiedAt, result }: { verifiedAt: string | null; result: SubmissionResult<string[]> | undefined }) {
  if (verifiedAt) return <Badge tone="green">Verified</Badge>;
  const errors = errorsOf(result);
  return (
    <div className="space-y-2" data-testid="email-unverified">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone="amber">Not verified</Badge>
        <IntentButton intent="resendVerification">Resend verification email</IntentButton>
      </div>
      {result?.status === "success" ? <p className="text-xs text-green-700">Sent. Open the link in the email to confirm your address.</p> : null}
      <FormErrors errors={errors} />
    </div>
  );
}
