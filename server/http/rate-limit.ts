/**
 * Rate limits (docs/security.md 3) on rate-limiter-flexible, counted in Redis so every app instance shares them
 * (docs/decisions/021-redis-topologies.md). Each key is one slot, so the limits work on a cluster too. While Redis
 * is unreachable an in-memory insurance limiter per process takes over: limits stay on (per instance) and the
 * storefront keeps serving. Over the limit: 429 with Retry-After and the RATE_LIMITED envelope.
 */
import type { NextFunction, Request, Response } from "express";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RedisClient } from "#server/redis.ts";
import type { Logger } from "#server/observability/index.ts";
import { ApiError, sendError } from "./errors.ts";

export interface RateLimitRule {
  name: string;
  limit: number;
  /** Whole seconds (the Redis store keeps its windows in seconds). */
  windowMs: number;
  /** Once over the limit, refuse for this long from that moment, not only until the window ends (sign-ins). */
  blockMs?: number;
}

// One limiter per client, prefix and rule, made on first use: the rules are a handful of constants.
const limiters = new WeakMap<RedisClient, Map<string, RateLimiterRedis>>();

/** The rule's limiter: keys `<prefix>rl:<name>:<subject>`, one key per subject, no multi-key command. */
export function limiterFor(redis: RedisClient, prefix: string, rule: RateLimitRule) {
  let byRule = limiters.get(redis);
  if (!byRule) limiters.set(redis, (byRule = new Map()));
  const id = JSON.stringify([prefix, rule.name, rule.limit, rule.windowMs, rule.blockMs ?? 0]);
  let limiter = byRule.get(id);
  if (!limiter) {
    const shape = {
      keyPrefix: `${prefix}rl:${rule.name}`,
      points: rule.limit,
      duration: rule.windowMs / 1000,
      blockDuration: (rule.blockMs ?? 0) / 1000,
    };
    limiter = new RateLimiterRedis({
      ...shape,
      storeClient: redis,
      // A subject over the limit is refused from memory until its window (or block) ends: a flood costs no Redis trip.
      inMemoryBlockOnConsumed: rule.limit + 1,
      inMemoryBlockDuration: shape.blockDuration,
      // Not connected (an outage, a failover): straight to the insurance limiter instead of queueing behind retries.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(shape),
    });
    byRule.set(id, limiter);
  }
  return limiter;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Counts one hit for `subject`; `allowed: false` once it is over the rule's limit. */
export async function hit(redis: RedisClient, prefix: string, rule: RateLimitRule, subject: string) {
  try {
    const r = await limiterFor(redis, prefix, rule).consume(subject);
    return { allowed: true, count: r.consumedPoints, retryAfterSec: seconds(r.msBeforeNext) };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    return { allowed: false, count: err.consumedPoints, retryAfterSec: seconds(err.msBeforeNext) };
  }
}

/**
 * Middleware for a route class. `subject` picks the key (e.g. tenant + IP). Should even the insurance limiter fail,
 * the request is served and the failure logged: rate limiting must not take the storefront down (docs/security.md
 * reliability 6).
 */
export function rateLimit(deps: {
  redis: RedisClient;
  prefix: string;
  rule: RateLimitRule;
  logger: Logger;
  subject: (req: Request, res: Response) => string | null;
}) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const subject = deps.subject(req, res);
    if (!subject) return next();
    let result;
    try {
      result = await hit(deps.redis, deps.prefix, deps.rule, subject);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, rule: deps.rule.name }, "rate limiter unavailable");
      return next();
    }
    if (result.allowed) return next();
    sendError(res, ApiError.rateLimited(result.retryAfterSec));
  };
}
