/**
 * When a storefront may say "Checkout protected by escrow": only when escrow is the rail the buyer gets. Allowing
 * escrow is not enough — a shop whose default rail is direct takes direct payments unless the buyer switches.
 */
import type { AppLoadContext } from "@remix-run/node";

/**
 * The rail checkout preselects for a cart that triggers no escrow rule, picked as server/money/checkout.ts does:
 * the policy's default when this deployment can take it, else the first allowed rail it can.
 */
interface RailPolicy {
  allowedRails: string[];
  defaultRail: string | null;
  /** The shop's currency and payout address decide whether the on-chain rails can serve it. */
  currency?: string;
  payoutAddress?: string | null;
}

export function checkoutDefaultRail(context: AppLoadContext, policy: RailPolicy) {
  const shop = policy.currency === undefined ? undefined : { currency: policy.currency, payoutAddress: policy.payoutAddress ?? null };
  const configured: string[] = context.services.money.ctx.rails.configured(shop);
  const usable = policy.allowedRails.filter((r) => configured.includes(r));
  return policy.defaultRail && usable.includes(policy.defaultRail) ? policy.defaultRail : (usable[0] ?? null);
}

export function escrowByDefault(context: AppLoadContext, policy: RailPolicy) {
  return checkoutDefaultRail(context, policy) === "escrow";
}

/**
 * For one item: escrow when it is the default, and also when the item alone already makes escrow mandatory (its
 * category or price is over the policy's line), exactly as the checkout page will offer it.
 */
export async function escrowForItem(context: AppLoadContext, tenantId: string, item: { price: string; category: string | null }) {
  const options = await context.services.money.paymentOptions(tenantId, { total: item.price, categories: [item.category] });
  return options?.defaultRail === "escrow";
}
