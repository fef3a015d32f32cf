import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.ts";

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe("secret box", () => {
  it("round-trips, with a fresh IV each time and no plaintext in the envelope", () => {
    const box = new SecretBox(k1);
    const a = box.seal("123456:secret-bot-token", "tenant_bots.token:1");
    const b = box.seal("123456:secret-bot-token", "tenant_bots.token:1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("secret-bot-token");
    expect(a).toMatch(/^v1:[0-9a-f]{12}:/);
    expect(box.open(a, "tenant_bots.token:1")).toBe("123456:secret-bot-token");
  });

  it("refuses tampered ciphertext and a record moved to another row", () => {
    const box = new SecretBox(k1);
    const env = box.seal("token", "tenant_bots.token:1");
    const parts = env.split(":");
    const data = Buffer.from(parts[3]!, "base64url");
    data[0]! ^= 1;
    const tampered = [...parts.slice(0, 3), data.toString("base64url")].join(":");
    expect(() => box.open(tampered, "tenant_bots.token:1")).toThrow(/could not be decrypted/);
    expect(() => box.open(env, "tenant_bots.token:2")).toThrow(/could not be decrypted/);
  });

  it("reads records under an old key during rotation, and not after the key is gone", () => {
    const old = new SecretBox(k1).seal("token", "x");
    const rotating = new SecretBox(k2, [k1]);
    expect(rotating.isCurrent(old)).toBe(false);
    const fresh = rotating.reseal(old, "x");
    expect(rotating.isCurrent(fresh)).toBe(true);
    expect(new SecretBox(k2).open(fresh, "x")).toBe("token");
    expect(() => new SecretBox(k2).open(old, "x")).toThrow(/no key/);
  });
});
