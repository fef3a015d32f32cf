import { describe, expect, it } from "vitest";
import { HashLimiter } from "./hash-limiter.ts";
import { hashLimiter, hashPassword, verifyPassword } from "./password.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("HashLimiter", () => {
  it("runs at most `concurrency` tasks at once and every queued task still runs", async () => {
    const limiter = new HashLimiter({ concurrency: 2, maxQueue: 20 });
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          most = Math.max(most, ++running);
          await tick(5);
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([...Array(10).keys()]);
    expect(most).toBe(2);
    expect(limiter.stats()).toEqual({ active: 0, queued: 0, peak: 2 });
  });

  it("refuses with RATE_LIMITED once the queue is full, and a failing task frees its slot", async () => {
    const limiter = new HashLimiter({ concurrency: 1, maxQueue: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => limiter.run(() => tick(5))));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ status: 429, code: "RATE_LIMITED", retryAfterSec: 1 });
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(limiter.stats().active).toBe(0);
  });
});

describe("password hashing goes through the process's limiter", () => {
  it("never runs more than 2 scrypt calls at once, however many sign-ins arrive", async () => {
    const stored = await hashPassword("correct horse battery");
    const checks = await Promise.all(Array.from({ length: 6 }, (_, i) => verifyPassword(i ? `wrong ${i}` : "correct horse battery", stored)));
    expect(checks).toEqual([true, false, false, false, false, false]);
    expect(hashLimiter().stats().peak).toBe(2);
  });
});
