/**
 * OPS-1 per-shop error rate: every instance counts the requests it served per shop (and the 5xx among them) in
 * memory and adds them to hourly Redis hashes every few seconds, so a request costs no Redis round trip and the
 * console sees the sum over all instances. Counts of the last interval before a crash are lost; that is the price
 * of keeping Redis off the request path.
 */
import type { Response } from "express";
import { hashTag, type RedisClient } from "#server/redis.ts";
import { PLATFORM_OUTAGE, type TenantContext } from "#server/http/index.ts";

const HOUR_MS = 3_600_000;
const KEEP_SECONDS = 26 * 3600;

export interface RequestCounts {
  requests: number;
  errors: number;
}

const hourOf = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(0, 13);
// On a cluster the shop's id is the hash tag: its hourly hashes share a slot, so one MULTI reads or writes them all.
const keyOf = (redis: RedisClient, prefix: string, tenantId: string, hour: string) => `${prefix}tstats:${hashTag(redis, tenantId)}:${hour}`;

export class TenantRequestStats {
  /** Per hour (hours since the epoch; formatted only at flush, off the request path), per shop. */
  private pending = new Map<number, Map<string, RequestCounts>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private deps: { redis: RedisClient; prefix: string; flushMs: number; now?: () => number; onError?: (err: Error) => void }) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Counts a finished response if it was a resolved shop's (tenant resolution set the context on its way). A 503 for a
   * database outage is the platform's, not the shop's: counted as a request, not as the shop's error.
   */
  recordResponse(res: Response) {
    const tenant = (res.locals.tenantContext as TenantContext | undefined)?.tenant;
    if (tenant) this.record(tenant.id, res.statusCode, res.locals[PLATFORM_OUTAGE] === true);
  }

  record(tenantId: string, status: number, platformOutage = false) {
    const hour = Math.floor(this.now() / HOUR_MS);
    let shops = this.pending.get(hour);
    if (!shops) this.pending.set(hour, (shops = new Map()));
    let c = shops.get(tenantId);
    if (!c) shops.set(tenantId, (c = { requests: 0, errors: 0 }));
    c.requests++;
    if (status >= 500 && !platformOutage) c.errors++;
  }

  start() {
    this.timer ??= setInterval(() => void this.flush().catch((err: Error) => this.deps.onError?.(err)), this.deps.flushMs);
    this.timer.unref();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: Error) => this.deps.onError?.(err));
  }

  async flush() {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // One MULTI per shop: a transaction may not span cluster slots.
    const perShop = new Map<string, ReturnType<RedisClient["multi"]>>();
    for (const [hour, shops] of batch) {
      for (const [tenantId, c] of shops) {
        let multi = perShop.get(tenantId);
        if (!multi) perShop.set(tenantId, (multi = this.deps.redis.multi()));
        const key = keyOf(this.deps.redis, this.deps.prefix, tenantId, hourOf(hour));
        multi.hincrby(key, "requests", c.requests).hincrby(key, "errors", c.errors).expire(key, KEEP_SECONDS);
      }
    }
    await Promise.all([...perShop.values()].map((multi) => multi.exec()));
  }

  /** The shop's requests and 5xx in the current clock hour and over the last 24 hourly buckets, across instances. */
  async read(tenantId: string): Promise<{ thisHour: RequestCounts; last24h: RequestCounts }> {
    const now = this.now();
    const hours = Array.from({ length: 24 }, (_, i) => hourOf(Math.floor(now / HOUR_MS) - i));
    const multi = this.deps.redis.multi();
    for (const h of hours) multi.hmget(keyOf(this.deps.redis, this.deps.prefix, tenantId, h), "requests", "errors");
    const rows = ((await multi.exec()) ?? []).map(([, v]) => (v as Array<string | null>).map((x) => Number(x ?? 0)) as [number, number]);
    const sum = (list: Array<[number, number]>) => list.reduce((a, [r, e]) => ({ requests: a.requests + r, errors: a.errors + e }), { requests: 0, errors: 0 });
    return { thisHour: sum(rows.slice(0, 1)), last24h: sum(rows) };
  }
}
