/**
 * Sign-in abuse controls (docs/security.md 3/4, docs/decisions/019-sign-in-abuse.md), all counted in Redis so every
 * app instance sees the same numbers. Before a password is hashed, an attempt must pass three fixed windows:
 * attempts per client IP, failed sign-ins per client IP (the attempt is counted up front and handed back on
 * success), and failures per client IP + account. An account's failures from every IP never lock it; they make
 * each sign-in to it wait longer (doubling, capped), so the owner of the right password still gets in.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { hit, ApiError } from "#server/http/index.ts";

export interface LoginGuardDeps {
  redis: Redis;
  prefix: string;
  /** Failed attempts per IP + account per window. */
  limit: number;
  /** Failed sign-ins per IP across all accounts per window. */
  ipFailures: number;
  /** Sign-in attempts of any outcome per IP per window. */
  ipAttempts: number;
  windowMs: number;
  /** Longest backoff wait for an account with recent failures. */
  backoffMaxMs: number;
  /** Sign-ups per client IP per hour. */
  signupsPerHour: number;
  sleep?: (ms: number) => Promise<unknown>;
}

// Failures an account may have before its sign-ins wait, and the first wait (doubling after that).
const FREE_FAILURES = 5;
const FIRST_BACKOFF_MS = 250;

/** How long a sign-in to an account with `failures` recent failures waits before it is answered. */
// Hands back the IP's up-front failure count (only while its window lasts: never a key without expiry) and ends
// the IP + account count and the account's backoff.
const REFUND = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end
redis.call('DEL', KEYS[2], KEYS[3])`;

export function backoffMs(failures: number, maxMs: number) {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** Math.min(failures - FREE_FAILURES, 20));
}

export class LoginGuard {
  constructor(private deps: LoginGuardDeps) {}

  private key(name: string, subject: string) {
    return `${this.deps.prefix}rl:${name}:${subject}`;
  }

  private async check(name: string, limit: number, subject: string) {
    const r = await hit(this.deps.redis, this.deps.prefix, { name, limit, windowMs: this.deps.windowMs }, subject);
    if (!r.allowed) throw ApiError.rateLimited(r.retryAfterSec, "Too many sign-in attempts. Please wait and try again.");
  }

  /**
   * Throws RATE_LIMITED (with retryAfterSec) when the attempt is over a limit; checked one after another so that an
   * attempt refused per IP leaves the account's counters alone. Then waits out the account's backoff.
   */
  async reserve(ip: string, email: string) {
    await this.check("auth-ip", this.deps.ipAttempts, ip);
    await this.check("auth-ip-failed", this.deps.ipFailures, ip);
    await this.check("auth", this.deps.limit, `${ip}:${email}`);
    const failures = Number(await this.deps.redis.get(this.key("auth-account-failed", email))) || 0;
    const wait = backoffMs(failures, this.deps.backoffMaxMs);
    if (wait > 0) await (this.deps.sleep ?? sleep)(wait);
  }

  /** Counts a failure against the account (known or not, so the backoff says nothing about which emails exist). */
  async failed(email: string) {
    const key = this.key("auth-account-failed", email);
    await this.deps.redis.multi().incr(key).pexpire(key, this.deps.windowMs).exec();
  }

  /** Throws RATE_LIMITED when this IP has opened too many accounts this hour (API and dashboard alike). */
  async reserveSignup(ip: string) {
    const r = await hit(this.deps.redis, this.deps.prefix, { name: "signup", limit: this.deps.signupsPerHour, windowMs: 3_600_000 }, ip);
    if (!r.allowed) throw ApiError.rateLimited(r.retryAfterSec, "Too many new accounts from your network. Please wait and try again.");
  }

  /** The right password: this IP's attempt was no failure, and the account's backoff and IP + account count end. */
  async succeeded(ip: string, email: string) {
    await this.deps.redis.eval(REFUND, 3, this.key("auth-ip-failed", ip), this.key("auth", `${ip}:${email}`), this.key("auth-account-failed", email));
  }
}
