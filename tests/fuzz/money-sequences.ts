/** Money operation sequences for tests/fuzz-money.test.ts: one order, 3–8 operations, some sent twice at once. */
import fc from "fast-check";

export const OPS = [
  "pay", "markPaid", "ship", "rightCode", "wrongCode", "reissueCode", "dispute", "resolveRelease", "resolveRefund",
  "expire", "release", "releaseLater", "payout", "replayCheckout", "pause", "resume",
] as const;
export type Op = (typeof OPS)[number];
export interface Step {
  /** "next": a step the order's current state allows (so sequences get far); "any": any operation at all. */
  kind: "next" | "any";
  /** Which operation of the chosen list (modulo its length). */
  pick: number;
  /** Sent twice at once (a replayed job, a double click, two workers). */
  twice: boolean;
}
export interface Sequence {
  rail: "escrow" | "direct" | "manual_invoice";
  item: "Lamp" | "E-book";
  quantity: number;
  steps: Step[];
}

/** The operations that move an order on from each state (as a merchant, buyer, operator or job would). */
export const NEXT: Partial<Record<string, readonly Op[]>> = {
  pending_payment: ["pay", "markPaid", "expire"],
  escrow_funded: ["ship", "ship", "dispute"],
  paid: ["ship"],
  fulfilling: ["rightCode", "rightCode", "wrongCode", "reissueCode", "dispute"],
  delivered: ["releaseLater", "release", "dispute", "payout"],
  disputed: ["resolveRelease", "resolveRefund"],
  completed: ["payout", "replayCheckout"],
  refunded: ["payout", "replayCheckout"],
};

/** The operation a step stands for, given the order's current status and rail. */
export function opFor(step: Step, status: string, rail: Sequence["rail"]): Op {
  let list = step.kind === "next" ? (NEXT[status] ?? OPS) : OPS;
  // The buyer pays an invoice by bank transfer: only the merchant's "mark paid" moves it on.
  if (step.kind === "next" && status === "pending_payment") list = rail === "manual_invoice" ? ["markPaid", "expire"] : ["pay", "pay", "expire"];
  return list[step.pick % list.length]!;
}

export const sequence: fc.Arbitrary<Sequence> = fc.record({
  rail: fc.constantFrom("escrow", "escrow", "direct", "manual_invoice"),
  item: fc.constantFrom("Lamp", "E-book"),
  quantity: fc.integer({ min: 1, max: 3 }),
  steps: fc.array(fc.record({
    kind: fc.constantFrom<Step["kind"]>("next", "next", "next", "any"),
    pick: fc.nat({ max: 1_000 }),
    twice: fc.integer({ min: 0, max: 4 }).map((n) => n === 0), // one in five sent twice at once
  }), { minLength: 3, maxLength: 8 }),
});
