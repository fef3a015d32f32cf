/** How order, escrow and dispute states look to merchants and operators (docs/money.md state machine). */
import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";

const ORDER_STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  draft: { label: "Draft", tone: "gray" },
  pending_payment: { label: "Awaiting payment", tone: "amber" },
  escrow_funded: { label: "Paid · in escrow", tone: "indigo" },
  paid: { label: "Paid", tone: "indigo" },
  fulfilling: { label: "Shipped", tone: "indigo" },
  delivered: { label: "Delivered", tone: "green" },
  completed: { label: "Completed", tone: "green" },
  expired: { label: "Expired", tone: "gray" },
  cancelled: { label: "Cancelled", tone: "gray" },
  disputed: { label: "Disputed", tone: "red" },
  refunded: { label: "Refunded", tone: "gray" },
};

/** States an order never leaves: nothing more can happen in the background. */
export const FINAL_ORDER_STATUSES = ["completed", "expired", "cancelled", "refunded"] as const;
export const isFinalOrderStatus = (status: string) => (FINAL_ORDER_STATUSES as readonly string[]).includes(status);

export function orderStatusLabel(status: string) {
  return ORDER_STATUS[status]?.label ?? status;
}

export function OrderStatusBadge({ status }: { status: string }) {
  const s = ORDER_STATUS[status] ?? { label: status, tone: "gray" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

const ESCROW_TONES: Record<string, BadgeTone> = { held: "amber", released: "green", refunded: "gray" };

/** The escrow row's state in the ledger's own words (HELD → RELEASED | REFUNDED). */
export function EscrowBadge({ status }: { status: string }) {
  return <Badge tone={ESCROW_TONES[status] ?? "gray"}>{status.toUpperCase()}</Badge>;
}

/** "abcd1234" — enough to tell orders apart in lists and messages (the bots use the same prefix). */
export const shortOrderId = (id: string) => id.slice(0, 8);
