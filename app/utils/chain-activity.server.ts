/**
 * An on-chain order's transactions and payout as the dashboard and the console show them (read-only): the indexer's
 * rows with how deep each seen transaction is, and the amount in the token. Null for orders paid any other way.
 */
import type { AppLoadContext } from "@remix-run/node";
import { tokenAmountLabel } from "#app/components/storefront/token-amount.ts";

type MerchantOrder = Awaited<ReturnType<AppLoadContext["services"]["money"]["merchantOrder"]>>;

export function chainActivityOf(context: AppLoadContext, chain: MerchantOrder["chain"]) {
  if (!chain) return null;
  const info = context.services.money.chainInfo;
  const required = info?.confirmations ?? null;
  const depth = (block: string) => (chain.head && required ? Math.max(0, Math.min(required - 1, Number(BigInt(chain.head) - BigInt(block) + 1n))) : null);
  return {
    orderRef: chain.orderRef,
    merchant: chain.merchant,
    amountLabel: chain.amountBaseUnits && info ? tokenAmountLabel(chain.amountBaseUnits, info.tokenDecimals, info.tokenSymbol) : null,
    txs: chain.txs.map((t) => ({
      ...t,
      confirmations: t.status === "seen" && required ? { seen: depth(t.block) ?? 0, required } : null,
    })),
    payout: chain.payout,
  };
}
export type ChainActivityView = NonNullable<ReturnType<typeof chainActivityOf>>;
