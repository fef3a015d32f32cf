/**
 * A shop's shipping and tax settings (ADR 035): read whole, replaced whole with compare-and-swap on version (like
 * the payment policy), audited. Amounts must fit the shop's currency, so no order can carry a fraction it cannot pay.
 */
import type { PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { priceDecimals } from "#server/catalog/index.ts";
import { EMPTY_SHIPPING_TAX, shippingTaxSettingsSchema, type PutShippingTax, type ShippingTaxSettings } from "./schemas.ts";

export interface ShippingTaxView extends ShippingTaxSettings { version: number; currency: string }

export async function getShippingTax(prisma: PrismaClient, tenantId: string): Promise<ShippingTaxView> {
  const tenant = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: { currency: true, shippingTax: { select: { pricesIncludeTax: true, zones: true, taxRates: true, version: true } } },
  });
  if (!tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No such shop.");
  const row = tenant.shippingTax;
  if (!row) return { ...EMPTY_SHIPPING_TAX, version: 0, currency: tenant.currency };
  // Written through the schema only; parsed again so a reader never trusts a hand-edited row.
  const settings = shippingTaxSettingsSchema.parse({ pricesIncludeTax: row.pricesIncludeTax, zones: row.zones, taxRates: row.taxRates });
  return { ...settings, version: row.version, currency: tenant.currency };
}

const fitsCurrency = (amount: string, currency: string) => (amount.split(".")[1]?.replace(/0+$/, "") ?? "").length <= priceDecimals(currency);

function amountsOf(s: ShippingTaxSettings) {
  return s.zones.flatMap((z) => z.rates.flatMap((r) => [
    ...(r.amount ? [r.amount] : []), ...(r.freeOver ? [r.freeOver] : []), ...(r.bands ?? []).flatMap((b) => (r.kind === "value" ? [b.amount, b.upTo] : [b.amount])),
  ]));
}

export async function putShippingTax(prisma: PrismaClient, actor: AuditActor, tenantId: string, input: PutShippingTax): Promise<ShippingTaxView> {
  const { version, ...settings } = input;
  const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { currency: true } });
  if (!tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No such shop.");
  const odd = amountsOf(settings).find((a) => !fitsCurrency(a, tenant.currency));
  if (odd) {
    const message = `${odd} has more decimals than ${tenant.currency} allows.`;
    throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path: "zones", message }] });
  }
  const data = { pricesIncludeTax: settings.pricesIncludeTax, zones: settings.zones, taxRates: settings.taxRates };
  await prisma.$transaction(async (tx) => {
    const written = version === 0
      ? await tx.tenantShippingTax.createMany({ data: [{ tenantId, ...data }], skipDuplicates: true })
      : await tx.tenantShippingTax.updateMany({ where: { tenantId, version }, data: { ...data, version: { increment: 1 }, updatedAt: new Date() } });
    if (written.count === 0) throw new ApiError(409, "CONFLICT", "The shipping and tax settings changed since you loaded them. Reload and try again.");
    await writeAudit(tx, actor, {
      action: "shipping.update", tenantId, target: `shipping_tax:${tenantId}`,
      details: { pricesIncludeTax: data.pricesIncludeTax, zones: data.zones.length, taxRates: data.taxRates.length },
    });
  });
  return getShippingTax(prisma, tenantId);
}
