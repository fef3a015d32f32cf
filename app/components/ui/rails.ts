/** Merchant-facing names of the payment rails (server/tenancy/policy.ts PAYMENT_RAILS, docs/product.md PAY-1). */
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

/** "External provider" / "Direct and External provider": rail names as one phrase. */
export function railList(rails: readonly string[]) {
  const names = rails.map((r) => RAIL_LABELS[r] ?? r);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * Why an allowed rail is missing at checkout: the policy allows it, but nothing on this platform can take a payment
 * on it (MoneyService.unconfiguredRails). `allowed` tells whether any rail is left for buyers at all.
 */
export function notOfferedSentence(notOffered: readonly string[], allowed: readonly string[]) {
  const one = notOffered.length === 1;
  const none = allowed.every((r) => notOffered.includes(r));
  return `${railList(notOffered)} ${one ? "is" : "are"} allowed but not set up on this platform, so checkout does not offer ${one ? "it" : "them"} to buyers.${none ? " Buyers cannot pay for orders at all until you allow a rail that is set up." : ""}`;
}
