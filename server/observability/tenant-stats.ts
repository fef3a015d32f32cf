/**
 * OPS-1 per-shop error rate: every instance counts the requests it served per shop (and the 5xx among them) in
 * memory and adds them to hourly Redis hashes every few seconds, so a request costs no Redis round trip and the
 * console sees the sum over all instances. Counts of the last interval before a crash are lost; that is the price
 * of keeping Redis off the request path.
 */
import type { NextFunction, Request, Response } from "express";
import type { Redis } from "ioredis";
import type { TenantContext } from "#server/http/tenant-context.ts";

const HOUR_MS = 3_600_000;
const KEEP_SECONDS = 26 * 3600;

export interface RequestCounts {
  requests: number;
  errors: number;
}

const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
const keyOf = (prefix: string, tenantId: string, hour: string) => `${prefix}tstats:${tenantId}:${hour}`;

export class TenantRequestStats {
  private pending = new Map<string, RequestCounts>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private d: { redis: Redis; prefix: string; flushMs: number; now?: () => number; onError?: (err: Error) => void }) {}

  private now() {
    return this.d.now?.() ?? Date.now();
  }

  /** Counts each finished request of a resolved shop; installed after tenant resolution has set the context. */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      res.once("finish", () => {
        const tenant = (res.locals.tenantContext as TenantContext | undefined)?.tenant;
        if (tenant) this.record(tenant.id, res.statusCode);
      });
      next();
    };
  }

  record(tenantId: string, status: number) {
    const key = `${tenantId}|${hourOf(this.now())}`;
    const c = this.pending.get(key) ?? { requests: 0, errors: 0 };
    c.requests++;
    if (status >= 500) c.errors++;
    this.pending.set(key, c);
  }

  start() {
    this.timer ??= setInterval(() => void this.flush().catch((err: Error) => this.d.onError?.(err)), this.d.flushMs);
    this.timer.unref();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: Error) => this.d.onError?.(err));
  }

  async flush() {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const multi = this.d.redis.multi();
    for (const [k, c] of batch) {
      const [tenantId, hour] = k.split("|") as [string, string];
      const key = keyOf(this.d.prefix, tenantId, hour);
      multi.hincrby(key, "requests", c.requests).hincrby(key, "errors", c.errors).expire(key, KEEP_SECONDS);
    }
    await multi.exec();
  }

  /** The shop's requests and 5xx in the current clock hour and over the last 24 hourly buckets, across instances. */
  async read(tenantId: string): Promise<{ thisHour: RequestCounts; last24h: RequestCounts }> {
    const now = this.now();
    const hours = Array.from({ length: 24 }, (_, i) => hourOf(now - i * HOUR_MS));
    const multi = this.d.redis.multi();
    for (const h of hours) multi.hmget(keyOf(this.d.prefix, tenantId, h), "requests", "errors");
    const rows = ((await multi.exec()) ?? []).map(([, v]) => (v as Array<string | null>).map((x) => Number(x ?? 0)) as [number, number]);
    const sum = (list: Array<[number, number]>) => list.reduce((a, [r, e]) => ({ requests: a.requests + r, errors: a.errors + e }), { requests: 0, errors: 0 });
    return { thisHour: sum(rows.slice(0, 1)), last24h: sum(rows) };
  }
}
