/**
 * The order state machine (docs/money.md). Every transition is one compare-and-swap UPDATE … WHERE id AND status =
 * expected; a miss is 409 CONFLICT, never a silent overwrite, and an illegal transition is refused before any
 * write (the database trigger `orders_transition` refuses it too).
 */
import type { OrderStatus, Prisma } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { Tx } from "./money-tx.ts";

export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ["pending_payment", "cancelled"],
  pending_payment: ["escrow_funded", "paid", "expired", "cancelled"],
  // A merchant may cancel a paid order before it ships (ADR 036): refund and stock return in the same transaction.
  escrow_funded: ["fulfilling", "disputed", "cancelled"],
  paid: ["fulfilling", "cancelled"],
  fulfilling: ["delivered", "disputed"],
  // A merchant refund of everything paid closes a delivered or completed order as refunded (ADR 040; the database
  // allows it only when refunded_amount = total).
  delivered: ["completed", "disputed", "refunded"],
  disputed: ["completed", "refunded"],
  completed: ["refunded"],
  expired: [],
  cancelled: [],
  refunded: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus) => TRANSITIONS[from].includes(to);

export interface TransitionInput {
  tenantId: string;
  orderId: string;
  from: OrderStatus | readonly OrderStatus[];
  to: OrderStatus;
  actor: string;
  set?: Prisma.OrderUpdateManyMutationInput;
  /** Extra conditions for the CAS (e.g. no open dispute). */
  where?: Prisma.OrderWhereInput;
}

export async function transition(tx: Tx, input: TransitionInput): Promise<OrderStatus> {
  const from = (Array.isArray(input.from) ? input.from : [input.from]) as OrderStatus[];
  const legal = from.filter((f) => canTransition(f, input.to));
  if (legal.length === 0) throw new ApiError(409, "CONFLICT", `An order cannot go from ${from.join("/")} to ${input.to}.`);
  const current = await tx.order.findFirst({ where: { id: input.orderId, tenantId: input.tenantId }, select: { status: true } });
  if (!current) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
  if (!legal.includes(current.status)) {
    throw new ApiError(409, "CONFLICT", `The order is ${current.status}; it cannot become ${input.to}.`, { status: current.status });
  }
  const { count } = await tx.order.updateMany({
    where: { ...input.where, id: input.orderId, tenantId: input.tenantId, status: current.status },
    data: { ...input.set, status: input.to, updatedAt: new Date() },
  });
  if (count === 0) throw new ApiError(409, "CONFLICT", "The order changed meanwhile. Reload and try again.");
  await tx.orderEvent.create({ data: { tenantId: input.tenantId, orderId: input.orderId, fromStatus: current.status, toStatus: input.to, actor: input.actor } });
  return current.status;
}
