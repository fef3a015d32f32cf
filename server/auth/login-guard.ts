/**
 * Sign-in abuse controls (docs/security.md 3/4, docs/decisions/019-sign-in-abuse.md), all counted in Redis so every
 * app instance sees the same numbers. Before a password is hashed, an attempt must pass three fixed windows:
 * attempts per client IP, failed sign-ins per client IP (the attempt is counted up front and handed back on
 * success), and failures per client IP + account. Each is a rate-limiter-flexible limiter that, once exceeded, blocks
 * for a whole window; every operation touches one key, so no command spans Redis Cluster slots. An account's
 * failures from every IP never lock it; they make each sign-in to it wait longer (doubling, capped), so the owner of
 * the right password still gets in.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RedisClient } from "#server/redis.ts";
import { hit, limiterFor, ApiError, type RateLimitRule } from "#server/http/index.ts";

export interface LoginGuardDeps {
  redis: RedisClient;
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
  /** Account mails (reset requests, verification resends) per client IP and per account per window; also reset confirmations per IP. */
  accountMailLimit: number;
  sleep?: (ms: number) => Promise<unknown>;
}

// Failures an account may have before its sign-ins wait, and the first wait (doubling after that).
const FREE_FAILURES = 5;
const FIRST_BACKOFF_MS = 250;
// The account's failure count only ever feeds the backoff; it never refuses.
const UNLIMITED = 2 ** 30;

/** How long a sign-in to an account with `failures` recent failures waits before it is answered. */
export function backoffMs(failures: number, maxMs: number) {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** Math.min(failures - FREE_FAILURES, 20));
}

export class LoginGuard {
  constructor(private deps: LoginGuardDeps) {}

  private rule(name: string, limit: number, windowMs = this.deps.windowMs): RateLimitRule {
    return { name, limit, windowMs, blockMs: windowMs };
  }

  private limiter(name: string, limit: number) {
    return limiterFor(this.deps.redis, this.deps.prefix, this.rule(name, limit));
  }

  private async check(rule: RateLimitRule, subject: string, message: string) {
    const r = await hit(this.deps.redis, this.deps.prefix, rule, subject);
    if (!r.allowed) throw ApiError.rateLimited(r.retryAfterSec, message);
  }

  /**
   * Throws RATE_LIMITED (with retryAfterSec) when the attempt is over a limit; checked one after another so that an
   * attempt refused per IP leaves the account's counters alone. Then waits out the account's backoff.
   */
  async reserve(ip: string, email: string) {
    const message = "Too many sign-in attempts. Please wait and try again.";
    await this.check(this.rule("auth-ip", this.deps.ipAttempts), ip, message);
    await this.check(this.rule("auth-ip-failed", this.deps.ipFailures), ip, message);
    await this.check(this.rule("auth", this.deps.limit), `${ip}:${email}`, message);
    const failures = (await this.limiter("auth-account-failed", UNLIMITED).get(email))?.consumedPoints ?? 0;
    const wait = backoffMs(failures, this.deps.backoffMaxMs);
    if (wait > 0) await (this.deps.sleep ?? sleep)(wait);
  }

  /** Counts a failure against the account (known or not, so the backoff says nothing about which emails exist). */
  async failed(email: string) {
    await this.limiter("auth-account-failed", UNLIMITED).penalty(email);
  }

  /** Throws RATE_LIMITED when this IP has opened too many accounts this hour (API and dashboard alike). */
  async reserveSignup(ip: string) {
    await this.check(this.rule("signup", this.deps.signupsPerHour, 3_600_000), ip, "Too many new accounts from your network. Please wait and try again.");
  }

  /**
   * A password reset request or verification resend (ADR 030): limited per client IP, then per account. The account
   * key is the email whether or not it has an account, so the limit itself says nothing about which emails exist.
   */
  async reserveAccountMail(ip: string, email: string) {
    const message = "Too many requests for account emails. Please wait and try again.";
    await this.check(this.rule("account-mail-ip", this.deps.accountMailLimit), ip, message);
    await this.check(this.rule("account-mail", this.deps.accountMailLimit), email, message);
  }

  /** Setting a new password from a reset link, per client IP (each valid one costs a password hash). */
  async reserveResetConfirm(ip: string) {
    await this.check(this.rule("reset-confirm-ip", this.deps.accountMailLimit * 2), ip, "Too many password resets from your network. Please wait and try again.");
  }

  /** The right password: this IP's attempt was no failure, and the account's backoff and IP + account count end. */
  async succeeded(ip: string, email: string) {
    // One key per operation (a cluster may keep them on different nodes). The up-front failure is handed back only
    // while its window lasts, so a refund never makes a key without expiry or credit for the next window.
    const ipFailed = this.limiter("auth-ip-failed", this.deps.ipFailures);
    const counted = await ipFailed.get(ip);
    await Promise.all([
      counted && counted.consumedPoints > 0 ? ipFailed.reward(ip) : null,
      this.limiter("auth", this.deps.limit).delete(`${ip}:${email}`),
      this.limiter("auth-account-failed", UNLIMITED).delete(email),
    ]);
  }
}
