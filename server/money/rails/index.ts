/**
 * The rail registry: which adapter serves which rail for which shop. `escrow` and `direct` may each have two: the
 * on-chain adapter (for a shop whose currency is the chain token and whose payout address is set) and the sandbox
 * (PAYMENTS_SANDBOX, never in production). An order settles through the adapter it was made on: on chain when it
 * carries a chain reference.
 */
import type { PaymentRail } from "@prisma/client";
import type { SqlRunner } from "#server/db/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import { ApiError } from "#server/http/index.ts";
import { SandboxLedger, sandboxDirectRail, sandboxEscrowRail } from "./sandbox.ts";
import { chainRail } from "./chain.ts";
import { stripeRail } from "./stripe.ts";
import type { SessionDeps } from "../stripe/session.ts";
import { manualInvoiceRail } from "./invoice.ts";
import type { RailAdapter, ShopRails } from "./types.ts";

export type { RailAdapter, RailOrder, ExternalTransfer, PaymentInstructions, ShopRails, ChainTerms, CheckoutLine } from "./types.ts";
export { stripeDisclosure } from "./stripe.ts";
export { SandboxLedger } from "./sandbox.ts";

/** What the registry needs to know of a shop, from its currency and payment policy row. */
export function shopRails(currency: string, policy: { payoutAddress: string | null; invoiceInstructions?: unknown }, stripe: ShopRails["stripe"] = null): ShopRails {
  return { currency, payoutAddress: policy.payoutAddress, invoiceInstructions: (policy.invoiceInstructions ?? null) as ShopRails["invoiceInstructions"], stripe };
}

export class RailRegistry {
  private adapters: RailAdapter[];
  /** Adapters in order of preference: the first available one for a shop serves its new orders. */
  constructor(adapters: RailAdapter[]) {
    this.adapters = adapters;
  }
  /** Rails that can take a payment right now for this shop (without a shop: those that need nothing of it). */
  configured(shop?: ShopRails): PaymentRail[] {
    return [...new Set(this.adapters.filter((a) => a.available(shop)).map((a) => a.rail))];
  }
  /** The adapter a new order of this shop is made on. */
  get(rail: PaymentRail, shop?: ShopRails): RailAdapter {
    const a = this.adapters.find((x) => x.rail === rail && x.available(shop));
    if (!a) throw new ApiError(400, "RAIL_NOT_ALLOWED", `The ${rail} rail is not available.`);
    return a;
  }
  /** The adapter an existing order settles through; even an unavailable one may settle what it already holds. */
  settler(rail: PaymentRail, order?: { chainRef?: string | null }): RailAdapter | undefined {
    const onChain = Boolean(order?.chainRef);
    return this.adapters.find((x) => x.rail === rail && Boolean(x.onChain) === onChain);
  }
}

export function defaultRails(sql: SqlRunner, options: { sandbox: boolean; chain?: ChainRuntime | null; payout?: Parameters<typeof chainRail>[3]; stripe?: SessionDeps | null }) {
  const sandbox = new SandboxLedger(sql);
  const chain = options.chain ? [chainRail("escrow", options.chain, sql, options.payout), chainRail("direct", options.chain, sql, options.payout)] : [];
  return new RailRegistry([...chain, sandboxEscrowRail(sandbox, options.sandbox), sandboxDirectRail(sandbox, options.sandbox), manualInvoiceRail, ...(options.stripe ? [stripeRail(options.stripe)] : [])]);
}
