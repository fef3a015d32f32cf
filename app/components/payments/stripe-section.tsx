/** The Payments page's "Card payments (Stripe)" section: loaded and posted through its own resource route. */
import { useEffect, useRef } from "react";
import { useFetcher, useParams } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { CopyButton } from "#app/components/ui/copy-button.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";

interface Integration { id: string; status: string; accountId: string | null; businessName: string | null; mode: "live" | "test"; webhookUrl: string; lastError: string | null }
const input = "mt-1.5 block w-full rounded-md border border-gray-300 px-3 py-2 font-mono text-sm";

export function StripeSection() {
  const { tenantId } = useParams();
  const data = useFetcher<{ allowed: boolean; items: Integration[] }>();
  const post = useFetcher<{ ok: boolean; error: string | null }>();
  const path = `/dashboard/${tenantId}/payments/stripe`;
  const connectForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (data.state === "idle" && !data.data) data.load(path);
  }, [data, path]);
  useEffect(() => {
    if (post.state !== "idle" || !post.data?.ok) return;
    // The keys leave the page once Stripe accepted them; they are never shown again.
    connectForm.current?.reset();
    data.load(path);
    // Reload once per finished post.
  }, [post.state, post.data]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!data.data?.allowed) return null;
  const current = data.data.items[0];
  return (
    <Card title="Card payments (Stripe)" description="Buyers pay by card on Stripe's page, straight into your own Stripe account. Escrow does not apply to these payments.">
      <div data-testid="stripe-section" className="space-y-4 text-sm">
        {post.data?.error ? <Alert tone="error">{post.data.error}</Alert> : null}
        {current ? (
          <>
            {current.status === "failing" ? (
              <Alert tone="error" title="Stripe refused your key">Card payments are switched off for buyers until you connect a working key. {current.lastError}</Alert>
            ) : null}
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2">
              <dt className="text-gray-600">Status</dt><dd data-testid="stripe-status" className="font-semibold">{current.status}</dd>
              <dt className="text-gray-600">Account</dt><dd className="font-mono">{current.accountId}</dd>
              <dt className="text-gray-600">Business name</dt><dd>{current.businessName}</dd>
              <dt className="text-gray-600">Mode</dt><dd>{current.mode === "test" ? <span className="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-bold uppercase">Test mode</span> : "Live"}</dd>
              <dt className="text-gray-600">Webhook URL</dt>
              <dd className="flex flex-wrap items-center gap-2"><code data-testid="stripe-webhook-url" className="break-all">{current.webhookUrl}</code><CopyButton value={current.webhookUrl} /></dd>
            </dl>
            <p className="text-gray-600">In Stripe, add this URL as a webhook endpoint for checkout.session.completed, checkout.session.async_payment_succeeded, charge.refunded and charge.dispute.created.</p>
            <post.Form method="post" action={path}>
              <CsrfInput />
              <input type="hidden" name="intent" value="disconnect" />
              <input type="hidden" name="integrationId" value={current.id} />
              <Button type="submit" variant="secondary" disabled={post.state !== "idle"}>Disconnect Stripe</Button>
            </post.Form>
          </>
        ) : null}
        <post.Form ref={connectForm} method="post" action={path} className="space-y-3">
          <CsrfInput />
          <p className="font-semibold">{current ? "Replace the connection" : "Connect your Stripe account"}</p>
          <label className="block">Secret or restricted key<input name="secretKey" autoComplete="off" required placeholder="sk_live_… or rk_live_…" className={input} /></label>
          <label className="block">Webhook signing secret<input name="webhookSecret" autoComplete="off" required placeholder="whsec_…" className={input} /></label>
          <label className="flex items-center gap-2"><input type="checkbox" name="allowTestMode" /> A test-mode key is fine: buyers see a "test mode" badge.</label>
          <Button type="submit" disabled={post.state !== "idle"}>{post.state !== "idle" ? "Checking with Stripe…" : "Connect Stripe"}</Button>
        </post.Form>
      </div>
    </Card>
  );
}
