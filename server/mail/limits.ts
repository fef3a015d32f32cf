/**
 * Send limits per recipient and per shop (ADR 026), counted in Redis with the platform's rate limiter so every worker
 * shares them. Over a limit the message waits for the window to end — no attempt spent, never dropped. Recipients are
 * keyed by a hash: Redis holds no addresses.
 */
import { createHash } from "node:crypto";
import { hit, limiterFor, type RateLimitRule } from "#server/http/index.ts";
import type { RedisClient } from "#server/redis.ts";

export interface SendLimits {
  perRecipientPerHour: number;
  perShopPerHour: number;
}

const HOUR = 3_600_000;
const rules = (limits: SendLimits) => ({
  recipient: { name: "mail-recipient", limit: limits.perRecipientPerHour, windowMs: HOUR } satisfies RateLimitRule,
  shop: { name: "mail-shop", limit: limits.perShopPerHour, windowMs: HOUR } satisfies RateLimitRule,
});
export const recipientKey = (recipient: string) => createHash("sha256").update(recipient.trim().toLowerCase()).digest("hex").slice(0, 32);

/** Counts one message; `waitMs` > 0 when a limit is reached (then nothing is counted against the other limit). */
export async function takeSendSlot(redis: RedisClient, prefix: string, limits: SendLimits, msg: { tenantId: string | null; recipient: string }) {
  const r = rules(limits);
  if (msg.tenantId) {
    const shop = await hit(redis, prefix, r.shop, msg.tenantId);
    if (!shop.allowed) return { waitMs: shop.retryAfterSec * 1_000, limit: "shop" as const };
  }
  const recipient = await hit(redis, prefix, r.recipient, recipientKey(msg.recipient));
  if (!recipient.allowed) {
    // The shop's slot was not used after all.
    if (msg.tenantId) await limiterFor(redis, prefix, r.shop).reward(msg.tenantId, 1);
    return { waitMs: recipient.retryAfterSec * 1_000, limit: "recipient" as const };
  }
  return { waitMs: 0, limit: null };
}
