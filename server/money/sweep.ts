/**
 * The money sweep (every MONEY_SWEEP_EVERY_MS): catches up on work whose job was lost or whose process died — due
 * releases, fundings the outside system has but the ledger does not (a crash between the two), due expiries, and
 * settled escrows whose payout never went out, and escrow orders stuck in `fulfilling` (stale.ts). Every step is
 * idempotent.
 */
import type { MoneyContext } from "./context.ts";
import { expireOrder, findOrder, payout, recordFunding, releaseOrder, SYSTEM } from "./settlement.ts";
import { killSwitchState } from "./kill-switch.ts";
import { settleStaleFulfilment } from "./stale.ts";
import { sendHoldRefund } from "./refunds.ts";
import { decimal } from "./amounts.ts";

const BATCH = 200;

export async function sweep(ctx: MoneyContext) {
  const now = ctx.now();
  const counts = { expired: 0, released: 0, funded: 0, paidOut: 0, staleDisputed: 0, staleReleased: 0 };
  // Paused tenants are skipped (not attempted and refused once a minute), so one switch never stalls the others.
  const switches = await killSwitchState(ctx.prisma);
  if (switches.global) return counts;
  const paused = switches.tenants.map((t) => t.tenantId);
  const active = <T extends { tenant_id: string }>(rows: T[]) => rows.filter((r) => !paused.includes(r.tenant_id));
  const releasable = await ctx.prisma.order.findMany({
    where: { status: "delivered", releaseAfter: { lte: now }, disputes: { none: { status: "open" } }, tenantId: { notIn: paused } },
    select: { id: true, tenantId: true },
    take: BATCH,
  });
  for (const o of releasable) if ((await releaseOrder(ctx, o.tenantId, o.id)) === "released") counts.released++;

  const unrecorded = await ctx.prisma.$queryRaw<{ order_id: string; tenant_id: string; idempotency_key: string; id: string }[]>`
    SELECT t.order_id, t.tenant_id, t.idempotency_key, t.id FROM sandbox_transfers t
    WHERE t.kind IN ('fund', 'pay_direct') AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = 'fund:' || t.order_id)
    LIMIT ${BATCH}`;
  for (const t of active(unrecorded)) {
    const order = await findOrder(ctx, t.tenant_id, t.order_id);
    if (order.status !== "pending_payment") continue; // expired before the money was seen: reconciliation flags it
    const r = await recordFunding(ctx, order, { externalRef: t.id, actor: SYSTEM });
    if (!r.replayed) {
      counts.funded++;
      await ctx.publish(order, "paid");
    }
  }

  // After recording fundings: an order whose money arrived is never expired.
  const due = await ctx.prisma.order.findMany({ where: { status: "pending_payment", expiresAt: { lte: now }, tenantId: { notIn: paused } }, select: { id: true, tenantId: true }, take: BATCH });
  for (const o of due) if (await expireOrder(ctx, o.tenantId, o.id)) counts.expired++;

  const unpaid = await ctx.prisma.$queryRaw<{ order_id: string; tenant_id: string; status: "released" | "refunded" }[]>`
    SELECT e.order_id, e.tenant_id, e.status FROM escrows e WHERE e.status <> 'held'
      AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = (CASE e.status WHEN 'released' THEN 'release' ELSE 'refund' END) || ':' || e.order_id)
      AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || e.order_id)
      -- A hold that merchant refunds returned in full (ADR 040) has no settlement transfer of its own.
      AND (e.status = 'released' OR e.refunded_amount > COALESCE((SELECT sum(r.amount) FROM order_refunds r
             WHERE r.tenant_id = e.tenant_id AND r.order_id = e.order_id AND r.source = 'hold'), 0))
    LIMIT ${BATCH}`;
  for (const e of active(unpaid)) {
    await payout(ctx, await findOrder(ctx, e.tenant_id, e.order_id), e.status === "released" ? "release" : "refund");
    counts.paidOut++;
  }
  // Merchant refunds out of a hold whose transfer did not go out after the commit.
  const unsentRefunds = await ctx.prisma.$queryRaw<{ id: string; order_id: string; tenant_id: string; amount: string }[]>`
    SELECT r.id::text, r.order_id::text, r.tenant_id::text, r.amount::text FROM order_refunds r WHERE r.source = 'hold'
      AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'merchant-refund:' || r.id)
      AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || r.order_id)
    LIMIT ${BATCH}`;
  for (const r of active(unsentRefunds)) {
    await sendHoldRefund(ctx, await findOrder(ctx, r.tenant_id, r.order_id), { id: r.id, amount: decimal(r.amount) });
    counts.paidOut++;
  }

  const stale = await settleStaleFulfilment(ctx, paused, BATCH);
  counts.staleDisputed = stale.disputed;
  counts.staleReleased = stale.released;
  return counts;
}
