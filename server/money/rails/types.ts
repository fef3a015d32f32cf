/**
 * The rail adapter interface (docs/money.md "Rails"). The core (checkout, state machine, ledger) never knows how money
 * moves outside the platform; each rail does only what it needs:
 *   fund     — move the buyer's money in (sandbox now; an on-chain indexer or a PSP webhook later calls the core);
 *   release  — pay the merchant out of a hold;   refund — return a hold to the buyer.
 * Outside calls are idempotent by key (`<kind>:<orderId>`): the outside system dedupes, so a retried job or a
 * recovered crash never moves money twice. They are called after the ledger commit, never inside it.
 */
import type { PaymentRail } from "@prisma/client";

export interface RailOrder {
  id: string;
  tenantId: string;
  total: string;
  currency: string;
}

export interface ExternalTransfer {
  /** The outside system's reference (sandbox row id, tx hash, PSP id). */
  ref: string;
  key: string;
}

export interface PaymentInstructions {
  kind: "sandbox" | "invoice" | "none";
  text: string;
}

export interface RailAdapter {
  readonly rail: PaymentRail;
  /** Funds stay with the platform until delivery (escrow) rather than going to the merchant at payment. */
  readonly holdsFunds: boolean;
  /** Configured and usable now (e.g. the sandbox needs PAYMENTS_SANDBOX=true). */
  available(): boolean;
  instructions(order: RailOrder): PaymentInstructions;
  /** Moves the buyer's money in; only rails the platform can drive itself (the sandbox) implement it. */
  fund?(order: RailOrder): Promise<ExternalTransfer>;
  release?(order: RailOrder): Promise<ExternalTransfer>;
  refund?(order: RailOrder): Promise<ExternalTransfer>;
  /** Whether the buyer's money for this order already arrived outside (expiry must not cancel a paid order). */
  funded?(order: RailOrder): Promise<boolean>;
}
