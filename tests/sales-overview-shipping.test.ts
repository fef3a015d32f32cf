/**
 * ADR 045: the sales overview's GMV is what buyers paid, shipping and tax included, and it shows both parts; the
 * figures equal independent SQL over orders, agree with the ledger the Payouts page reads (escrow funding = GMV),
 * and a shop never sees another's parts. Tax-exclusive and tax-inclusive shops both.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { ADDRESS, MERCHANT, createShop, moneyHarness, newKey, sql } from "./money-fixture.ts";
import { checkoutSchema } from "#server/money/index.ts";
import { putShippingTax } from "#server/shipping/index.ts";
import { ReportsService } from "#server/reports/index.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const reports = new ReportsService({ prisma: db.prisma, sql: db.run, now: () => new Date(Date.now() + 60_000) });

async function shop(pricesIncludeTax: boolean) {
  const s = await createShop(db, { rails: ["escrow"], items: [{ title: "Lamp", price: "40.00" }, { title: "Book", price: "12.50", category: "books" }] });
  await db.prisma.catalogItem.update({ where: { id: s.item("Lamp") }, data: { weightGrams: 800 } });
  await putShippingTax(db.prisma, MERCHANT, s.tenantId, {
    version: 0, pricesIncludeTax,
    zones: [{ id: "eu", name: "Europe", countries: ["DE"], rates: [{ id: "std", name: "Standard", kind: "weight", bands: [{ upTo: "1000", amount: "4.90" }, { upTo: "5000", amount: "9.90" }], minDays: 2, maxDays: 5 }] }],
    taxRates: [{ country: "DE", rateBps: 1900 }, { country: "DE", category: "books", rateBps: 700 }],
  });
  return s;
}
type Shop = Awaited<ReturnType<typeof shop>>;

async function order(s: Shop, cart: Record<string, number>, pay: boolean) {
  const input = checkoutSchema.parse({
    items: Object.entries(cart).map(([t, quantity]) => ({ itemId: s.item(t), quantity })), email: "buyer@example.test", rail: "escrow",
    shippingAddress: { ...ADDRESS, country: "DE" }, shippingMethodId: "std",
  });
  const r = await money.checkout(s.tenantId, input, newKey());
  if (pay) await money.sandboxPay(s.tenantId, r.token);
}

/** Independently: paid orders' sums straight from the orders table, and the escrow funding the ledger holds. */
async function expected(tenantId: string) {
  const [o] = await sql<{ gmv: string; items: string; shipping: string; tax: string; exclusive_tax: string }>(db, `
    SELECT sum(total)::text AS gmv, sum(subtotal)::text AS items, sum(shipping_amount)::text AS shipping, sum(tax_amount)::text AS tax,
           sum(CASE WHEN prices_include_tax THEN 0 ELSE tax_amount END)::text AS exclusive_tax
    FROM orders WHERE tenant_id = $1 AND paid_at IS NOT NULL`, [tenantId]);
  const [l] = await sql<{ funded: string }>(db, `
    SELECT coalesce(sum(e.amount) FILTER (WHERE e.amount > 0), 0)::text AS funded
    FROM ledger_accounts a JOIN ledger_entries e ON e.account_id = a.id WHERE a.tenant_id = $1 AND a.kind = 'escrow'`, [tenantId]);
  return { ...o!, funded: l!.funded };
}
const n = (s: string | null) => Number(s);

let exclusive: Shop;
let inclusive: Shop;
beforeAll(async () => {
  exclusive = await shop(false);
  inclusive = await shop(true);
  for (const s of [exclusive, inclusive]) {
    await order(s, { Lamp: 1, Book: 2 }, true);
    await order(s, { Book: 1 }, true);
    await order(s, { Lamp: 2 }, false); // not paid: in no figure
  }
});

describe("GMV with shipping and tax", () => {
  it.each([["exclusive", () => exclusive], ["inclusive", () => inclusive]] as const)("a tax-%s shop's GMV, shipping and tax equal independent SQL and the ledger", async (_, s) => {
    const o = await reports.overview(s().tenantId, 30);
    const fig = o.currencies[0]!.periods.today.current;
    const e = await expected(s().tenantId);
    expect(fig.orders).toBe(2);
    expect([n(fig.gmv), n(fig.shipping), n(fig.tax)]).toEqual([n(e.gmv), n(e.shipping), n(e.tax)]);
    expect(n(e.shipping)).toBeGreaterThan(0);
    expect(n(e.tax)).toBeGreaterThan(0);
    // GMV = items + shipping + tax added on top (an inclusive shop's tax is already inside the items).
    expect(n(fig.gmv)).toBeCloseTo(n(e.items) + n(e.shipping) + n(e.exclusive_tax), 9);
    // The Payouts page reads the ledger: the escrow funding of these orders is the same GMV.
    expect(n(e.funded)).toBe(n(fig.gmv));
    expect(o.currencies[0]!.periods.d30.current).toMatchObject({ gmv: fig.gmv, shipping: fig.shipping, tax: fig.tax });
  });

  it("the split is the shop's own: another shop's orders never count; the platform view does not split", async () => {
    // Both shops sold with shipping today: a figure without the tenant floor would be the sum of both.
    const a = (await reports.overview(exclusive.tenantId, 30)).currencies[0]!.periods.today.current;
    const [ea, eb] = [await expected(exclusive.tenantId), await expected(inclusive.tenantId)];
    expect(n(eb.shipping)).toBeGreaterThan(0);
    expect([n(a.shipping), n(a.tax)]).toEqual([n(ea.shipping), n(ea.tax)]);
    const platform = await reports.platformOverview(30);
    expect(platform.currencies[0]!.periods.today.current).toMatchObject({ shipping: null, tax: null });
  });
});
