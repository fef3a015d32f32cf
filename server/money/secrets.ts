/**
 * Buyer-side secrets, derived with HMAC from MONEY_SECRET so nothing usable is stored:
 * - the order link token (the buyer's only key to their order) is derived from the checkout's idempotency key and
 *   request, so a replayed checkout returns the same link; only its sha256 is stored;
 * - the 6-digit delivery code is derived from the order and a per-shipment nonce; only its HMAC is stored, it is
 *   shown to the buyer alone, and it never appears in logs, merchant responses or job data.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest();

export function orderToken(secret: string, tenantId: string, idempotencyKey: string, requestHash: string) {
  return hmac(secret, `order-link:${tenantId}:${idempotencyKey}:${requestHash}`).toString("base64url");
}

export const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

export function deliveryCode(secret: string, orderId: string, nonce: string) {
  return String(hmac(secret, `delivery-code:${orderId}:${nonce}`).readUIntBE(0, 6) % 1_000_000).padStart(6, "0");
}

export const deliveryCodeHash = (secret: string, orderId: string, code: string) => hmac(secret, `delivery-code-hash:${orderId}:${code}`).toString("hex");

export function sameHash(a: string, b: string) {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
