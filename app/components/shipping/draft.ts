/**
 * The shipping page's editable draft (ADR 045): every input is a string while the merchant types, and the draft
 * becomes the API's document (putShippingTaxSchema) only when checked or saved, so the page's field errors are the
 * API's own, keyed by the same paths ("zones.0.rates.1.amount"). Tax is typed as a percentage and stored as basis
 * points, converted on the digits (no float).
 */
import { putShippingTaxSchema, type ShippingTaxSettings } from "#server/shipping/shared.ts";

export interface BandDraft { upTo: string; amount: string }
export interface RateDraft {
  id: string; name: string; kind: "flat" | "weight" | "value"; amount: string; bands: BandDraft[]; freeOver: string; minDays: string; maxDays: string;
}
export interface ZoneDraft { id: string; name: string; countries: string[]; rates: RateDraft[] }
export interface TaxDraft { country: string; category: string; percent: string }
export interface ShippingDraft { pricesIncludeTax: boolean; zones: ZoneDraft[]; taxRates: TaxDraft[] }

/** Field errors by dotted path; "" holds the form's own errors. */
export type DraftErrors = Record<string, string[]>;

export function bpsToPercent(bps: number) {
  const frac = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return frac ? `${Math.floor(bps / 100)}.${frac}` : String(Math.floor(bps / 100));
}

/** "19" → 1900, "7.5" → 750; anything else stays a string for the schema to refuse. */
function percentToBps(percent: string): number | string {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : percent;
}

const whole = (s: string): number | string => (/^\d{1,3}$/.test(s.trim()) ? Number(s.trim()) : s);

export function toDraft(s: ShippingTaxSettings): ShippingDraft {
  return {
    pricesIncludeTax: s.pricesIncludeTax,
    zones: s.zones.map((z) => ({
      id: z.id, name: z.name, countries: [...z.countries],
      rates: z.rates.map((r) => ({
        id: r.id, name: r.name, kind: r.kind, amount: r.amount ?? "", bands: (r.bands ?? []).map((b) => ({ ...b })),
        freeOver: r.freeOver ?? "", minDays: String(r.minDays), maxDays: String(r.maxDays),
      })),
    })),
    taxRates: s.taxRates.map((t) => ({ country: t.country, category: t.category ?? "", percent: bpsToPercent(t.rateBps) })),
  };
}

/** The document the API takes; fields a rate's kind does not use are left out, as the API would ignore them. */
export function fromDraft(d: ShippingDraft, version: number) {
  return {
    version,
    pricesIncludeTax: d.pricesIncludeTax,
    zones: d.zones.map((z) => ({
      id: z.id, name: z.name, countries: z.countries,
      rates: z.rates.map((r) => ({
        id: r.id, name: r.name, kind: r.kind,
        ...(r.kind === "flat" ? { amount: r.amount.trim() || undefined } : { bands: r.bands }),
        freeOver: r.freeOver.trim() || null, minDays: whole(r.minDays), maxDays: whole(r.maxDays),
      })),
    })),
    taxRates: d.taxRates.map((t) => ({ country: t.country, category: t.category.trim() || null, rateBps: percentToBps(t.percent) })),
  };
}

/** Checks a submitted document with the API's schema: the value, or the errors by path in words a merchant reads. */
export function checkShippingDocument(doc: unknown) {
  const parsed = putShippingTaxSchema.safeParse(doc);
  if (parsed.success) return { value: parsed.data, errors: null };
  const errors: DraftErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".");
    const message = issue.path.at(-1) === "rateBps" ? "Use a percentage like 19 or 7.5." : issue.code === "invalid_type" ? friendlyType(issue.path) : issue.message;
    const list = (errors[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return { value: null, errors };
}

function friendlyType(path: PropertyKey[]) {
  const last = String(path.at(-1));
  return last === "minDays" || last === "maxDays" ? "Enter a whole number of days." : "This field is required.";
}

let counter = 0;
/** A short id for a new zone or rate, unique within the page (the merchant never types ids). */
export function newId(prefix: string, taken: readonly string[]) {
  let id: string;
  do id = `${prefix}-${(Date.now() % 100_000).toString(36)}${(counter++).toString(36)}`; while (taken.includes(id));
  return id;
}

export const emptyRate = (taken: readonly string[]): RateDraft => ({
  id: newId("rate", taken), name: "Standard", kind: "flat", amount: "", bands: [{ upTo: "", amount: "" }], freeOver: "", minDays: "2", maxDays: "5",
});
export const emptyZone = (taken: readonly string[]): ZoneDraft => ({ id: newId("zone", taken), name: "", countries: [], rates: [emptyRate([])] });
