/**
 * Redis-backed fixed-window rate limits (docs/security.md 3), shared by every app instance. Over the limit: 429 with
 * Retry-After and the RATE_LIMITED envelope.
 */
import type { NextFunction, Request, Response } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "#server/observability/index.ts";
import { ApiError, sendError } from "./errors.ts";

export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

// INCR and set the window's expiry atomically; returns [count, ms left in the window].
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`;

export async function hit(redis: Redis, prefix: string, rule: RateLimitRule, subject: string) {
  const key = `${prefix}rl:${rule.name}:${subject}`;
  const [count, ttl] = (await redis.eval(SCRIPT, 1, key, rule.windowMs)) as [number, number];
  return { allowed: count <= rule.limit, count, retryAfterSec: Math.max(1, Math.ceil(ttl / 1000)) };
}

/**
 * Middleware for a route class. `subject` picks the key (e.g. tenant + IP). If Redis is unreachable the request is
 * served and the failure logged: a Redis outage must not take the storefront down (docs/security.md reliability 6).
 */
export function rateLimit(deps: {
  redis: Redis;
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
