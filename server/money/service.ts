/**
 * MoneyService: the one object the JSON API, the Remix loaders (context.services.money) and the job handlers use.
 * Every tenant-owned read carries the tenant floor; buyers reach an order only through its link token, and only on
 * the host of the order's own shop.
 */
import type { PaymentRail, PrismaClient } from "@prisma/client";
import { type SqlRunner, pageArgs, pageOf, withTenantScope, withTenantScopeSql } from "#server/db/index.ts";
import type { RedisClient } from "#server/redis.ts";
import { ApiError } from "#server/http/index.ts";
import { type AuditActor, writeAudit } from "#server/audit/index.ts";
import { type Logger, type Registry, createRegistry } from "#server/observability/index.ts";
import type { NotificationEvent } from "#server/bots/index.ts";
import type { MoneyConfig } from "./config.ts";
import type { MoneyContext, MoneyScheduler, OrderEventKind } from "./context.ts";
import { defaultRails, shopRails, type RailRegistry, type ShopRails } from "./rails/index.ts";
import { checkout, eligibleRails, type CheckoutBuyer } from "./checkout.ts";
import { expireOrder, markInvoicePaid, releaseOrder, sandboxPay, payout, findOrder } from "./settlement.ts";
import { enterDeliveryCode, reissueDeliveryCode, shipOrder } from "./fulfilment.ts";
import type { TrackingInput } from "./carriers.ts";
import { cancelOrder } from "./cancel.ts";
import { listRefunds, refundOrder } from "./refunds.ts";

/** A refund as the buyer sees it: amount and date, never the merchant's reason (ADR 040). */
type BuyerRefund = { id: string; amount: string; currency: string; createdAt: Date };
import { listDisputes, openDispute, resolveDispute } from "./disputes.ts";
import { killSwitchState, killSwitchesFor, setKillSwitch, isEngaged } from "./kill-switch.ts";
import { shippingQuote } from "./checkout-quote.ts";
import { reconcile, reconciliationReports, violationTotal } from "./reconcile.ts";
import { sweep } from "./sweep.ts";
import { allStatements, generateStatements, listStatements, previousMonth, settleStatement, statementOf } from "./fee-statements.ts";

const SYSTEM_ACTOR: AuditActor = { userId: null, kind: "system" };
import { sha256Hex } from "./secrets.ts";
import { amountText } from "./amounts.ts";
import { buyerView, fundedRow, loadOrder, merchantView } from "./views.ts";
import type { CheckoutInput, OrderListQuery, OrderRefundInput } from "./schemas.ts";
import { formatAmount } from "#server/catalog/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import { DEFAULT_STRIPE } from "./stripe/client.ts";
import { activeStripe, connectIntegration, disconnectIntegration, listIntegrations, type ConnectIntegrationInput } from "./stripe/integrations.ts";
import { handleStripeWebhook } from "./stripe/webhook.ts";
import { requestCardRefund } from "./stripe/refund.ts";
import { chainTick, payoutOptions, refundFlaggedFunding } from "./chain-events.ts";
import { registerMoneyMetrics } from "./chain-metrics.ts";
import { chainStatus, clearChainHalt, failedChainPayouts, flaggedChainEvents } from "./chain-ops.ts";
import { openDigitalContent } from "./digital-open.ts";

export interface MoneyDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same database (ADR 010); `Database.run`. */
  sql: SqlRunner;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  config: MoneyConfig;
  scheduler: MoneyScheduler;
  notify(tenantId: string, event: NotificationEvent): Promise<unknown>;
  /** Called after the global kill switch flips, so workers stop (or resume) claiming money jobs. */
  onGlobalKillSwitch?(engaged: boolean): Promise<void>;
  rails?: RailRegistry;
  /** Opens provider keys (Stripe, ADR 024); without it the card rail is off. */
  box?: () => SecretBox;
  /** The chain of the on-chain rails (connectChain at start-up); absent or null: those rails are off. */
  chain?: ChainRuntime | null;
  now?: () => Date;
}

const EVENT_TEXT: Record<OrderEventKind, string> = {
  created: "New order", paid: "Order paid", shipped: "Order shipped", delivered: "Order delivered", disputed: "Order disputed",
  code_reissued: "Delivery code reissued by the buyer (the old one no longer works), order",
  released: "Escrow released", refunded: "Order refunded", expired: "Order expired unpaid",
};

export class MoneyService {
  readonly ctx: MoneyContext;
  constructor(private deps: MoneyDeps) {
    const ctx: MoneyContext = {
      prisma: deps.prisma, redis: deps.redis, prefix: deps.prefix, config: deps.config, logger: deps.logger, scheduler: deps.scheduler,
      sql: deps.sql,
      rails: deps.rails ?? defaultRails(deps.sql, {
        sandbox: deps.config.sandbox, chain: deps.chain, payout: payoutOptions(deps.prisma),
        stripe: deps.box ? { prisma: deps.prisma, box: deps.box, stripe: deps.config.stripe ?? DEFAULT_STRIPE } : null,
      }),
      box: deps.box,
      chain: deps.chain ?? null,
      now: deps.now ?? (() => new Date()),
      publish: async (o, kind, occurrence, detail) => {
        try {
          const amount = `${formatAmount(amountText(o.total), o.currency)} ${o.currency}`;
          const text = `${EVENT_TEXT[kind]} #${o.id.slice(0, 8)} — ${amount}${detail ? `\n${detail}` : ""}`;
          await deps.notify(o.tenantId, { id: `order.${kind}:${o.id}${occurrence ? `:${occurrence}` : ""}`, text, orderId: o.id, kind, ...(detail ? { detail } : {}) });
        } catch (err) {
          deps.logger.warn({ err: (err as Error).message, orderId: o.id, kind }, "order event not published");
        }
      },
    };
    this.ctx = ctx;
  }

  // On-chain rails ---------------------------------------------------------------------------------------------------
  get chainEnabled() {
    return this.ctx.chain !== null;
  }

  /** What the dashboard and the buyer's wallet need to know of the chain (no clients, no keys); null when off. */
  get chainInfo() {
    const c = this.ctx.chain;
    if (!c) return null;
    return {
      chainId: c.chainId, contract: c.escrow, token: c.token, tokenSymbol: c.tokenSymbol, tokenDecimals: c.tokenDecimals,
      confirmations: c.confirmations, publicRpcUrl: this.ctx.config.chainPublicRpcUrl ?? null,
    };
  }

  /** One tick of the chain job: index, post what is confirmed, move payouts on. */
  chainTick() {
    return chainTick(this.ctx);
  }

  /** 409 CHAIN_OFF, 404 CHAIN_EVENT_NOT_FOUND, 409 CHAIN_EVENT_NOT_REFUNDABLE, 409 CHAIN_REFUND_EXISTS (nothing sent twice). */
  refundFlaggedFunding(actor: AuditActor, eventId: string) {
    return refundFlaggedFunding(this.ctx, actor, eventId);
  }

  /** Operators: the chain, the indexer's position and halt, and what waits for them; null when the rails are off. */
  chainStatus() {
    return chainStatus(this.ctx);
  }

  /** Operators: flagged events across shops, newest first, with the refund asked for each (if any). */
  flaggedChainEvents(limit = 50) {
    return flaggedChainEvents(this.ctx, limit);
  }

  failedChainPayouts(limit = 50) {
    return failedChainPayouts(this.ctx, limit);
  }

  /** Audited as money.chain_clear_halt. 409 CHAIN_OFF, 409 CHAIN_NOT_HALTED, 400 CHAIN_RESCAN_OUT_OF_RANGE. */
  clearChainHalt(actor: AuditActor, opts: { rescanFromBlock?: bigint } = {}) {
    return clearChainHalt(this.ctx, actor, opts);
  }

  // Buyers (storefront host) -------------------------------------------------------------------------------------
  /** Whether the sandbox rails (and the buyer's "Pay with sandbox") exist in this deployment. */
  get sandbox() {
    return this.ctx.config.sandbox;
  }

  /**
   * PAY-2 for a cart the storefront has priced for display, before any order exists: the rails it may be paid with
   * and why escrow is the only one when it is. Checkout decides again from its own pricing; this is only the offer.
   */
  /** The checkout page's shipping methods, tax and total for a cart and country (ADR 035). */
  shippingQuote(tenantId: string, cart: { itemId: string; quantity: number }[], country: string | null, methodId: string | null) {
    return shippingQuote(this.deps.prisma, tenantId, cart, country, methodId);
  }

  async paymentOptions(tenantId: string, cart: { total: string; categories: (string | null)[] }) {
    const policy = await this.deps.prisma.tenantPaymentPolicy.findUnique({
      where: { tenantId },
      select: {
        allowedRails: true, defaultRail: true, escrowRequiredAboveAmount: true, escrowRequiredForCategories: true, buyerDisclosureMode: true, payoutAddress: true, invoiceInstructions: true,
        tenant: { select: { currency: true } },
      },
    });
    if (!policy) return null;
    const stripe = await activeStripe(this.deps.prisma, tenantId);
    const eligible = eligibleRails(policy, this.ctx.rails.configured(shopRails(policy.tenant.currency, policy, stripe)), cart);
    return {
      ...eligible,
      defaultRail: eligible.rails.includes(policy.defaultRail) ? policy.defaultRail : (eligible.rails[0] ?? null),
      strictDisclosure: policy.buyerDisclosureMode === "strict",
      escrowThreshold: policy.escrowRequiredAboveAmount?.toFixed() ?? null,
      escrowCategories: policy.escrowRequiredForCategories,
      // The card rail's disclosure names the merchant's own Stripe account (PAY-3, ADR 024).
      card: stripe ? { businessName: stripe.businessName, testMode: stripe.testMode } : null,
    };
  }

  /**
   * Rails this deployment can take a payment on right now: the registry paymentOptions and checkout read, so the
   * dashboard's "not offered to buyers" warning can never disagree with what checkout offers.
   */
  configuredRails(shop?: ShopRails): PaymentRail[] {
    return this.ctx.rails.configured(shop);
  }

  /** The rails a buyer of this shop can pay with now: the policy's, less those nothing here can take (TEN-8 features). */
  async offeredRails(tenantId: string): Promise<PaymentRail[]> {
    const policy = await this.deps.prisma.tenantPaymentPolicy.findUnique({
      where: { tenantId }, select: { allowedRails: true, payoutAddress: true, invoiceInstructions: true, tenant: { select: { currency: true } } },
    });
    if (!policy) return [];
    const configured = this.ctx.rails.configured(shopRails(policy.tenant.currency, policy, await activeStripe(this.deps.prisma, tenantId)));
    return policy.allowedRails.filter((r) => configured.includes(r));
  }

  /** The allowed rails checkout silently leaves out because nothing here is configured to take them. */
  unconfiguredRails(allowedRails: readonly PaymentRail[], shop?: ShopRails): PaymentRail[] {
    const configured = this.configuredRails(shop);
    return allowedRails.filter((r) => !configured.includes(r));
  }

  /** `returnBase`: the shop's origin the buyer checked out on; a card payment returns there (ADR 024). */
  checkout(tenantId: string, input: CheckoutInput, idempotencyKey: string, returnBase?: string, buyer: CheckoutBuyer = null) {
    return checkout(this.ctx, tenantId, input, idempotencyKey, returnBase, buyer);
  }

  // Card payments through the merchant's own Stripe account (ADR 024) ----------------------------------------------
  private get stripeDeps() {
    const box = this.deps.box;
    if (!box) throw new ApiError(503, "SECRETS_NOT_CONFIGURED", "Card payments need SECRET_BOX_KEY on this deployment.");
    return { prisma: this.deps.prisma, box, stripe: this.deps.config.stripe ?? DEFAULT_STRIPE };
  }

  /** The shop's active Stripe account as ShopRails carries it; null when none is connected and working. */
  activeStripe(tenantId: string) {
    return activeStripe(this.deps.prisma, tenantId);
  }

  listIntegrations(tenantId: string) {
    return listIntegrations(this.stripeDeps, tenantId);
  }

  /** 400 STRIPE_KEY_REFUSED (nothing stored), 400 STRIPE_TEST_MODE (production, unconfirmed), 502/503 Stripe unreachable. */
  connectIntegration(actor: AuditActor, tenantId: string, input: ConnectIntegrationInput) {
    return connectIntegration(this.stripeDeps, actor, tenantId, input);
  }

  disconnectIntegration(actor: AuditActor, tenantId: string, integrationId: string) {
    return disconnectIntegration(this.stripeDeps, actor, tenantId, integrationId);
  }

  /** POST /api/payments/stripe/webhook/:integrationId, raw body. 400 WEBHOOK_REFUSED, 409 WEBHOOK_TOO_EARLY. */
  stripeWebhook(integrationId: string, signature: string | undefined, raw: Buffer) {
    return handleStripeWebhook(this.ctx, integrationId, signature, raw);
  }

  /** Asks Stripe to refund; the order changes when the webhook confirms. 409, 502/503 STRIPE_UNAVAILABLE (safe to retry). */
  async requestCardRefund(actor: AuditActor, tenantId: string, orderId: string) {
    const refund = await requestCardRefund(this.ctx, actor, tenantId, orderId);
    return { refund, order: await this.merchantOrder(tenantId, orderId) };
  }

  /** Operators: card payments and webhook events flagged for a look (amount mismatch, paid too late, partial refund). */
  async flaggedCardEvents(limit = 50) {
    return this.ctx.sql.query<{ id: string; tenantId: string; tenantSlug: string; orderId: string | null; type: string; detail: string | null; receivedAt: Date }>(
      `SELECT e.id::text, e.tenant_id::text AS "tenantId", t.slug AS "tenantSlug", e.order_id::text AS "orderId", e.type, e.detail, e.received_at AS "receivedAt"
       FROM payment_webhook_events e JOIN tenants t ON t.id = e.tenant_id WHERE e.outcome = 'flagged' ORDER BY e.received_at DESC LIMIT $1`, [limit], "card_flagged");
  }

  private byToken(tenantId: string, token: string) {
    return loadOrder(this.ctx.sql, tenantId, { tokenHash: sha256Hex(token) });
  }

  /** The buyer's order, with the merchant's refunds (amount and date; the merchant's reason stays internal, ADR 040). */
  async buyerOrder(tenantId: string, token: string) {
    const order = await this.byToken(tenantId, token);
    const [view, refunds] = await Promise.all([buyerView(this.ctx, order), listRefunds(this.ctx, tenantId, order.id)]);
    return { ...view, refunds: refunds.map((r): BuyerRefund => ({ id: r.id, amount: r.amount, currency: r.currency, createdAt: r.createdAt })) };
  }

  async sandboxPay(tenantId: string, token: string) {
    const order = await this.byToken(tenantId, token);
    const result = await sandboxPay(this.ctx, order);
    // Answered from what funding wrote, as checkout is (an order just funded has no refunds); a replay (already paid)
    // reads the order as it now is, the same answer as GET.
    if (result.replayed) return this.buyerOrder(tenantId, token);
    return { ...(await buyerView(this.ctx, fundedRow(order, result))), refunds: [] as BuyerRefund[] };
  }

  /** The buyer's "new delivery code" (the old one stops working; the merchant is told, never shown the code). */
  async reissueDeliveryCode(tenantId: string, token: string) {
    await reissueDeliveryCode(this.ctx, tenantId, (await this.byToken(tenantId, token)).id);
    return this.buyerOrder(tenantId, token);
  }

  /** The buyer opens the order's digital content; on a digital-only escrow order, the delivery confirmation (ADR 039). */
  async openDigital(tenantId: string, token: string) {
    const outcome = await openDigitalContent(this.ctx, tenantId, (await this.byToken(tenantId, token)).id);
    return { outcome, order: await this.buyerOrder(tenantId, token) };
  }

  async openDispute(tenantId: string, token: string, reason: string) {
    await openDispute(this.ctx, tenantId, (await this.byToken(tenantId, token)).id, reason);
    return this.buyerOrder(tenantId, token);
  }

  // Merchants (tenant floor from the route's tenant access) ----------------------------------------------------------
  async listOrders(tenantId: string, query: OrderListQuery) {
    // Under the RLS scope as well (ADR 044): the query's own floor is the first, the policy the second.
    const rows = await withTenantScope(this.deps.prisma, tenantId, (db) => db.order.findMany({
      where: {
        tenantId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.rail ? { rail: query.rail } : {}),
        ...(query.email ? { guestEmail: { contains: query.email } } : {}),
      },
      ...pageArgs(query.limit, query.before ? { tenantId_id: { tenantId, id: query.before } } : undefined),
      select: {
        id: true, status: true, rail: true, total: true, shippingAmount: true, taxAmount: true, pricesIncludeTax: true, currency: true, guestEmail: true, createdAt: true,
        _count: { select: { lines: true } },
      },
    }));
    const { items, nextBefore } = pageOf(rows, query.limit);
    // Shipping and tax are parts of the total (ADR 035), listed so the merchant sees them without opening each order.
    return {
      items: items.map(({ _count, total, shippingAmount, taxAmount, ...o }) => ({ ...o, total: total.toFixed(), shippingAmount: shippingAmount.toFixed(), taxAmount: taxAmount.toFixed(), lineCount: _count.lines })),
      nextBefore,
    };
  }

  /** Operators' health view (OPS-1): the shop's latest order and how many it took in the last 24 hours. */
  async orderActivity(tenantId: string) {
    const since = new Date(this.ctx.now().getTime() - 86_400_000);
    const [last, last24h] = await Promise.all([
      this.deps.prisma.order.findFirst({ where: { tenantId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { createdAt: true, status: true } }),
      this.deps.prisma.order.count({ where: { tenantId, createdAt: { gte: since } } }),
    ]);
    return { lastOrderAt: last?.createdAt ?? null, lastOrderStatus: last?.status ?? null, last24h };
  }

  async merchantOrder(tenantId: string, orderId: string) {
    // Reads under the RLS scope (ADR 044): the order over plain SQL, its postings through Prisma.
    const o = await withTenantScopeSql(this.ctx.sql, tenantId, (sql) => loadOrder(sql, tenantId, { id: orderId }));
    const [refunds, lineIds] = await Promise.all([
      listRefunds(this.ctx, tenantId, orderId),
      this.deps.prisma.orderLine.findMany({ where: { tenantId, orderId }, select: { id: true, itemId: true } }),
    ]);
    const view = merchantView(o);
    const postings = await withTenantScope(this.deps.prisma, tenantId, (db) => db.ledgerPosting.findMany({
      where: { tenantId, orderId },
      orderBy: { createdAt: "asc" },
      select: { idempotencyKey: true, kind: true, createdAt: true, entries: { select: { amount: true, currency: true, account: { select: { key: true, kind: true } } } } },
    }));
    return {
      ...view,
      // Line ids, for refunds by line (ADR 040); an order has one line per item.
      lines: view.lines.map((l) => ({ ...l, id: lineIds.find((x) => x.itemId === l.itemId)?.id ?? "" })),
      refunds,
      ledger: postings.map((p) => ({
        key: p.idempotencyKey, kind: p.kind, at: p.createdAt,
        entries: p.entries.map((e) => ({ account: e.account.kind, accountKey: e.account.key, amount: e.amount.toFixed(), currency: e.currency })),
      })),
    };
  }

  async ship(actor: AuditActor, tenantId: string, orderId: string, tracking?: TrackingInput) {
    await shipOrder(this.ctx, actor, tenantId, orderId, tracking);
    return this.merchantOrder(tenantId, orderId);
  }

  /** Merchant cancel before shipping (ADR 036): stock back and the buyer refunded, once; a repeat is a replay. */
  async cancel(actor: AuditActor, tenantId: string, orderId: string, reason: string) {
    const result = await cancelOrder(this.ctx, actor, tenantId, orderId, reason);
    return { ...result, order: await this.merchantOrder(tenantId, orderId) };
  }

  /**
   * Merchant refund after delivery (ADR 040), by lines or amount; idempotent by `key`. 400, 404, 409 CONFLICT |
   * REFUND_EXCEEDS_PAID | REFUND_EXCEEDS_LINE | IDEMPOTENCY_KEY_REUSED, 423 KILL_SWITCH_ON.
   */
  async refund(actor: AuditActor, tenantId: string, orderId: string, input: OrderRefundInput, key: string) {
    const result = await refundOrder(this.ctx, actor, tenantId, orderId, input, key);
    return { ...result, order: await this.merchantOrder(tenantId, orderId) };
  }

  async listRefunds(tenantId: string, orderId: string) {
    return { items: await listRefunds(this.ctx, tenantId, orderId) };
  }

  async enterDeliveryCode(actor: AuditActor, tenantId: string, orderId: string, code: string) {
    await enterDeliveryCode(this.ctx, actor, tenantId, orderId, code);
    return this.merchantOrder(tenantId, orderId);
  }

  async markInvoicePaid(actor: AuditActor, tenantId: string, orderId: string, evidenceNote: string, evidenceFileId?: string) {
    await markInvoicePaid(this.ctx, actor, tenantId, orderId, evidenceNote, evidenceFileId);
    return this.merchantOrder(tenantId, orderId);
  }

  // Platform fee statements (ADR 025) --------------------------------------------------------------------------------
  /** Idempotent for an ended month; `npm run fees:statements` and the daily job call it. */
  generateFeeStatements(month: string, actor: AuditActor = SYSTEM_ACTOR) {
    return generateStatements(this.ctx, month, actor);
  }
  /** The daily job: re-run the month that just ended (picks up late-recorded orders until the statement is settled). */
  generatePreviousMonthFeeStatements() {
    return generateStatements(this.ctx, previousMonth(this.ctx.now()), SYSTEM_ACTOR);
  }
  feeStatements(tenantId: string) {
    return listStatements(this.ctx, tenantId);
  }
  feeStatement(tenantId: string, statementId: string) {
    return statementOf(this.ctx, tenantId, statementId);
  }
  allFeeStatements(filter: { month?: string; status?: "open" | "settled" } = {}) {
    return allStatements(this.ctx, filter);
  }
  settleFeeStatement(actor: AuditActor, statementId: string, note: string) {
    return settleStatement(this.ctx, actor, statementId, note);
  }

  // Operators ------------------------------------------------------------------------------------------------------
  listDisputes(status: "open" | "resolved" | undefined, limit = 50) {
    return listDisputes(this.ctx, status, limit);
  }

  resolveDispute(actor: AuditActor, disputeId: string, resolution: "release" | "refund", note: string) {
    return resolveDispute(this.ctx, actor, disputeId, resolution, note);
  }

  killSwitchState() {
    return killSwitchState(this.deps.prisma);
  }

  /** For the shop's own dashboard: which switches stop its money, why and since when. */
  killSwitchesFor(tenantId: string) {
    return killSwitchesFor(this.deps.prisma, tenantId);
  }

  async setKillSwitch(actor: AuditActor, input: { tenantId: string | null; engaged: boolean; reason: string }) {
    if (input.tenantId && !(await this.deps.prisma.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) {
      throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
    }
    const state = await setKillSwitch(this.deps.prisma, actor, input);
    if (input.tenantId === null) await this.deps.onGlobalKillSwitch?.(input.engaged);
    return state;
  }

  async setPlatformFee(actor: AuditActor, tenantId: string, platformFeeBps: number) {
    return this.deps.prisma.$transaction(async (tx) => {
      const row = await tx.tenantMoneySettings.upsert({ where: { tenantId }, create: { tenantId, platformFeeBps }, update: { platformFeeBps }, select: { platformFeeBps: true } });
      await writeAudit(tx, actor, { action: "money.platform_fee", tenantId, target: `tenant:${tenantId}`, details: { platformFeeBps } });
      return row;
    });
  }

  async platformFee(tenantId: string) {
    const row = await this.deps.prisma.tenantMoneySettings.findUnique({ where: { tenantId }, select: { platformFeeBps: true } });
    return { platformFeeBps: row?.platformFeeBps ?? this.deps.config.defaultFeeBps, isDefault: !row };
  }

  /** `actor` is given for an operator's on-demand run, which is then audited in the run's own transaction. */
  reconcile(trigger: string, actor?: AuditActor) {
    return reconcile(this.deps.prisma, { trigger, payoutGraceMs: this.deps.config.payoutGraceMs, actor, chain: this.ctx.chain });
  }

  /** The scheduled reconciliation's interval (RECONCILE_EVERY_MS). */
  get reconcileEveryMs() {
    return this.deps.config.reconcileEveryMs;
  }

  async reconciliationReports(limit = 20) {
    const [reports, total] = await Promise.all([reconciliationReports(this.deps.prisma, limit), violationTotal(this.deps.prisma)]);
    return { ledgerInvariantViolationTotal: total, reports };
  }

  /** Adds the money families (ledger invariant counter, chain rails) to an app's /metrics registry. */
  registerMetrics(registry: Registry) {
    registerMoneyMetrics(registry, { violations: () => violationTotal(this.deps.prisma), sql: this.deps.sql, chain: this.ctx.chain });
  }

  /** The money families alone, as Prometheus text (the operators' /api/ops/money/metrics). */
  metricsText() {
    const registry = createRegistry({ processMetrics: false });
    this.registerMetrics(registry);
    return registry.metrics();
  }

  // Jobs -----------------------------------------------------------------------------------------------------------
  release(tenantId: string, orderId: string) {
    return releaseOrder(this.ctx, tenantId, orderId);
  }
  expire(tenantId: string, orderId: string) {
    return expireOrder(this.ctx, tenantId, orderId);
  }
  async payout(tenantId: string, orderId: string, kind: "release" | "refund") {
    await payout(this.ctx, await findOrder(this.ctx, tenantId, orderId), kind);
  }
  sweep() {
    return sweep(this.ctx);
  }
  /** Whether money work for this tenant must wait (workers check before they start a money job). */
  paused(tenantId: string) {
    return isEngaged(this.deps.prisma, tenantId);
  }
}
