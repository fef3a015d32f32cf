import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker.ts";

class Outage extends Error {}
class Refused extends Error {
  constructor(readonly retryInMs: number) {
    super(`refused, retry in ${retryInMs} ms`);
  }
}

function setup(failures = 3, cooldownMs = 1000) {
  let now = 0;
  const breaker = new CircuitBreaker({ failures, cooldownMs, now: () => now });
  let calls = 0;
  const call = (outcome: "ok" | "outage" | "4xx") =>
    breaker.run(
      async () => {
        calls++;
        if (outcome === "outage") throw new Outage("down");
        if (outcome === "4xx") throw new Error("bad request");
        return "ok";
      },
      (err) => err instanceof Outage,
      (ms) => new Refused(ms),
    );
  return { breaker, call, calls: () => calls, advance: (ms: number) => (now += ms) };
}

describe("circuit breaker", () => {
  it("opens after N outages in a row and then refuses without calling, until the cooldown ends", async () => {
    const b = setup();
    for (let i = 0; i < 3; i++) await expect(b.call("outage")).rejects.toBeInstanceOf(Outage);
    expect(b.breaker.state).toBe("open");
    const refused = await b.call("ok").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Refused);
    expect((refused as Refused).retryInMs).toBe(1000);
    expect(b.calls()).toBe(3);
    b.advance(999);
    await expect(b.call("ok")).rejects.toBeInstanceOf(Refused);
    expect(b.calls()).toBe(3);
  });

  it("after the cooldown lets one trial through: success closes it, an outage opens it again", async () => {
    const b = setup();
    for (let i = 0; i < 3; i++) await b.call("outage").catch(() => undefined);
    b.advance(1000);
    expect(b.breaker.state).toBe("half-open");
    await expect(b.call("outage")).rejects.toBeInstanceOf(Outage);
    expect(b.calls()).toBe(4);
    await expect(b.call("ok")).rejects.toBeInstanceOf(Refused);
    b.advance(1000);
    await expect(b.call("ok")).resolves.toBe("ok");
    expect(b.breaker.state).toBe("closed");
    await expect(b.call("ok")).resolves.toBe("ok");
  });

  it("lets only one trial run at a time", async () => {
    const b = setup(1, 100);
    await b.call("outage").catch(() => undefined);
    b.advance(100);
    let release!: () => void;
    const slow = b.breaker.run(() => new Promise<string>((r) => (release = () => r("slow ok"))), () => false, (ms) => new Refused(ms));
    await expect(b.call("ok")).rejects.toBeInstanceOf(Refused);
    release();
    await expect(slow).resolves.toBe("slow ok");
    await expect(b.call("ok")).resolves.toBe("ok");
  });

  it("an answer that is not an outage (a 4xx) proves the service is up and resets the count", async () => {
    const b = setup();
    await b.call("outage").catch(() => undefined);
    await b.call("outage").catch(() => undefined);
    await b.call("4xx").catch(() => undefined);
    await b.call("outage").catch(() => undefined);
    await b.call("outage").catch(() => undefined);
    expect(b.breaker.state).toBe("closed");
    await expect(b.call("ok")).resolves.toBe("ok");
  });
});
