/**
 * The money core's side of the on-chain rails: turns confirmed contract events into postings (one per event, by the
 * same idempotency keys every rail uses), flags what does not match an order, and requests arbiter payouts inside the
 * money transaction that decides them. Nothing here trusts an unconfirmed event.
 */
import type { Order, PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { SqlQuery } from "#server/db/index.ts";
import { writeAuditSql, type AuditActor } from "#server/audit/index.ts";
import { advancePayout, openPayouts, pendingConfirmed, pollOnce, type ChainRuntime, type ConfirmedChainEvent, type PayoutGuard, type PayoutOptions, type PayoutStep, type PollResult } from "#server/chain/index.ts";
import type { MoneyContext, PayoutKind } from "./context.ts";
import { moneyTx, type Tx } from "./money-tx.ts";
import { killSwitchScope } from "./db-errors.ts";
import { failpoint } from "#server/jobs/index.ts";
import { toUnits } from "./amounts.ts";
import { recordFunding, settleEscrowNow, SYSTEM } from "./settlement.ts";
import { requireChain } from "./chain-ops.ts";

/** The kill switch, checked inside the payout's own transaction before anything is signed. */
export const payoutGuard = (_prisma: PrismaClient): PayoutGuard => async (q, tenantId) => {
  try {
    await q(`SELECT money_assert_allowed($1::uuid)`, [tenantId]);
  } catch (err) {
    if (killSwitchScope(err)) throw new ApiError(423, "KILL_SWITCH_ON", "Payments are paused by the platform; nothing was sent.");
    throw err;
  }
};

/** How the money core drives a payout: kill switch inside the transaction, crash points for the matrix's E5. */
export const payoutOptions = (prisma: PrismaClient): PayoutOptions => ({ allowed: payoutGuard(prisma), beforeBroadcast: () => failpoint("chain.before-broadcast") });

/**
 * In the deciding money transaction (release after delivery, refund on a dispute): the escrow stays HELD and a payout
 * is requested; the posting follows when the contract's Released/Refunded event is confirmed.
 */
export async function requestChainPayout(tx: Tx, o: Pick<Order, "id" | "tenantId" | "chainRef" | "chainAmount" | "total" | "feeAmount">, kind: PayoutKind) {
  // The fee in base units, in proportion to the order: exact whenever the fee has no more digits than the token.
  const feeBase = kind === "release" ? (BigInt(o.chainAmount!.toFixed()) * toUnits(o.feeAmount.toFixed())) / toUnits(o.total.toFixed()) : 0n;
  const inserted = await tx.$executeRaw`
    INSERT INTO chain_payouts (id, chain_ref, tenant_id, order_id, kind, purpose, fee_base)
    VALUES (gen_random_uuid(), ${o.chainRef}, ${o.tenantId}::uuid, ${o.id}::uuid, ${kind}, 'settlement', ${feeBase.toString()}::numeric)
    ON CONFLICT (chain_ref) DO NOTHING`;
  if (inserted === 0) throw new ApiError(409, "CONFLICT", "The escrow is already being paid out.");
}

type Outcome = { outcome: "posted" | "flagged" | "recorded"; reason?: string; tenantId?: string; orderId?: string };

async function setOutcome(ctx: MoneyContext, ev: ConfirmedChainEvent, o: Outcome) {
  await ctx.sql.query(`UPDATE chain_events SET outcome = $2, flag_reason = $3, tenant_id = coalesce($4::uuid, tenant_id), order_id = coalesce($5::uuid, order_id) WHERE id = $1::uuid`,
    [ev.id, o.outcome, o.reason ?? null, o.tenantId ?? null, o.orderId ?? null], "chain_event_outcome");
  if (o.outcome === "flagged") ctx.logger.warn({ chainRef: ev.chainRef, txHash: ev.txHash, event: ev.name, reason: o.reason }, "chain event flagged for an operator");
}

/** Orders are found by their unguessable chain reference alone, as a PSP webhook finds them by its id. */
async function orderByChainRef(ctx: MoneyContext, chainRef: string) {
  const [row] = await ctx.sql.query<{ id: string; tenant_id: string }>(`SELECT id::text, tenant_id::text FROM orders WHERE chain_ref = $1`, [chainRef], "order_by_chain_ref");
  return row ? ctx.prisma.order.findFirst({ where: { id: row.id, tenantId: row.tenant_id } }) : null;
}

const sameAddress = (a: string | null, b: string | null) => Boolean(a && b && a.toLowerCase() === b.toLowerCase());

function mismatch(ev: ConfirmedChainEvent, order: Order, chain: ChainRuntime): string | null {
  const expectedRail = ev.name === "Funded" ? "escrow" : "direct";
  if (order.rail !== expectedRail) return `Paid with ${ev.name === "Funded" ? "fund()" : "payDirect()"} but the order is on the ${order.rail} rail.`;
  const want = BigInt(order.chainAmount!.toFixed());
  const units = (n: bigint) => `${n} base units of ${chain.tokenSymbol}`;
  if (ev.amount < want) return `Underpaid: ${units(ev.amount)} arrived, the order needs ${units(want)}.`;
  if (ev.amount > want) return `Overpaid: ${units(ev.amount)} arrived, the order needs ${units(want)}.`;
  if (!sameAddress(ev.merchant, order.chainMerchant)) return `Paid to ${ev.merchant}, not to the shop's payout address ${order.chainMerchant}.`;
  return null;
}

/** A refund of money never credited as an order (late or flagged funding), once per chain reference. True if new. */
async function insertFlaggedRefund(query: SqlQuery, chainRef: string, scope: { tenantId: string | null; orderId: string | null }) {
  const rows = await query(`INSERT INTO chain_payouts (id, chain_ref, tenant_id, order_id, kind, purpose) VALUES (gen_random_uuid(), $1, $2::uuid, $3::uuid, 'refund', 'flagged')
                            ON CONFLICT (chain_ref) DO NOTHING RETURNING id`, [chainRef, scope.tenantId, scope.orderId], "chain_flagged_refund");
  return rows.length > 0;
}

async function applyFunding(ctx: MoneyContext, ev: ConfirmedChainEvent): Promise<Outcome> {
  const order = await orderByChainRef(ctx, ev.chainRef);
  if (!order) return { outcome: "flagged", reason: "No order has this reference: money sent to the contract outside any checkout." };
  const scope = { tenantId: order.tenantId, orderId: order.id };
  const wrong = mismatch(ev, order, ctx.chain!);
  if (wrong) return { outcome: "flagged", reason: `${wrong} Not credited as the order.`, ...scope };
  if (order.status === "pending_payment") {
    const result = await recordFunding(ctx, order, { externalRef: ev.txHash, actor: SYSTEM });
    if (!result.replayed) await ctx.publish(order, "paid");
    return { outcome: "posted", ...scope };
  }
  if (order.paidAt) return { outcome: "posted", ...scope }; // recorded before (a replayed poll)
  // The order expired or was cancelled before the money was final: the money goes back, never to the order.
  if (ev.name === "Funded") {
    await insertFlaggedRefund(ctx.sql.query, ev.chainRef, scope);
    return { outcome: "recorded", reason: `Arrived after the order was ${order.status}: refunded to the buyer.`, ...scope };
  }
  return { outcome: "flagged", reason: `Paid directly to the merchant after the order was ${order.status}: the merchant must refund the buyer.`, ...scope };
}

async function applyPayout(ctx: MoneyContext, ev: ConfirmedChainEvent): Promise<Outcome> {
  const [payout] = await ctx.sql.query<{ id: string; tenant_id: string | null; order_id: string | null; kind: PayoutKind; purpose: string; fee_base: string }>(
    `SELECT id::text, tenant_id::text, order_id::text, kind, purpose, fee_base::text FROM chain_payouts WHERE chain_ref = $1`, [ev.chainRef], "chain_payout_by_ref");
  if (!payout) return { outcome: "flagged", reason: `The arbiter ${ev.name === "Released" ? "released" : "refunded"} this deal without a payout the platform asked for.` };
  const scope = { tenantId: payout.tenant_id ?? undefined, orderId: payout.order_id ?? undefined };
  const kind: PayoutKind = ev.name === "Released" ? "release" : "refund";
  if (kind !== payout.kind) return { outcome: "flagged", reason: `The contract shows a ${kind} but the platform asked for a ${payout.kind}.`, ...scope };
  if (kind === "release" && ev.fee !== BigInt(payout.fee_base)) return { outcome: "flagged", reason: `Released with fee ${ev.fee}, the platform asked for ${payout.fee_base}.`, ...scope };
  if (payout.purpose === "flagged" || !payout.tenant_id || !payout.order_id) {
    await ctx.sql.query(`UPDATE chain_payouts SET status = 'confirmed', confirmed_at = now() WHERE id = $1::uuid`, [payout.id]);
    return { outcome: "recorded", ...scope };
  }
  const tenantId = payout.tenant_id;
  const orderId = payout.order_id;
  await moneyTx(ctx.prisma, { tenantId, action: `order.${kind}_confirmed`, target: `order:${orderId}`, actor: SYSTEM }, async (tx) => {
    const order = await tx.order.findFirst({ where: { id: orderId, tenantId } });
    if (!order) throw new Error(`order ${orderId} of payout ${payout.id} is gone`);
    // Locked: two workers applying the same confirmed event (a tick and the payout job) settle it once.
    const [escrow] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM escrows WHERE order_id = ${orderId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    if (escrow?.status === "held") await settleEscrowNow(tx, order, kind, ctx.now());
    await tx.$executeRaw`UPDATE chain_payouts SET status = 'confirmed', confirmed_at = now() WHERE id = ${payout.id}::uuid`;
  });
  await ctx.publish(await ctx.prisma.order.findFirstOrThrow({ where: { id: orderId, tenantId } }), kind === "release" ? "released" : "refunded");
  return { outcome: "posted", ...scope };
}

/** Turns every confirmed, not yet applied event into its posting or flag, oldest first. Stops at the kill switch. */
export async function applyConfirmedEvents(ctx: MoneyContext) {
  const counts = { posted: 0, flagged: 0, recorded: 0, paused: 0, failed: 0 };
  if (!ctx.chain) return counts;
  for (const ev of await pendingConfirmed(ctx.sql, ctx.chain)) {
    let outcome: Outcome;
    try {
      outcome = ev.name === "Funded" || ev.name === "PaidDirect" ? await applyFunding(ctx, ev) : await applyPayout(ctx, ev);
    } catch (err) {
      // Paused: the event stays pending and is applied once the switch is off. Anything else: retried next tick.
      if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") { counts.paused++; continue; }
      // One event that cannot be applied must not hold back the others: it stays pending, is retried next tick, and
      // reconciliation reports it once it has waited past the grace period (chain_event_has_posting).
      ctx.logger.error({ chainRef: ev.chainRef, txHash: ev.txHash, event: ev.name, err: (err as Error).message.split("\n")[0] }, "confirmed chain event not applied");
      counts.failed++;
      continue;
    }
    await setOutcome(ctx, ev, outcome);
    counts[outcome.outcome]++;
  }
  return counts;
}

/** Moves every open payout one step (send, re-broadcast, replace, or notice it mined); paused ones wait. */
export async function advanceOpenPayouts(ctx: MoneyContext) {
  if (!ctx.chain) return 0;
  let moved = 0;
  for (const p of await openPayouts(ctx.sql)) {
    try {
      const step = await advancePayout({ sql: ctx.sql, chain: ctx.chain }, p.chain_ref, payoutOptions(ctx.prisma));
      if (step === "sent" || step === "replaced") failpoint("chain.after-broadcast");
      moved++;
    } catch (err) {
      if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") continue;
      ctx.logger.warn({ chainRef: p.chain_ref, err: (err as Error).message.split("\n")[0] }, "chain payout not advanced; retried next tick");
    }
  }
  return moved;
}

/** One tick of the chain job: index, apply what is confirmed, move payouts on. */
export async function chainTick(ctx: MoneyContext): Promise<{ poll: PollResult | null; applied: Awaited<ReturnType<typeof applyConfirmedEvents>>; payouts: number }> {
  if (!ctx.chain) return { poll: null, applied: { posted: 0, flagged: 0, recorded: 0, paused: 0, failed: 0 }, payouts: 0 };
  const poll = await pollOnce({ sql: ctx.sql, chain: ctx.chain });
  const applied = poll.kind === "halted" ? { posted: 0, flagged: 0, recorded: 0, paused: 0, failed: 0 } : await applyConfirmedEvents(ctx);
  const payouts = await advanceOpenPayouts(ctx);
  return { poll, applied, payouts };
}

/**
 * An operator has the arbiter return a flagged funding (wrong amount, wrong merchant, no order) to its payer. Asked
 * once per reference: a second request is CHAIN_REFUND_EXISTS and sends nothing (the first one's payout carries on).
 */
export async function refundFlaggedFunding(ctx: MoneyContext, actor: AuditActor, eventId: string): Promise<PayoutStep | "paused"> {
  const chain = requireChain(ctx);
  const [ev] = await ctx.sql.query<{ chain_ref: string; name: string; outcome: string; tenant_id: string | null; order_id: string | null }>(
    `SELECT chain_ref, name, outcome, tenant_id::text, order_id::text FROM chain_events WHERE id = $1::uuid AND status = 'confirmed'`, [eventId]);
  if (!ev) throw new ApiError(404, "CHAIN_EVENT_NOT_FOUND", "No such confirmed chain event.");
  if (ev.name !== "Funded" || ev.outcome !== "flagged") {
    throw new ApiError(409, "CHAIN_EVENT_NOT_REFUNDABLE", "Only a flagged funding held by the escrow can be refunded this way.", { name: ev.name, outcome: ev.outcome });
  }
  const inserted = await ctx.sql.transaction(async (q) => {
    const created = await insertFlaggedRefund(q, ev.chain_ref, { tenantId: ev.tenant_id, orderId: ev.order_id });
    if (created) await writeAuditSql(q, actor, { action: "money.chain_refund_flagged", tenantId: ev.tenant_id, target: `chain:${ev.chain_ref}`, details: { eventId } });
    return created;
  });
  if (!inserted) {
    const [p] = await ctx.sql.query<{ status: string; tx_hash: string | null }>(`SELECT status::text, tx_hash FROM chain_payouts WHERE chain_ref = $1`, [ev.chain_ref]);
    throw new ApiError(409, "CHAIN_REFUND_EXISTS", "A payout for this funding was already asked for; nothing more was sent.", { status: p?.status ?? null, txHash: p?.tx_hash ?? null });
  }
  try {
    return await advancePayout({ sql: ctx.sql, chain }, ev.chain_ref, payoutOptions(ctx.prisma));
  } catch (err) {
    // Recorded and audited: the chain job sends it once the kill switch is off.
    if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") return "paused";
    throw err;
  }
}
