/**
 * Login backoff (docs/security.md 3/4): failed sign-ins are counted in Redis, per client IP + account and per account
 * across all IPs, so every app instance sees the same count. Each attempt reserves a slot before the password is
 * checked; a success clears the IP + account counter. Past the limit the account is locked for the rest of the
 * window, correct password or not.
 */
import type { Redis } from "ioredis";
import { hit, ApiError } from "#server/http/index.ts";

export interface LoginGuardDeps {
  redis: Redis;
  prefix: string;
  /** Failed attempts per IP + account per window. */
  limit: number;
  windowMs: number;
  /** Sign-ups per client IP per hour. */
  signupsPerHour: number;
}

export class LoginGuard {
  constructor(private deps: LoginGuardDeps) {}

  private rules() {
    return {
      pair: { name: "auth", limit: this.deps.limit, windowMs: this.deps.windowMs },
      // A distributed guesser rotating IPs still meets a ceiling per account.
      account: { name: "auth-account", limit: this.deps.limit * 5, windowMs: this.deps.windowMs },
    };
  }

  /** Throws RATE_LIMITED (with retryAfterSec) when the attempt is over a limit. */
  async reserve(ip: string, email: string) {
    const r = this.rules();
    const [pair, account] = await Promise.all([
      hit(this.deps.redis, this.deps.prefix, r.pair, `${ip}:${email}`),
      hit(this.deps.redis, this.deps.prefix, r.account, email),
    ]);
    const blocked = [pair, account].filter((x) => !x.allowed);
    if (blocked.length) {
      const retryAfterSec = Math.max(...blocked.map((b) => b.retryAfterSec));
      throw ApiError.rateLimited(retryAfterSec, "Too many sign-in attempts. Please wait and try again.");
    }
  }

  /** Throws RATE_LIMITED when this IP has opened too many accounts this hour (API and dashboard alike). */
  async reserveSignup(ip: string) {
    const r = await hit(this.deps.redis, this.deps.prefix, { name: "signup", limit: this.deps.signupsPerHour, windowMs: 3_600_000 }, ip);
    if (!r.allowed) throw ApiError.rateLimited(r.retryAfterSec, "Too many new accounts from your network. Please wait and try again.");
  }

  async succeeded(ip: string, email: string) {
    await this.deps.redis.del(`${this.deps.prefix}rl:auth:${ip}:${email}`);
  }
}
