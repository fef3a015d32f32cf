import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

/** Pause or resume new orders (ADR 032): the same switch as the bot's /pause and /resume. */
export function PauseToggle({ tenantId, accepting, canPause }: { tenantId: string; accepting: boolean; canPause: boolean }) {
  return (
    <Card title="New orders" description="While paused, checkout refuses new orders and the storefront says so. Your bot's /pause and /resume do the same.">
      <div className="flex flex-wrap items-center justify-between gap-3" data-testid="pause-toggle">
        {accepting ? <Badge tone="green">Taking orders</Badge> : <Badge tone="amber">Paused</Badge>}
        {canPause ? (
          <Form method="post" action={`/dashboard/${tenantId}/pause`}>
            <CsrfInput />
            <input type="hidden" name="accepting" value={accepting ? "false" : "true"} />
            <Button type="submit" size="sm" variant={accepting ? "danger" : "secondary"}>{accepting ? "Pause new orders" : "Resume orders"}</Button>
          </Form>
        ) : (
          <p className="text-xs text-gray-500">Owners and managers can pause the shop.</p>
        )}
      </div>
    </Card>
  );
}
