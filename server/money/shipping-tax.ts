/**
 * Shipping and tax for a cart (ADR 035), computed on the server from the shop's settings. Pure: checkout and the
 * checkout page's quote both call it. Decimal strings in and out, BigInt units inside, never a float.
 *
 * Rounding: tax is computed per order line and rounded half-up (amounts are never negative, so half away from zero)
 * to the currency's minor unit, then summed — the invoice's per-line taxes add up to its tax line.
 */
import type { ShippingRate, ShippingTaxSettings, TaxRate } from "#server/shipping/shared.ts";
import { currencyDigits } from "#server/catalog/index.ts";
import { compare, fromUnits, sumAmounts, toUnits } from "./amounts.ts";

const SCALE = 18;

export interface PricedLine { itemId: string; category: string | null; kind: "physical" | "digital"; lineTotal: string; weightGrams: number | null; quantity: number }

export interface ShippingOffer { id: string; name: string; amount: string; minDays: number; maxDays: number }

/** The zone that ships to this country, if any (settings allow a country in one zone only). */
export function zoneFor(settings: ShippingTaxSettings, country: string | null) {
  return country ? settings.zones.find((z) => z.countries.includes(country)) ?? null : null;
}

/** One rate's price for this cart, or null when the cart is outside its bands (the method is then not offered). */
export function ratePrice(rate: ShippingRate, cart: { subtotal: string; weightGrams: number }): string | null {
  let price: string | null;
  if (rate.kind === "flat") price = rate.amount ?? null;
  else {
    const measure = rate.kind === "weight" ? String(cart.weightGrams) : cart.subtotal;
    price = (rate.bands ?? []).find((b) => compare(measure, b.upTo) <= 0)?.amount ?? null;
  }
  if (price === null) return null;
  if (rate.freeOver != null && compare(cart.subtotal, rate.freeOver) >= 0) return "0";
  return fromUnits(toUnits(price));
}

/** What a weight-band rate weighs: the physical lines, an item without a weight counting as 0 g. */
export const cartWeight = (lines: PricedLine[]) =>
  lines.reduce((g, l) => g + (l.kind === "physical" ? (l.weightGrams ?? 0) * l.quantity : 0), 0);

/** The methods a buyer in this country may choose for this cart, priced; null when no zone ships there. */
export function shippingOffers(settings: ShippingTaxSettings, country: string | null, lines: PricedLine[]): ShippingOffer[] | null {
  const zone = zoneFor(settings, country);
  if (!zone) return null;
  const cart = { subtotal: sumAmounts(lines.map((l) => l.lineTotal)), weightGrams: cartWeight(lines) };
  return zone.rates.flatMap((r) => {
    const amount = ratePrice(r, cart);
    return amount === null ? [] : [{ id: r.id, name: r.name, amount, minDays: r.minDays, maxDays: r.maxDays }];
  });
}

/** The rate for a line: the country's rate for its category, else the country's general rate, else none. */
export function taxRateFor(rates: TaxRate[], country: string | null, category: string | null) {
  if (!country) return 0;
  const ofCountry = rates.filter((r) => r.country === country);
  return (ofCountry.find((r) => category !== null && r.category === category) ?? ofCountry.find((r) => !r.category))?.rateBps ?? 0;
}

/** amount × num / den, rounded half-up to the currency's minor unit. */
function roundedShare(amount: string, num: bigint, den: bigint, currency: string) {
  const step = 10n ** BigInt(SCALE - Math.min(currencyDigits(currency), SCALE));
  const x = toUnits(amount) * num;
  const d = den * step;
  return fromUnits(((2n * x + d) / (2n * d)) * step);
}

/** Tax in a line: on top of its price (exclusive) or the part of its price that is tax (inclusive). */
export function lineTax(lineTotal: string, rateBps: number, inclusive: boolean, currency: string) {
  if (rateBps === 0) return "0";
  const bps = BigInt(rateBps);
  return roundedShare(lineTotal, bps, inclusive ? 10_000n + bps : 10_000n, currency);
}

/** The cart's tax, line by line, and what the order's total is made of (orders_total_split_ck). */
export function cartTotals(settings: ShippingTaxSettings, country: string | null, lines: PricedLine[], shipping: string, currency: string) {
  const inclusive = settings.pricesIncludeTax;
  const taxLines = lines.map((l) => {
    const rateBps = taxRateFor(settings.taxRates, country, l.category);
    return { itemId: l.itemId, rateBps, tax: lineTax(l.lineTotal, rateBps, inclusive, currency) };
  });
  const subtotal = sumAmounts(lines.map((l) => l.lineTotal));
  const tax = sumAmounts(taxLines.map((t) => t.tax));
  const total = sumAmounts(inclusive ? [subtotal, shipping] : [subtotal, shipping, tax]);
  return { subtotal, shipping: fromUnits(toUnits(shipping)), tax, total, pricesIncludeTax: inclusive, taxDetail: { country, lines: taxLines } };
}
