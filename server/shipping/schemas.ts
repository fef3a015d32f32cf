/**
 * A shop's shipping zones, rates and tax settings (ADR 035), validated on write. Browser-safe: the dashboard form
 * shares them. Amounts are decimal strings; weights whole grams; tax rates basis points (19 % = 1900) — no floats.
 */
import { z } from "zod";
import { isCountryCode } from "./countries.ts";

const amount = z.string().trim().regex(/^\d{1,12}(\.\d{1,18})?$/, "Use an amount like 4.90.");
const id = z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, "Use 1–40 letters, digits, - or _.");
const country = z.string().trim().toUpperCase().refine((c): boolean => isCountryCode(c), "Use an ISO 3166 country code like DE.");

/** A band covers everything above the previous band's limit up to its own `upTo` (grams or an items subtotal). */
const band = z.object({ upTo: amount, amount });

export const shippingRateSchema = z.object({
  id,
  name: z.string().trim().min(1).max(80),
  kind: z.enum(["flat", "weight", "value"]),
  /** The price of a flat rate. */
  amount: amount.optional(),
  /** Weight bands (upTo in grams, whole) or order-value bands (upTo an items subtotal), in ascending order. */
  bands: z.array(band).max(20).optional(),
  /** Free when the items subtotal reaches this. */
  freeOver: amount.nullable().optional(),
  minDays: z.number().int().min(0).max(365),
  maxDays: z.number().int().min(0).max(365),
}).superRefine((r, ctx) => {
  if (r.minDays > r.maxDays) ctx.addIssue({ code: "custom", path: ["maxDays"], message: "The latest delivery day cannot be before the earliest." });
  if (r.kind === "flat" && r.amount === undefined) ctx.addIssue({ code: "custom", path: ["amount"], message: "A flat rate needs its price." });
  if (r.kind !== "flat") {
    const bands = r.bands ?? [];
    if (!bands.length) ctx.addIssue({ code: "custom", path: ["bands"], message: "A band rate needs at least one band." });
    if (r.kind === "weight" && bands.some((b) => b.upTo.includes("."))) ctx.addIssue({ code: "custom", path: ["bands"], message: "Weights are whole grams." });
    if (bands.some((b, i) => i > 0 && !ascending(bands[i - 1]!.upTo, b.upTo))) ctx.addIssue({ code: "custom", path: ["bands"], message: "List the bands from the smallest limit up." });
  }
});
export type ShippingRate = z.infer<typeof shippingRateSchema>;

/** Strictly ascending decimal strings, compared without floats (pad both to the same shape). */
function ascending(a: string, b: string) {
  const width = (s: string) => s.split(".")[0]!.length;
  const fracs = (s: string) => s.split(".")[1] ?? "";
  const w = Math.max(width(a), width(b));
  const f = Math.max(fracs(a).length, fracs(b).length);
  const norm = (s: string) => s.split(".")[0]!.padStart(w, "0") + fracs(s).padEnd(f, "0");
  return norm(a) < norm(b);
}

export const shippingZoneSchema = z.object({
  id,
  name: z.string().trim().min(1).max(80),
  countries: z.array(country).min(1).max(249),
  rates: z.array(shippingRateSchema).min(1).max(20),
});
export type ShippingZone = z.infer<typeof shippingZoneSchema>;

export const taxRateSchema = z.object({
  country,
  /** A catalog category slug; null or absent: the country's rate for every other item. */
  category: z.string().trim().min(1).max(64).nullable().optional(),
  rateBps: z.number().int().min(0).max(10_000),
});
export type TaxRate = z.infer<typeof taxRateSchema>;

const settingsShape = z.object({
  pricesIncludeTax: z.boolean(),
  zones: z.array(shippingZoneSchema).max(50),
  taxRates: z.array(taxRateSchema).max(500),
});

function consistent(s: z.infer<typeof settingsShape>, ctx: z.RefinementCtx) {
  // One zone per country, so a buyer's country picks exactly one set of methods.
  const seen = new Map<string, string>();
  s.zones.forEach((z, i) => z.countries.forEach((c) => {
    if (seen.has(c)) ctx.addIssue({ code: "custom", path: ["zones", i, "countries"], message: `${c} is already in zone “${seen.get(c)}”.` });
    seen.set(c, z.name);
  }));
  const ids = s.zones.flatMap((z) => [z.id, ...z.rates.map((r) => `${z.id}/${r.id}`)]);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: "custom", path: ["zones"], message: "Zone ids, and rate ids within a zone, must be unique." });
  const keys = s.taxRates.map((t) => `${t.country}/${t.category ?? ""}`);
  if (new Set(keys).size !== keys.length) ctx.addIssue({ code: "custom", path: ["taxRates"], message: "One rate per country and category." });
}

export const shippingTaxSettingsSchema = settingsShape.superRefine(consistent);
export type ShippingTaxSettings = z.infer<typeof shippingTaxSettingsSchema>;

/** The settings as written: the whole document plus the version it replaces (compare-and-swap; 0 when there is none). */
export const putShippingTaxSchema = settingsShape.extend({ version: z.number().int().min(0) }).superRefine(consistent);
export type PutShippingTax = z.infer<typeof putShippingTaxSchema>;

export const EMPTY_SHIPPING_TAX: ShippingTaxSettings = { pricesIncludeTax: false, zones: [], taxRates: [] };
