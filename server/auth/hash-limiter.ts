/**
 * A semaphore for password hashing. scrypt runs on libuv's thread pool (4 threads by default), which file reads,
 * gzip and DNS share; unbounded sign-ins would queue all of them behind hashes. At most `concurrency` hashes run
 * at once per process and at most `maxQueue` wait; past that the caller gets RATE_LIMITED at once.
 */
import { ApiError } from "#server/http/index.ts";

export interface HashLimits {
  concurrency: number;
  maxQueue: number;
}

export class HashLimiter {
  private active = 0;
  private peak = 0;
  private waiting: Array<() => void> = [];

  constructor(private limits: HashLimits) {}

  configure(limits: HashLimits) {
    this.limits = limits;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limits.concurrency) {
      this.active++;
    } else {
      if (this.waiting.length >= this.limits.maxQueue) {
        throw ApiError.rateLimited(1, "Too many sign-ins are in progress. Please try again in a moment.");
      }
      // The finishing task hands its slot straight to us, so `active` stays put.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** For tests and metrics: hashes running now, waiting now, and the most ever running at once. */
  stats() {
    return { active: this.active, queued: this.waiting.length, peak: this.peak };
  }
}
