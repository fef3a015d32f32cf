/**
 * The rail adapter interface (docs/money.md "Rails"). The core (checkout, state machine, ledger) never knows how money
 * moves outside the platform; each rail does only what it needs:
 *   fund     — move the buyer's money in (the sandbox; the on-chain indexer and a PSP webhook call the core instead);
 *   release  — pay the merchant out of a hold;   refund — return a hold to the buyer.
 * Outside calls are idempotent by key (`<kind>:<orderId>`, or the order's chain reference): the outside system
 * dedupes, so a retried job or a recovered crash never moves money twice. They are called after the ledger commit,
 * never inside it.
 */
import type { PaymentRail } from "@prisma/client";
import type { InvoiceInstructions } from "#server/tenancy/shared.ts";

export interface RailOrder {
  id: string;
  tenantId: string;
  total: string;
  currency: string;
  /** On-chain orders: the bytes32 reference the contract knows the order by. */
  chainRef?: string | null;
}

/** What decides whether a shop can be offered a rail: on-chain rails need the token's currency and a payout address. */
export interface ShopRails {
  currency: string;
  payoutAddress: string | null;
  /** The shop's active Stripe integration (ADR 024); null or absent: the `external_provider` rail is not offered. */
  stripe?: { integrationId: string; businessName: string; testMode: boolean } | null;
  /** The bank details manual-invoice buyers pay into; the manual_invoice rail is offered only with them (ADR 025). */
  invoiceInstructions?: InvoiceInstructions | null;
}

export interface CheckoutLine {
  title: string;
  unitPrice: string;
  quantity: number;
}

export interface ExternalTransfer {
  /** The outside system's reference (sandbox row id, tx hash, PSP id). */
  ref: string;
  key: string;
}

export interface PaymentInstructions {
  kind: "sandbox" | "invoice" | "wallet" | "card" | "none";
  text: string;
  /** Card payments: the provider's hosted payment page, and whether the shop's account is in test mode. */
  redirectUrl?: string | null;
  testMode?: boolean;
  /** Manual invoice: where to pay and the reference to quote (the shop's instructions, ADR 025). */
  invoice?: { accountHolder: string; accountNumber: string; bankName: string; reference: string; amount: string; currency: string; note: string };
}

export type ChainTerms = { ref: string; amount: bigint; merchant: string } | { refused: string };

export interface RailAdapter {
  readonly rail: PaymentRail;
  /** Funds stay with the platform until delivery (escrow) rather than going to the merchant at payment. */
  readonly holdsFunds: boolean;
  /** Paid through the escrow contract: the order carries a chain reference. */
  readonly onChain?: boolean;
  /** Configured and usable now for this shop (e.g. the sandbox needs PAYMENTS_SANDBOX=true). */
  available(shop?: ShopRails): boolean;
  instructions(order: RailOrder, shop?: ShopRails): PaymentInstructions;
  /** Why this rail cannot take this exact total (e.g. a currency's minor unit), checked before the order is made. */
  refuses?(order: { total: string; currency: string }, shop: ShopRails): string | null;
  /** Hosted-payment rails: the page the buyer is sent to for this new (or replayed) order; made once per order. */
  createCheckout?(order: RailOrder & { lines: CheckoutLine[] }, shop: ShopRails, returnUrl: string): Promise<string>;
  /** On-chain rails: the reference, exact amount and merchant address the contract must see for this order. */
  chainTerms?(order: { total: string; currency: string }, shop: ShopRails): ChainTerms;
  /** Moves the buyer's money in; only rails the platform can drive itself (the sandbox) implement it. */
  fund?(order: RailOrder): Promise<ExternalTransfer>;
  release?(order: RailOrder): Promise<ExternalTransfer>;
  refund?(order: RailOrder): Promise<ExternalTransfer>;
  /** Returns part of a hold (a merchant refund after delivery, ADR 040): `order.total` is the part, `key` dedupes it. */
  refundPart?(order: RailOrder, key: string): Promise<ExternalTransfer>;
  /** Whether the buyer's money for this order already arrived outside (expiry must not cancel a paid order). */
  funded?(order: RailOrder): Promise<boolean>;
  /** Whether a payment was seen but is not yet final (expiry waits for it rather than cancel). */
  paymentInFlight?(order: RailOrder): Promise<boolean>;
}
