/**
 * Carriers a merchant picks when marking an order shipped (issue 22 point 4, ADR 036). The tracking link is built
 * from the carrier's template when the order is read, so a fixed template fixes every order's link; "other" takes
 * the merchant's own carrier name and an optional https link instead.
 */
import { z } from "zod";

export const CARRIERS = {
  ups: { name: "UPS", template: "https://www.ups.com/track?tracknum={number}" },
  usps: { name: "USPS", template: "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}" },
  fedex: { name: "FedEx", template: "https://www.fedex.com/fedextrack/?trknbr={number}" },
  dhl: { name: "DHL Express", template: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}" },
  royal_mail: { name: "Royal Mail", template: "https://www.royalmail.com/track-your-item#/tracking-results/{number}" },
  canada_post: { name: "Canada Post", template: "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}" },
  australia_post: { name: "Australia Post", template: "https://auspost.com.au/mypost/track/details/{number}" },
  postnl: { name: "PostNL", template: "https://jouw.postnl.nl/track-and-trace/{number}" },
  other: { name: "Other", template: null },
} as const satisfies Record<string, { name: string; template: string | null }>;
export type CarrierCode = keyof typeof CARRIERS;
export const CARRIER_CODES = Object.keys(CARRIERS) as [CarrierCode, ...CarrierCode[]];
/** For the dashboard's picker. */
export const CARRIER_OPTIONS = CARRIER_CODES.map((code) => ({ code, name: CARRIERS[code].name }));

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/**
 * What "Mark shipped" may carry. All optional, so a bare "mark shipped" (the bot's button, older API clients) still
 * works; a number needs a carrier, and "other" needs its name.
 */
export const trackingSchema = z
  .object({
    carrier: z.preprocess(empty, z.enum(CARRIER_CODES).optional()),
    trackingNumber: z.preprocess(empty, z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$/, "Use the tracking number as the carrier printed it (letters, digits, spaces, . _ / -).").optional()),
    carrierName: z.preprocess(empty, z.string().trim().min(1).max(80).optional()),
    trackingUrl: z.preprocess(empty, z.url({ protocol: /^https$/, error: "Use an https:// link." }).max(500).optional()),
  })
  .superRefine((t, c) => {
    if (t.trackingNumber && !t.carrier) c.addIssue({ code: "custom", path: ["carrier"], message: "Pick the carrier of this tracking number." });
    if (t.carrier === "other" && !t.carrierName) c.addIssue({ code: "custom", path: ["carrierName"], message: "Name the carrier." });
    if (t.carrier && t.carrier !== "other" && t.trackingUrl) c.addIssue({ code: "custom", path: ["trackingUrl"], message: "The link is made from the carrier's template; leave it empty." });
  });
export type TrackingInput = z.infer<typeof trackingSchema>;

export interface StoredTracking {
  trackingCarrier: string | null;
  trackingCarrierName: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

/** The order columns for a validated input (null when no carrier was given). */
export function trackingColumns(t: TrackingInput | undefined): StoredTracking {
  if (!t?.carrier) return { trackingCarrier: null, trackingCarrierName: null, trackingNumber: null, trackingUrl: null };
  const other = t.carrier === "other";
  return { trackingCarrier: t.carrier, trackingCarrierName: other ? t.carrierName! : null, trackingNumber: t.trackingNumber ?? null, trackingUrl: other ? (t.trackingUrl ?? null) : null };
}

/** How a buyer, a mail or a notification shows the tracking: carrier name, number and link (from the template). */
export function trackingView(s: Partial<StoredTracking>): { carrier: string; number: string | null; url: string | null } | null {
  if (!s.trackingCarrier) return null;
  const known: { name: string; template: string | null } | undefined = CARRIERS[s.trackingCarrier as CarrierCode];
  const number = s.trackingNumber ?? null;
  if (!known?.template) return { carrier: s.trackingCarrierName ?? "Other", number, url: s.trackingUrl ?? null };
  return { carrier: known.name, number, url: number ? known.template.replace("{number}", encodeURIComponent(number)) : null };
}
