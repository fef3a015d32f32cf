/** Merchant-facing names of the payment rails (server/tenancy/policy.ts PAYMENT_RAILS, PRODUCT.md PAY-1). */
export const RAIL_LABELS: Record<string, string> = {
  escrow: "Escrow",
  direct: "Direct",
  external_provider: "External provider",
  manual_invoice: "Manual invoice",
};

export const RAIL_HELP: Record<string, string> = {
  escrow: "The platform holds the money until the buyer confirms delivery.",
  direct: "Paid through the platform straight to you, with no hold.",
  external_provider: "Paid to a provider you connect, such as Stripe; escrow does not apply.",
  manual_invoice: "Buyers get payment instructions; you mark the order paid with evidence.",
};
