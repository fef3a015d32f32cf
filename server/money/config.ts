import type { Env } from "#server/env.ts";

/** What the money core needs from the environment (server/env.ts moneyEnvSchema). */
export interface MoneyConfig {
  sandbox: boolean;
  /** Makes every new buyer link and delivery code. */
  secret: string;
  /** Earlier secrets, still accepted for links and codes made before a rotation. */
  oldSecrets: string[];
  orderTtlMs: number;
  invoiceTtlMs: number;
  releaseGraceMs: number;
  codeTtlMs: number;
  codeMaxAttempts: number;
  codeAttemptsPer15Min: number;
  /** Days an escrow order may stay `fulfilling` after shipping before the sweep disputes (physical) or releases (digital) it; default 14. */
  fulfillingStaleDays?: number;
  defaultFeeBps: number;
  /** A settled escrow may wait this long for its outside payout before reconciliation reports it. */
  payoutGraceMs: number;
  /** How often the scheduled reconciliation runs (the job scheduler and the console's schedule text both read it). */
  reconcileEveryMs: number;
  /** Handed to buyers' wallets to add the chain when they do not know it; absent: they add it themselves. */
  chainPublicRpcUrl?: string | null;
  /** Card payments (ADR 024): the Stripe API origin, a call's timeout, and where webhooks are to be sent. */
  stripe?: { apiBase: string; timeoutMs: number; webhookBaseUrl: string; production: boolean };
}

export function moneyConfigFromEnv(env: Env): MoneyConfig {
  return {
    sandbox: env.PAYMENTS_SANDBOX,
    secret: env.MONEY_SECRET,
    oldSecrets: env.MONEY_SECRET_OLD,
    orderTtlMs: env.ORDER_PAYMENT_TTL_MS,
    invoiceTtlMs: env.MANUAL_INVOICE_TTL_MS,
    releaseGraceMs: env.RELEASE_GRACE_MS,
    codeTtlMs: env.DELIVERY_CODE_TTL_MS,
    codeMaxAttempts: env.DELIVERY_CODE_MAX_ATTEMPTS,
    codeAttemptsPer15Min: env.RATE_LIMIT_DELIVERY_CODE_PER_15MIN,
    fulfillingStaleDays: env.FULFILLING_STALE_DAYS,
    defaultFeeBps: env.DEFAULT_PLATFORM_FEE_BPS,
    payoutGraceMs: env.RECONCILE_PAYOUT_GRACE_MS,
    reconcileEveryMs: env.RECONCILE_EVERY_MS,
    chainPublicRpcUrl: env.CHAIN_PUBLIC_RPC_URL ?? null,
    stripe: { apiBase: env.STRIPE_API_BASE, timeoutMs: env.STRIPE_TIMEOUT_MS, webhookBaseUrl: `https://${env.PLATFORM_DOMAIN}`, production: env.NODE_ENV === "production" },
  };
}
