/**
 * The on-chain rails: `escrow` (the buyer calls fund(), the contract holds the tokens until the arbiter releases or
 * refunds) and `direct` (payDirect(): straight to the merchant). Funding is not driven from here: the indexer sees
 * the confirmed event and the money core records it (server/money/chain-events.ts). Payouts are requested inside the
 * money transaction that decides them and sent by the arbiter job (server/chain/payouts.ts).
 */
import { randomBytes } from "node:crypto";
import { getAddress } from "viem";
import { type ChainRuntime, type PayoutOptions, advancePayout, toBaseUnits } from "#server/chain/index.ts";
import type { SqlRunner } from "#server/db/index.ts";
import { formatAmount } from "#server/catalog/index.ts";
import { failpoint } from "#server/jobs/index.ts";
import type { ExternalTransfer, RailAdapter, RailOrder, ShopRails } from "./types.ts";

export const chainAvailableFor = (chain: ChainRuntime, shop?: ShopRails) =>
  Boolean(shop && shop.currency === chain.tokenSymbol && shop.payoutAddress);

export function chainRail(rail: "escrow" | "direct", chain: ChainRuntime, sql: SqlRunner, payout: PayoutOptions = {}): RailAdapter {
  const settle = async (order: RailOrder): Promise<ExternalTransfer> => {
    if (!order.chainRef) throw new Error(`order ${order.id} has no chain reference`);
    const step = await advancePayout({ sql, chain }, order.chainRef, payout);
    if (step === "sent" || step === "replaced") failpoint("chain.after-broadcast");
    return { ref: step, key: order.chainRef };
  };
  return {
    rail,
    holdsFunds: rail === "escrow",
    onChain: true,
    available: (shop) => chainAvailableFor(chain, shop),
    instructions: (o) => ({
      kind: "wallet",
      text: `Pay ${formatAmount(o.total, o.currency)} ${o.currency} from your wallet on chain ${chain.chainId}: ${rail === "escrow" ? "the escrow contract holds it until you confirm delivery" : "it goes straight to the shop"}.`,
    }),
    chainTerms: (order, shop) => {
      const amount = toBaseUnits(order.total, chain.tokenDecimals);
      if (amount === null || amount <= 0n) return { refused: `The total ${order.total} ${order.currency} cannot be paid exactly in ${chain.tokenSymbol} (${chain.tokenDecimals} decimals).` };
      return { ref: `0x${randomBytes(32).toString("hex")}`, amount, merchant: getAddress(shop.payoutAddress!) };
    },
    ...(rail === "escrow" ? { release: settle, refund: settle } : {}),
    paymentInFlight: async (order) => {
      if (!order.chainRef) return false;
      // Seen but not yet final, or confirmed and about to be applied. A confirmed funding already flagged (wrong
      // amount or merchant) is not on its way to the order: it must not hold the order (and its stock) open forever.
      const rows = await sql.query(`SELECT 1 FROM chain_events WHERE chain_ref = $1 AND name IN ('Funded', 'PaidDirect')
                                    AND (status = 'seen' OR (status = 'confirmed' AND outcome = 'pending')) LIMIT 1`, [order.chainRef], "chain_in_flight");
      return rows.length > 0;
    },
  };
}
