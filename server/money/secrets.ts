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

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

export function deliveryCode(secret: string, orderId: string, nonce: string) {
  return String(hmac(secret, `delivery-code:${orderId}:${nonce}`).readUIntBE(0, 6) % 1_000_000).padStart(6, "0");
}

export const deliveryCodeHash = (secret: string, orderId: string, code: string) => hmac(secret, `delivery-code-hash:${orderId}:${code}`).toString("hex");

/** The current secret first, then the earlier ones (MONEY_SECRET_OLD). */
export const secretsOf = (config: { secret: string; oldSecrets: string[] }) => [config.secret, ...config.oldSecrets];

/**
 * The buyer's code for a shipment: derived with whichever secret made the stored hash, so a rotation of MONEY_SECRET
 * does not change a code the buyer may already have passed on. Null when no known secret made it.
 */
export function storedDeliveryCode(secrets: string[], orderId: string, nonce: string, codeHash: string) {
  for (const s of secrets) {
    const code = deliveryCode(s, orderId, nonce);
    if (sameHash(deliveryCodeHash(s, orderId, code), codeHash)) return code;
  }
  return null;
}

/** The hashes a typed code may be stored under, one per known secret. */
export const deliveryCodeHashes = (secrets: string[], orderId: string, code: string) => secrets.map((s) => deliveryCodeHash(s, orderId, code));

/** The order link a replayed checkout returns: the one whose hash is stored, whichever known secret made it. */
export function storedOrderToken(secrets: string[], tenantId: string, idempotencyKey: string, requestHash: string, tokenHash: string) {
  for (const s of secrets) {
    const token = orderToken(s, tenantId, idempotencyKey, requestHash);
    if (sameHash(sha256Hex(token), tokenHash)) return token;
  }
  return null;
}

export function sameHash(left: string, right: string) {
  const x = Buffer.from(left, "hex");
  const y = Buffer.from(right, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
