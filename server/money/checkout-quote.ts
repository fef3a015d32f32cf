/**
 * What the checkout page shows before the order exists (ADR 035): the shipping methods for the buyer's country,
 * priced for this cart, and the tax and total with the chosen one — the same functions checkout itself prices with.
 */
import type { PrismaClient } from "@prisma/client";
import { EMPTY_SHIPPING_TAX, shippingTaxSettingsSchema } from "#server/shipping/shared.ts";
import { canonical, times } from "./amounts.ts";
import { cartTotals, shippingOffers, type PricedLine } from "./shipping-tax.ts";

export async function shippingQuote(prisma: PrismaClient, tenantId: string, cart: { itemId: string; quantity: number }[], country: string | null, methodId: string | null) {
  const [tenant, items] = await Promise.all([
    prisma.tenant.findUnique({ where: { id: tenantId }, select: { currency: true, shippingTax: { select: { pricesIncludeTax: true, zones: true, taxRates: true } } } }),
    prisma.catalogItem.findMany({ where: { tenantId, id: { in: cart.map((l) => l.itemId) } }, select: { id: true, price: true, category: true, kind: true, weightGrams: true } }),
  ]);
  if (!tenant) return null;
  const settings = tenant.shippingTax ? shippingTaxSettingsSchema.parse(tenant.shippingTax) : EMPTY_SHIPPING_TAX;
  const byId = new Map(items.map((i) => [i.id, i]));
  const lines: PricedLine[] = cart.flatMap((l) => {
    const item = byId.get(l.itemId);
    return item ? [{ itemId: item.id, category: item.category, kind: item.kind, quantity: l.quantity, weightGrams: item.weightGrams, lineTotal: times(canonical(item.price.toFixed()), l.quantity) }] : [];
  });
  const requiresShipping = lines.some((l) => l.kind === "physical");
  // Until the buyer picks, the first country the shop ships to (its home market, usually).
  country ??= settings.zones[0]?.countries[0] ?? null;
  const zonesConfigured = settings.zones.length > 0;
  const offers = requiresShipping && zonesConfigured ? shippingOffers(settings, country, lines) : null;
  const chosen = offers?.find((o) => o.id === methodId) ?? offers?.[0] ?? null;
  const totals = cartTotals(settings, country, lines, chosen?.amount ?? "0", tenant.currency);
  return {
    requiresShipping, zonesConfigured, country,
    /** False when the shop has zones and none ships to this country (checkout would refuse it). */
    shipsToCountry: !requiresShipping || !zonesConfigured || (offers !== null && offers.length > 0),
    offers: offers ?? [], methodId: chosen?.id ?? null,
    subtotal: totals.subtotal, shipping: totals.shipping, tax: totals.tax, taxIncluded: totals.pricesIncludeTax, total: totals.total,
    /** Countries the shop ships to, for the picker's default. */
    shipsTo: settings.zones.flatMap((z) => z.countries),
    hasTaxRates: settings.taxRates.length > 0,
  };
}
export type ShippingQuote = NonNullable<Awaited<ReturnType<typeof shippingQuote>>>;
