/**
 * Enqueues that must survive a Redis outage (issue 20, docs/decisions/021-redis-topologies.md). An attempt that
 * fails is kept in this process and retried until Redis answers again. That is safe only for work whose jobs carry
 * deterministic ids (adding one twice is a no-op in BullMQ), so a retry after an attempt that did reach Redis does
 * not duplicate anything. What is lost: the parked work of a process that exits while Redis is still down.
 */
import type { Logger } from "#server/observability/index.ts";

export class DeferredEnqueues {
  private pending = new Map<string, () => Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private deps: { logger: Logger; retryMs?: number; max?: number }) {}

  /** Work parked and not yet done. */
  get size() {
    return this.pending.size;
  }

  /** Runs `work` now; if it fails, parks it under `key` (the same key twice is one entry) and retries it later. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (err) {
      this.park(key, work, err as Error);
      return null;
    }
  }

  private park(key: string, work: () => Promise<unknown>, err: Error) {
    if (!this.pending.has(key) && this.pending.size >= (this.deps.max ?? 10_000)) {
      this.deps.logger.error({ err: err.message, key }, "deferred enqueue dropped: too many parked");
      return;
    }
    this.pending.set(key, work);
    this.deps.logger.warn({ err: err.message, key, parked: this.pending.size }, "enqueue failed; parked for retry");
    this.timer ??= setInterval(() => void this.flush(), this.deps.retryMs ?? 1_000);
    this.timer.unref();
  }

  /** Retries the parked work in order; stops at the first failure (Redis is still away) until the next tick. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      for (const [key, work] of [...this.pending]) {
        try {
          await work();
          this.pending.delete(key);
        } catch {
          return;
        }
      }
      clearInterval(this.timer);
      this.timer = undefined;
      this.deps.logger.info("parked enqueues done");
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Shutdown: one last try, then whatever is still parked is reported (it would be lost). */
  async close() {
    await this.flush();
    clearInterval(this.timer);
    if (this.pending.size) this.deps.logger.error({ parked: [...this.pending.keys()] }, "parked enqueues lost at shutdown");
  }
}
