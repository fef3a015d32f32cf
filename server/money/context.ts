/** What every part of the money core shares: clients, configuration, rails, after-commit hooks. */
import type { PrismaClient } from "@prisma/client";
import type { SqlRunner } from "#server/db/index.ts";
import type { RedisClient } from "#server/redis.ts";
import type { Logger } from "#server/observability/index.ts";
import type { MoneyConfig } from "./config.ts";
import type { RailRegistry } from "./rails/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";

export type OrderEventKind = "created" | "paid" | "shipped" | "code_reissued" | "delivered" | "disputed" | "released" | "refunded" | "expired";
export type PayoutKind = "release" | "refund";

/** Work scheduled after a commit. Each is idempotent (BullMQ job ids), so calling twice is harmless. */
export interface MoneyScheduler {
  expire(order: { id: string; tenantId: string }, at: Date): Promise<void>;
  release(order: { id: string; tenantId: string }, at: Date): Promise<void>;
  payout(order: { id: string; tenantId: string }, kind: PayoutKind): Promise<void>;
}

/** What an order event needs to be told: the amount is in the message. */
export interface PublishedOrder {
  id: string;
  tenantId: string;
  total: { toFixed(): string } | string;
  currency: string;
}

export interface MoneyContext {
  prisma: PrismaClient;
  /** Plain SQL on the same pool, for the hot path's database functions (ADR 010). */
  sql: SqlRunner;
  redis: RedisClient;
  prefix: string;
  config: MoneyConfig;
  rails: RailRegistry;
  /** The chain the on-chain rails run on; null when they are off. */
  chain: ChainRuntime | null;
  logger: Logger;
  scheduler: MoneyScheduler;
  /**
   * Publishes an order event after commit (notifyTenantAdmins); never throws. `occurrence` tells apart events that may
   * happen more than once per order (a reissued delivery code), which the notification's id would otherwise dedupe;
   * `detail` is a second line (the carrier, tracking number and link of a shipment).
   */
  publish(order: PublishedOrder, kind: OrderEventKind, occurrence?: string, detail?: string): Promise<void>;
  now(): Date;
  /** The secret box (provider keys, ADR 024); absent in tests that need none. */
  box?: () => SecretBox;
}

/** After-commit work must not turn a committed mutation into an error: failures are logged, sweeps catch up. */
export async function afterCommit(ctx: MoneyContext, what: string, fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message, what }, "after-commit step failed; the money sweep will retry it");
  }
}
