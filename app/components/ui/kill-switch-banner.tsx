/**
 * The operator's kill switch as the shop's members read it (docs/money.md "Kill-switch"): while it is on no money moves,
 * so every page of the shop's dashboard says so, with the operator's reason and since when.
 */
import { formatDate } from "./page.tsx";

export interface KillSwitchNotice {
  scope: "global" | "shop";
  reason: string | null;
  since: string;
}

const TITLES: Record<KillSwitchNotice["scope"], string> = {
  global: "Payments are paused across the platform",
  shop: "Payments are paused for this shop",
};

export function KillSwitchBanner({ switches }: { switches: KillSwitchNotice[] }) {
  // The global switch outranks the shop's own (the loader lists it first); both stop the same things.
  const first = switches[0];
  if (!first) return null;
  return (
    <div role="alert" data-testid="kill-switch-banner" data-scope={first.scope} className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{TITLES[first.scope]}</p>
      <div className="mt-1 space-y-1">
        {switches.map((s) => (
          <p key={s.scope}>
            {switches.length > 1 ? <span className="font-medium">{s.scope === "global" ? "Platform-wide: " : "This shop: "}</span> : null}
            Since {formatDate(s.since)}. Reason given by the platform: {s.reason?.trim() ? `“${s.reason.trim()}”` : "none recorded"}.
          </p>
        ))}
        <p>
          Buyers cannot pay, and no escrow release, refund or payout happens until the platform turns this off. Your shop, catalog,
          shipping and delivery codes keep working.
        </p>
      </div>
    </div>
  );
}
