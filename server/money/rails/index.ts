/** The rail registry: which adapter serves which rail. On-chain and Stripe adapters register here later. */
import type { PaymentRail } from "@prisma/client";
import type { SqlRunner } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { formatAmount } from "#server/catalog/index.ts";
import { SandboxLedger, sandboxDirectRail, sandboxEscrowRail } from "./sandbox.ts";
import type { RailAdapter } from "./types.ts";

export type { RailAdapter, RailOrder, ExternalTransfer, PaymentInstructions } from "./types.ts";
export { SandboxLedger } from "./sandbox.ts";

const manualInvoiceRail: RailAdapter = {
  rail: "manual_invoice",
  holdsFunds: false,
  available: () => true,
  instructions: (o) => ({
    kind: "invoice",
    text: `Pay ${formatAmount(o.total, o.currency)} ${o.currency} by bank transfer quoting order ${o.id}. The shop confirms your payment.`,
  }),
};

export class RailRegistry {
  private adapters = new Map<PaymentRail, RailAdapter>();
  constructor(adapters: RailAdapter[]) {
    for (const a of adapters) this.adapters.set(a.rail, a);
  }
  /** Rails that can take a payment right now. */
  configured(): PaymentRail[] {
    return [...this.adapters.values()].filter((a) => a.available()).map((a) => a.rail);
  }
  get(rail: PaymentRail): RailAdapter {
    const a = this.adapters.get(rail);
    if (!a || !a.available()) throw new ApiError(400, "RAIL_NOT_ALLOWED", `The ${rail} rail is not available.`);
    return a;
  }
  /** Even an unavailable adapter may settle what it already holds (e.g. after the sandbox was switched off). */
  settler(rail: PaymentRail): RailAdapter | undefined {
    return this.adapters.get(rail);
  }
}

export function defaultRails(sql: SqlRunner, options: { sandbox: boolean }) {
  const sandbox = new SandboxLedger(sql);
  return new RailRegistry([sandboxEscrowRail(sandbox, options.sandbox), sandboxDirectRail(sandbox, options.sandbox), manualInvoiceRail]);
}
