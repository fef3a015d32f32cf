import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";
import { IntentButton } from "./intent-button.tsx";

export interface LinkableShop {
  tenantId: string;
  name: string;
}

/**
 * Link Telegram (ADR 032): pick a shop, get a one-time link to its bot (valid 15 minutes). Once linked, owners and
 * managers can use the bot's admin commands and get its order alerts.
 */
export function TelegramLinkCard({ linked, shops, link }: { linked: boolean; shops: LinkableShop[]; link: string | null }) {
  return (
    <Card title="Telegram" description="Link your Telegram account to manage orders from your shop's bot (owners and managers).">
      <div className="space-y-4" data-testid="telegram-link">
        {linked ? (
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm text-gray-900">Your Telegram account is linked.</p>
            <IntentButton intent="unlinkTelegram" variant="danger">Unlink Telegram</IntentButton>
          </div>
        ) : null}
        {link ? (
          <Alert tone="success">
            Open <a className="font-medium break-all underline" href={link} target="_blank" rel="noreferrer">{link}</a> in Telegram and press Start.
            The link works once, within 15 minutes.
          </Alert>
        ) : null}
        {shops.length === 0 ? (
          <p className="text-sm text-gray-500">None of your shops has an active bot yet.</p>
        ) : (
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <CsrfInput />
            <input type="hidden" name="intent" value="linkTelegram" />
            <label className="text-sm text-gray-700">
              <span className="block">Shop</span>
              <select name="tenantId" className="mt-1 block w-full min-w-48 rounded-md border border-gray-300 px-3 py-2 text-sm">
                {shops.map((s) => <option key={s.tenantId} value={s.tenantId}>{s.name}</option>)}
              </select>
            </label>
            <Button type="submit" size="sm">{linked ? "Link again" : "Link Telegram"}</Button>
          </Form>
        )}
      </div>
    </Card>
  );
}
