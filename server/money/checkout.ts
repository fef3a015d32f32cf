/**
 * Checkout (PAY-2/3, ORD-1): the server prices the cart, picks an eligible rail from the policy, enforces the
 * strict-mode acknowledgement, and in ONE transaction reserves stock, creates the order, its lines and the payment
 * intent. The Idempotency-Key header makes a retried checkout return the same order (and link).
 */
import { randomUUID } from "node:crypto";
import type { BuyerDisclosureMode, CatalogItemKind, PaymentRail } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { AuditActor } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { afterCommit } from "./context.ts";
import { moneySql } from "./money-tx.ts";
import { amountText, canonical, compare, decimal, feeOf, times } from "./amounts.ts";
import { isUniqueViolation } from "./db-errors.ts";
import { orderToken, secretsOf, sha256Hex, storedOrderToken } from "./secrets.ts";
import type { CheckoutInput } from "./schemas.ts";
import { buyerView, loadOrder, type OrderRow } from "./views.ts";
import { MAX_ORDER_TOTAL, formatAmount } from "#server/catalog/index.ts";
import { shopRails, type ShopRails } from "./rails/index.ts";
import { SHOP_PAUSED_MESSAGE, type InvoiceInstructions } from "#server/tenancy/shared.ts";
import { EMPTY_SHIPPING_TAX, type ShippingTaxSettings } from "#server/shipping/shared.ts";
import { cartTotals, shippingOffers, type PricedLine } from "./shipping-tax.ts";

const BUYER: AuditActor = { userId: null, kind: "system" };


/** Rails a buyer may use for this cart: allowed by the policy, configured, and escrow when escrow is required. */
export function eligibleRails(
  policy: { allowedRails: PaymentRail[]; escrowRequiredAboveAmount: Parameters<typeof amountText>[0] | null; escrowRequiredForCategories: string[] },
  configured: PaymentRail[],
  cart: { total: string; categories: (string | null)[] },
) {
  const threshold = policy.escrowRequiredAboveAmount === null ? null : amountText(policy.escrowRequiredAboveAmount);
  const overThreshold = threshold !== null && compare(cart.total, threshold) > 0;
  const requiredCategory = cart.categories.some((c) => c !== null && policy.escrowRequiredForCategories.includes(c));
  const escrowRequired = overThreshold || requiredCategory;
  const rails = policy.allowedRails.filter((r) => configured.includes(r) && (!escrowRequired || r === "escrow"));
  return { rails, escrowRequired, reason: overThreshold ? "amount" : requiredCategory ? "category" : null };
}

const shopPaused = () => new ApiError(409, "SHOP_PAUSED", SHOP_PAUSED_MESSAGE);

export const FREE_CART_MESSAGE = "This cart has nothing to pay for: free items can only be ordered together with a paid one.";

function validation(message: string, path: string): never {
  throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path, message }] });
}

interface CheckoutFacts {
  currency: string;
  acceptingOrders: boolean;
  policy: { allowedRails: PaymentRail[]; defaultRail: PaymentRail; escrowRequiredAboveAmount: string | null; escrowRequiredForCategories: string[]; buyerDisclosureMode: BuyerDisclosureMode; payoutAddress: string | null; invoiceInstructions?: InvoiceInstructions | null } | null;
  feeBps: number | null;
  items: Array<{ id: string; title: string; price: string; category: string | null; kind: CatalogItemKind; weightGrams: number | null }>;
  /** The shop's shipping zones and tax settings (ADR 035); null when it has none. */
  shippingTax: ShippingTaxSettings | null;
  /** An order already made with this Idempotency-Key. */
  seen: { id: string; requestHash: string; tokenHash: string } | null;
  /** The shop's active Stripe integration (ADR 024), for ShopRails. */
  stripe: ShopRails["stripe"];
}

/** Everything checkout reads, in one statement: the shop's currency, policy and fee, the cart's items, and a replay. */
async function checkoutFacts(ctx: MoneyContext, tenantId: string, itemIds: string[], idempotencyKey: string) {
  const [row] = await ctx.sql.query<{ facts: CheckoutFacts }>(
    `SELECT json_build_object(
       'currency', t.currency,
       'acceptingOrders', t.accepting_orders,
       'policy', (SELECT json_build_object('allowedRails', coalesce(p.allowed_rails, '{}'), 'defaultRail', p.default_rail,
                    'escrowRequiredAboveAmount', p.escrow_required_above_amount::text,
                    'escrowRequiredForCategories', coalesce(p.escrow_required_for_categories, '{}'), 'buyerDisclosureMode', p.buyer_disclosure_mode,
                    'payoutAddress', p.payout_address, 'invoiceInstructions', p.invoice_instructions)
                  FROM tenant_payment_policies p WHERE p.tenant_id = t.id),
       'feeBps', (SELECT s.platform_fee_bps FROM tenant_money_settings s WHERE s.tenant_id = t.id),
       'items', coalesce((SELECT json_agg(json_build_object('id', i.id, 'title', i.title, 'price', i.price::text, 'category', i.category, 'kind', i.kind, 'weightGrams', i.weight_grams))
                  FROM catalog_items i WHERE i.tenant_id = t.id AND i.id = ANY($2::uuid[]) AND i.active AND i.archived_at IS NULL), '[]'),
       'shippingTax', (SELECT json_build_object('pricesIncludeTax', s.prices_include_tax, 'zones', s.zones, 'taxRates', s.tax_rates)
                  FROM tenant_shipping_tax s WHERE s.tenant_id = t.id),
       'seen', (SELECT json_build_object('id', o.id, 'requestHash', o.request_hash, 'tokenHash', o.token_hash) FROM orders o WHERE o.tenant_id = t.id AND o.idempotency_key = $3),
       'stripe', (SELECT json_build_object('integrationId', i.id, 'businessName', coalesce(i.business_name, i.account_id), 'testMode', NOT i.livemode)
                  FROM tenant_integrations i WHERE i.tenant_id = t.id AND i.kind = 'payment' AND i.provider = 'stripe' AND i.status = 'active' AND i.disconnected_at IS NULL)
     ) AS facts
     FROM tenants t WHERE t.id = $1::uuid`,
    [tenantId, itemIds, idempotencyKey], "checkout_facts");
  if (!row) throw new ApiError(404, "TENANT_NOT_FOUND", "No shop at this address.");
  return row.facts;
}

/**
 * The shipping method the buyer chose, priced by the server (ADR 035). A shop that has set up no zones yet ships
 * everywhere at no charge (the behaviour before shipping existed); once it has zones, a country outside all of them
 * cannot check out, and only a method offered for this cart is accepted — the client sends its id, never a price.
 */
function chooseShipping(settings: ShippingTaxSettings, country: string, lines: PricedLine[], methodId: string | undefined) {
  if (!settings.zones.length) return null;
  const offers = shippingOffers(settings, country, lines);
  if (!offers) throw new ApiError(422, "SHIPPING_UNAVAILABLE", `This shop does not ship to ${country}. Choose another shipping address.`, { country });
  if (!offers.length) throw new ApiError(422, "SHIPPING_UNAVAILABLE", `No shipping method of this shop can carry this cart to ${country} (it is over every weight or value band).`, { country });
  if (!methodId) validation("Choose a shipping method.", "shippingMethodId");
  const offer = offers.find((o) => o.id === methodId);
  if (!offer) throw new ApiError(422, "SHIPPING_METHOD_UNAVAILABLE", "That shipping method is not available for this cart and country.", { offers: offers.map((o) => o.id) });
  const zone = settings.zones.find((z) => z.countries.includes(country))!;
  return { ...offer, zone: zone.id };
}

/** The cart priced by the server, the rail chosen from the policy (PAY-2/3): what money_checkout will write. */
function priceCart(ctx: MoneyContext, tenantId: string, facts: CheckoutFacts, input: CheckoutInput) {
  const { policy } = facts;
  if (!policy) throw new ApiError(400, "RAIL_NOT_ALLOWED", "This shop does not take payments yet.");
  const byId = new Map(facts.items.map((i) => [i.id, i]));
  const missing = input.items.findIndex((l) => !byId.has(l.itemId));
  if (missing >= 0) validation("An item in the cart is not for sale.", `items.${missing}.itemId`);

  const lines = input.items.map((l) => {
    const item = byId.get(l.itemId)!;
    const unitPrice = canonical(item.price);
    return { itemId: l.itemId, quantity: l.quantity, title: item.title, category: item.category, kind: item.kind, unitPrice, lineTotal: times(unitPrice, l.quantity), weightGrams: item.weightGrams };
  });
  const requiresShipping = lines.some((l) => l.kind === "physical");
  const settings = facts.shippingTax ?? EMPTY_SHIPPING_TAX;
  const country = input.shippingAddress?.country ?? input.country ?? null;
  const method = requiresShipping && input.shippingAddress ? chooseShipping(settings, input.shippingAddress.country, lines, input.shippingMethodId) : null;
  const totals = cartTotals(settings, country, lines, method?.amount ?? "0", facts.currency);
  const total = totals.total;
  // No rail can settle nothing (the sandbox and the ledger refuse zero transfers): an order of only free items
  // would sit unpayable until it expired. Refused up front until free orders get their own path.
  if (compare(totals.subtotal, "0") <= 0) validation(FREE_CART_MESSAGE, "items");
  // Bounded so no order, entry or balance can overflow the ledger (server/catalog/bounds.ts).
  if (compare(total, MAX_ORDER_TOTAL) > 0) validation(`An order can total at most ${formatAmount(MAX_ORDER_TOTAL, facts.currency)} ${facts.currency}; split the cart.`, "items");
  const shop = shopRails(facts.currency, policy, facts.stripe);
  const { rails, escrowRequired, reason } = eligibleRails(policy, ctx.rails.configured(shop), { total, categories: lines.map((l) => l.category) });
  const rail = input.rail ?? (rails.includes(policy.defaultRail) ? policy.defaultRail : rails[0]);
  if (!rail || !rails.includes(rail)) {
    const why = escrowRequired ? ` Escrow is required for this cart (${reason === "amount" ? "its total" : "its category"}).` : "";
    throw new ApiError(400, "RAIL_NOT_ALLOWED", `That payment method is not available for this cart.${why}`, { eligibleRails: rails, escrowRequired });
  }
  if (policy.buyerDisclosureMode === "strict" && rail !== "escrow" && !input.acknowledgeNoEscrow) {
    validation("Confirm that you understand this payment has no escrow protection.", "acknowledgeNoEscrow");
  }
  if (requiresShipping && !input.shippingAddress) validation("A shipping address is required for physical items.", "shippingAddress");
  const refused = ctx.rails.get(rail, shop).refuses?.({ total, currency: facts.currency }, shop);
  if (refused) validation(refused, "items");
  // On chain, the contract must see exactly this amount for this reference, paid to this merchant.
  const terms = ctx.rails.get(rail, shop).chainTerms?.({ total, currency: facts.currency }, shop);
  if (terms && "refused" in terms) validation(terms.refused, "items");
  const chain = terms ? { ref: terms.ref, amount: terms.amount.toString(), merchant: terms.merchant } : null;
  const feeBps = facts.feeBps ?? ctx.config.defaultFeeBps;
  const ttl = rail === "manual_invoice" ? ctx.config.invoiceTtlMs : ctx.config.orderTtlMs;
  return {
    id: randomUUID(), tenantId, rail, currency: facts.currency, lines: lines.map(({ weightGrams: _w, ...l }) => l), total, feeBps,
    subtotal: totals.subtotal, shippingAmount: totals.shipping, taxAmount: totals.tax, pricesIncludeTax: totals.pricesIncludeTax,
    shippingMethod: method ? { id: method.id, zone: method.zone, name: method.name, minDays: method.minDays, maxDays: method.maxDays } : null,
    taxDetail: totals.taxDetail, feeAmount: feeOf(total, feeBps, facts.currency),
    email: input.email, shippingAddress: requiresShipping ? input.shippingAddress! : null, requiresShipping,
    acknowledgedNoEscrow: rail !== "escrow" && input.acknowledgeNoEscrow, expiresAt: new Date(ctx.now().getTime() + ttl), chain,
    invoiceInstructions: rail === "manual_invoice" ? shop.invoiceInstructions : null,
  };
}

/** The new order as the buyer's view reads it, from what checkout just wrote (no read back). */
function newOrderRow(priced: ReturnType<typeof priceCart>, createdAt: Date): OrderRow {
  return {
    id: priced.id, tenantId: priced.tenantId, status: "pending_payment", rail: priced.rail, currency: priced.currency, subtotal: decimal(priced.subtotal), total: decimal(priced.total),
    shippingAmount: decimal(priced.shippingAmount), taxAmount: decimal(priced.taxAmount), pricesIncludeTax: priced.pricesIncludeTax, shippingMethod: priced.shippingMethod,
    feeBps: priced.feeBps, feeAmount: decimal(priced.feeAmount), guestEmail: priced.email, shippingAddress: priced.shippingAddress, requiresShipping: priced.requiresShipping,
    acknowledgedNoEscrow: priced.acknowledgedNoEscrow, expiresAt: priced.expiresAt, paidAt: null, shippedAt: null, deliveredAt: null, releaseAfter: null,
    closedAt: null, createdAt, chainRef: priced.chain?.ref ?? null, chainAmount: priced.chain ? decimal(priced.chain.amount) : null, chainMerchant: priced.chain?.merchant ?? null,
    chainTxs: [], chainPayout: null, chainHead: null, stripe: null, invoiceInstructions: priced.invoiceInstructions,
    lines: priced.lines.map((l) => ({ itemId: l.itemId, title: l.title, category: l.category, kind: l.kind, unitPrice: decimal(l.unitPrice), quantity: l.quantity, lineTotal: decimal(l.lineTotal) })),
    events: [{ fromStatus: null, toStatus: "pending_payment", createdAt }],
    escrow: null, intent: { status: "requires_payment", evidenceNote: null }, disputes: [], deliveryCode: null,
  };
}

/**
 * Hosted-payment rails (Stripe, ADR 024): the page the buyer pays on, made once per order; the return URL is the
 * order's page on the host the buyer checked out on. Null for every other rail.
 */
async function hostedPayment(ctx: MoneyContext, facts: CheckoutFacts, order: OrderRow, token: string, returnBase: string | undefined) {
  const shop = shopRails(facts.currency, facts.policy ?? { payoutAddress: null }, facts.stripe);
  const rail = ctx.rails.settler(order.rail, order);
  if (!rail?.createCheckout || !returnBase || order.status !== "pending_payment" || !rail.available(shop)) return null;
  const lines = order.lines.map((l) => ({ title: l.title, unitPrice: l.unitPrice.toFixed(), quantity: l.quantity }));
  return rail.createCheckout({ id: order.id, tenantId: order.tenantId, total: order.total.toFixed(), currency: order.currency, lines }, shop, `${returnBase}/orders/${token}`);
}

const ORIGIN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/i;

/** The host the buyer checked out on, kept so mail links open there (ADR 029); anything the column refuses is dropped. */
function checkoutOrigin(base: string | undefined) {
  return base && base.length <= 300 && ORIGIN.test(base) ? base : null;
}

/** The Mini App buyer (verified initData session) placing the order, linked to it for updates from the shop's bot. */
export type CheckoutBuyer = { telegramUserId: string } | null;

export async function checkout(ctx: MoneyContext, tenantId: string, input: CheckoutInput, idempotencyKey: string, returnBase?: string, buyer: CheckoutBuyer = null) {
  const requestHash = sha256Hex(JSON.stringify(input));
  const token = orderToken(ctx.config.secret, tenantId, idempotencyKey, requestHash);
  const replay = async (seen: { id: string; requestHash: string; tokenHash: string }) => {
    if (seen.requestHash !== requestHash) {
      throw new ApiError(409, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used for a different checkout.");
    }
    // Made before a MONEY_SECRET rotation, the stored link comes from an earlier secret.
    const stored = storedOrderToken(secretsOf(ctx.config), tenantId, idempotencyKey, requestHash, seen.tokenHash);
    if (!stored) throw new ApiError(409, "IDEMPOTENCY_KEY_REUSED", "This checkout was made under a retired key; start a new checkout.");
    const row = await loadOrder(ctx.sql, tenantId, { id: seen.id });
    const redirectUrl = await hostedPayment(ctx, facts, row, stored, returnBase);
    return { token: stored, order: buyerView(ctx, row), replayed: true, redirectUrl };
  };
  const facts = await checkoutFacts(ctx, tenantId, input.items.map((i) => i.itemId), idempotencyKey);
  if (facts.seen) return replay(facts.seen);
  if (!facts.acceptingOrders) throw shopPaused();
  const order = priceCart(ctx, tenantId, facts, input);
  let createdAt: Date;
  try {
    createdAt = await moneySql(ctx.prisma, { tenantId, action: "order.checkout", target: `checkout:${idempotencyKey}`, actor: BUYER }, async () => {
      const write = {
        ...order, tokenHash: sha256Hex(token), idempotencyKey, requestHash, expiresAt: order.expiresAt.toISOString(),
        locale: input.locale ?? null, origin: checkoutOrigin(returnBase),
      };
      // ADR 032: the pause flag is read under FOR SHARE in the statement (and transaction) that writes the order, so a
      // pause waits for checkouts in flight and, once committed, no later checkout gets through.
      const [row] = await ctx.sql.query<{ at: Date | string | null }>(
        `SELECT CASE WHEN (SELECT accepting_orders FROM tenants WHERE id = $2::uuid FOR SHARE) THEN money_checkout($1::jsonb) END AS at`,
        [JSON.stringify(write), tenantId], "money_checkout_open");
      if (!row?.at) throw shopPaused();
      return new Date(row.at);
    });
  } catch (err) {
    // The same key at the same moment: the other request won; its order is the answer.
    if (isUniqueViolation(err)) {
      const raced = await ctx.prisma.order.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } }, select: { id: true, requestHash: true, tokenHash: true } });
      if (raced) return replay(raced);
    }
    throw err;
  }
  if (buyer) {
    // Outside money_checkout on purpose (another change owns it): a conditional UPDATE right after, same request.
    await ctx.prisma.order.updateMany({ where: { tenantId, id: order.id, buyerTelegramUserId: null }, data: { buyerTelegramUserId: buyer.telegramUserId } });
  }
  await afterCommit(ctx, "schedule expiry", () => ctx.scheduler.expire(order, order.expiresAt));
  await ctx.publish({ id: order.id, tenantId, total: order.total, currency: order.currency }, "created");
  const row = newOrderRow(order, createdAt);
  const redirectUrl = await hostedPayment(ctx, facts, row, token, returnBase);
  return { token, order: buyerView(ctx, redirectUrl ? await loadOrder(ctx.sql, tenantId, { id: order.id }) : row), replayed: false, redirectUrl };
}
