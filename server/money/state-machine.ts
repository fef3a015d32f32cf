/**
 * The order state machine (MONEY.md). Every transition is one compare-and-swap UPDATE … WHERE id AND status =
 * expected; a miss is 409 CONFLICT, never a silent overwrite, and an illegal transition is refused before any
 * write (the database trigger `orders_transition` refuses it too).
 */
import type { OrderStatus, Prisma } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { Tx } from "./money-tx.ts";

export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ["pending_payment", "cancelled"],
  pending_payment: ["escrow_funded", "paid", "expired", "cancelled"],
  escrow_funded: ["fulfilling", "disputed"],
  paid: ["fulfilling"],
  fulfilling: ["delivered", "disputed"],
  delivered: ["completed", "disputed"],
  disputed: ["completed", "refunded"],
  completed: [],
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

export async function transition(tx: Tx, t: TransitionInput): Promise<OrderStatus> {
  const from = (Array.isArray(t.from) ? t.from : [t.from]) as OrderStatus[];
  const legal = from.filter((f) => canTransition(f, t.to));
  if (legal.length === 0) throw new ApiError(409, "CONFLICT", `An order cannot go from ${from.join("/")} to ${t.to}.`);
  const current = await tx.order.findFirst({ where: { id: t.orderId, tenantId: t.tenantId }, select: { status: true } });
  if (!current) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
  if (!legal.includes(current.status)) {
    throw new ApiError(409, "CONFLICT", `The order is ${current.status}; it cannot become ${t.to}.`, { status: current.status });
  }
  const { count } = await tx.order.updateMany({
    where: { ...t.where, id: t.orderId, tenantId: t.tenantId, status: current.status },
    data: { ...t.set, status: t.to, updatedAt: new Date() },
  });
  if (count === 0) throw new ApiError(409, "CONFLICT", "The order changed meanwhile. Reload and try again.");
  await tx.orderEvent.create({ data: { tenantId: t.tenantId, orderId: t.orderId, fromStatus: current.status, toStatus: t.to, actor: t.actor } });
  return current.status;
}
