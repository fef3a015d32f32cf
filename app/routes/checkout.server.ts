/**
 * Server side of the storefront checkout page. The cart lives in the buyer's browser, so the page sends its lines
 * (ids and quantities only) and the server prices them, decides which rails this cart may use (PAY-2, ORD-1) and
 * places the order through the money core. Nothing the client says about prices or eligibility is used.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { PaymentRail } from "@prisma/client";
import { z } from "zod";
import type { SubmissionResult } from "@conform-to/react";
import { checkoutSchema, FREE_CART_MESSAGE, idempotencyKeySchema, PROTECTION_LABELS, RAIL_COPY, stripeDisclosure, type CheckoutInput } from "#server/money/index.ts";
import { ApiError } from "#server/http/index.ts";
import { SHOP_PAUSED_MESSAGE, type ResolvedTenant } from "#server/tenancy/index.ts";
import { buyerFromCookie } from "#server/bots/index.ts";
import { countryOptions, isCountryCode } from "#server/shipping/shared.ts";
import { formatPrice, sumLines } from "#app/components/storefront/money.ts";

type CartItems = CheckoutInput["items"];

/** "id:qty,id:qty" (the page's ?cart= and the form's hidden field) → checkout lines, validated like the API's. */
const cartParamSchema = z
  .string()
  .max(4_000)
  .transform((s) => s.split(",").filter(Boolean).map((pair) => {
    const [itemId = "", quantity = ""] = pair.split(":");
    return { itemId, quantity: Number(quantity) };
  }))
  .pipe(checkoutSchema.shape.items);

export function parseCart(raw: unknown): CartItems | null {
  const parsed = cartParamSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

// How each rail reads to a buyer (shared with order mail); `protection` is the PAY-3 disclosure, word for word.
export { RAIL_COPY };

/** A rail as the buyer is offered it; the card rail names the merchant's own Stripe account (PAY-3, ADR 024). */
function railOffer(rail: PaymentRail, card: { businessName: string; testMode: boolean } | null) {
  if (rail === "external_provider" && card) {
    return { rail, name: "Card", text: "Pay by card on Stripe’s secure page; you come back here when it is done.", protection: stripeDisclosure(card.businessName), testMode: card.testMode };
  }
  return { rail, ...RAIL_COPY[rail], protection: PROTECTION_LABELS[rail], testMode: false };
}

/** The cart priced by the server, the rails it may be paid with, and why escrow is the only choice when it is. */
export async function quoteCart(context: AppLoadContext, tenant: ResolvedTenant, cart: CartItems, where: { country: string | null; method: string | null } = { country: null, method: null }) {
  const { catalog, money } = context.services;
  const found = await Promise.all(
    cart.map(async (line) => {
      const item = await catalog.get(tenant.id, line.itemId, { forBuyers: true }).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      });
      return { line, item };
    }),
  );
  const problems: string[] = [];
  const lines = found.flatMap(({ line, item }) => {
    if (!item) {
      problems.push("An item in your cart is no longer for sale. Remove it from your cart to continue.");
      return [];
    }
    if (item.stock !== null && item.stock < line.quantity) {
      problems.push(item.stock === 0 ? `${item.title} is sold out.` : `Only ${item.stock} of ${item.title} ${item.stock === 1 ? "is" : "are"} left.`);
    }
    const image = item.images[0];
    return [{
      itemId: item.id, title: item.title, quantity: line.quantity, kind: item.kind, category: item.category,
      unitPriceLabel: formatPrice(item.price, tenant.currency),
      lineTotal: sumLines([{ price: item.price, quantity: line.quantity }], tenant.currency),
      image: image ? { url: image.url, alt: image.alt ?? "" } : null,
    }];
  });
  const itemsTotal = sumLines(lines.map((l) => ({ price: l.lineTotal, quantity: 1 })), tenant.currency);
  // A plain decimal string is zero exactly when it has no non-zero digit; the money core refuses such a cart too.
  if (lines.length && !/[1-9]/.test(itemsTotal)) problems.push(FREE_CART_MESSAGE);
  // Shipping and tax for the buyer's country (ADR 035): the same pricing checkout applies when the order is placed.
  const shipping = await money.shippingQuote(tenant.id, lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })), where.country, where.method);
  const total = shipping?.total ?? itemsTotal;
  const options = await money.paymentOptions(tenant.id, { total, categories: lines.map((l) => l.category) });
  return {
    lines: lines.map((l) => ({ ...l, lineTotalLabel: formatPrice(l.lineTotal, tenant.currency) })),
    problems: [...new Set(problems)],
    totalLabel: formatPrice(total, tenant.currency),
    requiresShipping: lines.some((l) => l.kind === "physical"),
    shipping: shipping && {
      country: shipping.country, zonesConfigured: shipping.zonesConfigured, shipsToCountry: shipping.shipsToCountry, shipsTo: shipping.shipsTo, methodId: shipping.methodId,
      // Named here, once: Node's and Chromium's CLDR names differ for a few countries (HK, MO, PS, FK), and names
      // computed again in the browser would not match the server's HTML (a hydration error).
      countries: countryOptions(pageLang(tenant)),
      offers: shipping.offers.map((o) => ({ ...o, label: /[1-9]/.test(o.amount) ? formatPrice(o.amount, tenant.currency) : "Free" })),
      subtotalLabel: formatPrice(shipping.subtotal, tenant.currency), shippingLabel: formatPrice(shipping.shipping, tenant.currency),
      taxLabel: formatPrice(shipping.tax, tenant.currency), hasTax: /[1-9]/.test(shipping.tax), taxIncluded: shipping.taxIncluded, hasTaxRates: shipping.hasTaxRates,
    },
    rails: (options?.rails ?? []).map((rail: PaymentRail) => railOffer(rail, options?.card ?? null)),
    defaultRail: options?.defaultRail ?? null,
    escrowOnlyBecause: options?.escrowRequired ? escrowReason(options, lines, tenant.currency) : null,
    strictDisclosure: options?.strictDisclosure ?? false,
  };
}
export type CheckoutQuote = Awaited<ReturnType<typeof quoteCart>>;

/** The language the checkout form writes in (its `lang`): the shop's first locale, Persian or English. */
const pageLang = (tenant: ResolvedTenant) => (tenant.localeDefaults[0]?.toLowerCase().startsWith("fa") ? "fa" : "en");

function escrowReason(
  options: { reason: string | null; escrowThreshold: string | null; escrowCategories: string[] },
  lines: { category: string | null }[],
  currency: string,
) {
  if (options.reason === "amount" && options.escrowThreshold) {
    return `Orders over ${formatPrice(options.escrowThreshold, currency)} are always paid with escrow, so your money is held until you confirm delivery.`;
  }
  const categories = [...new Set(lines.flatMap((l) => (l.category && options.escrowCategories.includes(l.category) ? [l.category] : [])))];
  return `${categories.join(", ")} items are always paid with escrow, so your money is held until you confirm delivery.`;
}

/** Where each money-core refusal is shown: next to its field when it has one, else as the form's banner. */
function fieldOf(err: ApiError) {
  if (err.code === "RAIL_NOT_ALLOWED") return "rail";
  if (err.code === "SHIPPING_UNAVAILABLE") return "shippingAddress.country";
  if (err.code === "SHIPPING_METHOD_UNAVAILABLE") return "shippingMethodId";
  if (err.code !== "VALIDATION_ERROR") return null;
  const path = (err.details as { issues?: { path?: string }[] } | undefined)?.issues?.[0]?.path ?? "";
  if (path === "acknowledgeNoEscrow" || path === "email" || path === "rail" || path === "shippingMethodId") return path;
  if (path === "shippingAddress") return "shippingAddress.name";
  if (path.startsWith("shippingAddress.")) return path;
  return null;
}

const FRIENDLY: Record<string, string> = {
  IDEMPOTENCY_KEY_REUSED: "This checkout was already submitted with different details. Reload the page to start a new one.",
  SHOP_PAUSED: SHOP_PAUSED_MESSAGE,
  KILL_SWITCH_ON: "Payments are paused for a moment. Your cart is saved; please try again shortly.",
  RATE_LIMITED: "Too many attempts. Please wait a minute and try again.",
  STRIPE_UNAVAILABLE: "The card payment page could not be opened just now. Your order is saved; please try again.",
  STRIPE_KEY_REFUSED: "Card payments are not available at this shop right now. Please choose another payment method.",
  STRIPE_REQUEST_REFUSED: "The card payment page could not be opened. Please choose another payment method.",
};

export interface PlaceOrderInput {
  cart: string;
  idempotencyKey: string;
  email: string;
  rail: PaymentRail;
  acknowledgeNoEscrow: boolean;
  /** The unticked-by-default box "Send me news and offers" (ADR 033). */
  marketingOptIn?: boolean;
  shippingAddress?: CheckoutInput["shippingAddress"];
  /** The chosen shipping method's id only: the server prices it (ADR 035). */
  shippingMethodId?: string;
  /** The buyer's country for tax when nothing is shipped. */
  country?: string;
  /** The page's language (its <html lang>); the shop's first locale when the page sent none. */
  locale?: string;
}

type Reply = { reply(options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }): SubmissionResult<string[]> };

/**
 * Places the order with the money core (the same body the JSON API takes) and returns either the buyer's order
 * path or the refusal mapped onto the form. The idempotency key comes from the page, once per checkout attempt.
 */
export async function placeOrder(context: AppLoadContext, tenant: ResolvedTenant, submission: Reply, value: PlaceOrderInput, returnBase?: string, cookieHeader?: string | null) {
  const refuse = (message: string, field: string | null = null, status = 400) => ({
    body: { result: field ? submission.reply({ fieldErrors: { [field]: [message] } }) : submission.reply({ formErrors: [message] }), orderPath: null, redirectUrl: null },
    status,
  });
  const key = idempotencyKeySchema.safeParse(value.idempotencyKey);
  if (!key.success) return refuse("This page is out of date. Reload it and try again.");
  const input = checkoutSchema.safeParse({
    items: parseCart(value.cart) ?? [], email: value.email, rail: value.rail, acknowledgeNoEscrow: value.acknowledgeNoEscrow, shippingAddress: value.shippingAddress,
    shippingMethodId: value.shippingMethodId || undefined, country: value.shippingAddress ? undefined : value.country || undefined, locale: value.locale || tenant.localeDefaults[0],
  });
  if (!input.success) return refuse(input.error.issues[0]?.message ?? "Check the form and try again.");
  const buyer = await buyerFromCookie(context.services.prisma, tenant.id, cookieHeader);
  try {
    const placed = await context.services.money.checkout(tenant.id, input.data, key.data, returnBase, buyer);
    if (value.marketingOptIn) await context.services.customers.optInAtCheckout({ tenantId: tenant.id }, input.data.email);
    return { body: { result: submission.reply(), orderPath: `/orders/${placed.token}`, redirectUrl: placed.redirectUrl }, status: 200 };
  } catch (err) {
    // Stripe's own outages are the buyer's to retry (the same key reuses the order), not a page crash.
    if (!(err instanceof ApiError) || (err.status >= 500 && !err.code.startsWith("STRIPE_"))) throw err;
    return refuse(FRIENDLY[err.code] ?? err.message, fieldOf(err), err.status);
  }
}

/** ?country= as an ISO 3166 code, or null. */
export function countryParam(raw: string | null) {
  const code = raw?.trim().toUpperCase() ?? "";
  return isCountryCode(code) ? code : null;
}
