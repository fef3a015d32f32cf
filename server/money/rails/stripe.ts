/**
 * The `external_provider` rail on Stripe (ADR 024): the buyer pays on Stripe's hosted page into the merchant's own
 * account; the money never passes the platform (no hold, no payout). The signed webhook records the payment
 * (server/money/stripe/webhook.ts). Offered only for a shop with an active integration and a currency Stripe takes.
 */
import { formatAmount } from "#server/catalog/index.ts";
import { minorUnits } from "../stripe/client.ts";
import { createCheckoutSession, sessionPaid, type SessionDeps } from "../stripe/session.ts";
import type { RailAdapter } from "./types.ts";

export const stripeDisclosure = (businessName: string) => `Paid to ${businessName} through Stripe — escrow does not apply`;

export function stripeRail(deps: SessionDeps): RailAdapter {
  return {
    rail: "external_provider",
    holdsFunds: false,
    available: (shop) => Boolean(shop?.stripe && /^[A-Z]{3}$/.test(shop.currency)),
    refuses: (o) => (minorUnits(o.total, o.currency) === null ? `The total ${o.total} ${o.currency} cannot be charged exactly by card.` : null),
    instructions: (o) => ({ kind: "card", text: `Pay ${formatAmount(o.total, o.currency)} ${o.currency} by card on Stripe's secure page.` }),
    createCheckout: (order, shop, returnUrl) => createCheckoutSession(deps, order, shop, returnUrl),
    funded: (order) => sessionPaid(deps, order),
  };
}
