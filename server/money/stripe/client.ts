/**
 * The official `stripe` SDK, pointed at STRIPE_API_BASE (Stripe itself, or the loopback fake in tests) with the
 * merchant's own key (ADR 024). No automatic retries: every caller retries by itself with the same idempotency key,
 * so what was sent is always known. Stripe's errors become typed API errors here, never a stack trace.
 */
import Stripe from "stripe";
import { ApiError } from "#server/http/index.ts";
import { toUnits } from "../amounts.ts";

export interface StripeSettings {
  apiBase: string;
  timeoutMs: number;
  webhookBaseUrl: string;
  production: boolean;
}

export const DEFAULT_STRIPE: StripeSettings = { apiBase: "https://api.stripe.com", timeoutMs: 15_000, webhookBaseUrl: "https://localhost", production: false };

export function stripeClient(settings: StripeSettings, secretKey: string) {
  const base = new URL(settings.apiBase);
  return new Stripe(secretKey, {
    host: base.hostname,
    port: base.port || (base.protocol === "https:" ? 443 : 80),
    protocol: base.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
    timeout: settings.timeoutMs,
    appInfo: { name: "storefront-platform" },
  });
}

/** The SDK's parser and verifier for webhooks; needs no key. */
export const stripeWebhooks = new Stripe("sk_unused_for_webhooks").webhooks;

/** Whether the key answers for a test-mode account (sk_test_…/rk_test_…). */
export const isTestKey = (key: string) => /^(sk|rk)_test_/.test(key);

// Stripe's minor units (docs.stripe.com/currencies): these are zero-decimal; these have three decimals and Stripe
// takes only amounts whose last digit is 0; every other currency has two.
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);
export const stripeExponent = (currency: string) => (ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2);

/** The amount in Stripe's minor units, or null when Stripe cannot charge it exactly (or it is not an ISO currency). */
export function minorUnits(amount: string, currency: string): bigint | null {
  if (!/^[A-Z]{3}$/.test(currency)) return null;
  const exp = stripeExponent(currency);
  const step = 10n ** BigInt(18 - exp);
  const units = toUnits(amount);
  if (units <= 0n || units % step !== 0n) return null;
  const minor = units / step;
  if (exp === 3 && minor % 10n !== 0n) return null;
  return minor;
}

/** A Stripe failure as the envelope the merchant or buyer sees; `keyRefused` tells the caller to mark the key failing. */
export function stripeFailure(err: unknown, doing: string): { error: ApiError; keyRefused: boolean } {
  if (!(err instanceof Stripe.errors.StripeError)) throw err;
  if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
    return { keyRefused: true, error: new ApiError(502, "STRIPE_KEY_REFUSED", `Stripe refused the shop's key while ${doing}. The shop must reconnect Stripe.`) };
  }
  if (err instanceof Stripe.errors.StripeRateLimitError) {
    return { keyRefused: false, error: new ApiError(503, "STRIPE_UNAVAILABLE", `Stripe is rate limiting calls while ${doing}; nothing was changed. Try again in a moment.`) };
  }
  if (err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeIdempotencyError) {
    return { keyRefused: false, error: new ApiError(502, "STRIPE_REQUEST_REFUSED", `Stripe refused the request while ${doing}: ${err.message.slice(0, 200)}`) };
  }
  // 5xx, timeouts, connection errors: Stripe may or may not have acted; the same idempotency key makes a retry safe.
  return { keyRefused: false, error: new ApiError(502, "STRIPE_UNAVAILABLE", `Stripe did not answer while ${doing}; nothing was changed here. It is safe to try again.`) };
}
