import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

describe("env", () => {
  it("has defaults that need no configuration", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", PLATFORM_DOMAIN: "localhost", MODE: "all", DATABASE_URL: "pglite:.data/pglite" });
  });
  it("fails fast with a readable message", () => {
    expect(() => parseEnv({ PORT: "eighty", REDIS_URL: "http://x" })).toThrow(/PORT[\s\S]*REDIS_URL/);
    expect(() => parseEnv({ SECRET_BOX_KEY: "short" })).toThrow(/SECRET_BOX_KEY: must be 32 bytes/);
    expect(() => parseEnv({ MONEY_SECRET_OLD: `${"o".repeat(32)},short` })).toThrow(/MONEY_SECRET_OLD[\s\S]*at least 32 characters/);
    expect(parseEnv({ MONEY_SECRET_OLD: ` ${"o".repeat(32)} , ${"p".repeat(32)}` }).MONEY_SECRET_OLD).toEqual(["o".repeat(32), "p".repeat(32)]);
  });
  it("refuses dev-only settings in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/SECRET_BOX_KEY is required[\s\S]*real Postgres/);
    const key = "ab".repeat(32);
    expect(() => parseEnv({ NODE_ENV: "production", SECRET_BOX_KEY: key, DATABASE_URL: "postgresql://db/x", MONEY_SECRET: "m".repeat(32) })).toThrow(/CADDY_ADMIN_URL is required/);
    const complete = {
      NODE_ENV: "production", SECRET_BOX_KEY: key, DATABASE_URL: "postgresql://db/x", CADDY_ADMIN_URL: "http://127.0.0.1:2019", MONEY_SECRET: "m".repeat(32),
      SMTP_URL: "smtp://mailer:pw@smtp.example.com:587", MAIL_FROM: "Shops <noreply@shops.example.com>",
    };
    expect(() => parseEnv(complete)).toThrow(/METRICS_TOKEN is required in production/);
    expect(() => parseEnv({ ...complete, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: must be at least 24 characters/);
    expect(() => parseEnv({ ...complete, METRICS_TOKEN: "t".repeat(24) })).toThrow(/TRUSTED_PROXIES is required in production/);
    expect(parseEnv({ ...complete, METRICS_TOKEN: "t".repeat(24), TRUSTED_PROXIES: "127.0.0.1" }).NODE_ENV).toBe("production");
  });
  it("refuses sandbox payments, the dev money secret and failpoints in production", () => {
    const prod = { NODE_ENV: "production", SECRET_BOX_KEY: "ab".repeat(32), DATABASE_URL: "postgresql://db/x", CADDY_ADMIN_URL: "http://127.0.0.1:2019" };
    expect(() => parseEnv({ ...prod, MONEY_SECRET: "m".repeat(32), PAYMENTS_SANDBOX: "true" })).toThrow(/PAYMENTS_SANDBOX=true is refused in production/);
    expect(() => parseEnv(prod)).toThrow(/MONEY_SECRET is required in production/);
    expect(() => parseEnv({ ...prod, MONEY_SECRET: "m".repeat(32), MONEY_FAILPOINTS: "x:kill" })).toThrow(/MONEY_FAILPOINTS/);
  });

  it("refuses the CSV image fetch's test-only loopback allowance in production, and takes only ip:port pairs", () => {
    const prod = {
      NODE_ENV: "production", SECRET_BOX_KEY: "ab".repeat(32), DATABASE_URL: "postgresql://db/x", CADDY_ADMIN_URL: "http://127.0.0.1:2019",
      MONEY_SECRET: "m".repeat(32), METRICS_TOKEN: "t".repeat(24), TRUSTED_PROXIES: "127.0.0.1", SMTP_URL: "smtp://mailer:pw@smtp.example.com:587", MAIL_FROM: "Shops <noreply@shops.example.com>",
    };
    expect(parseEnv(prod).IMAGE_FETCH_TEST_ALLOW).toEqual([]);
    expect(() => parseEnv({ ...prod, IMAGE_FETCH_TEST_ALLOW: "127.0.0.1:8080" })).toThrow(/IMAGE_FETCH_TEST_ALLOW is for tests only/);
    expect(parseEnv({ NODE_ENV: "test", IMAGE_FETCH_TEST_ALLOW: "127.0.0.1:8080, [::1]:9" }).IMAGE_FETCH_TEST_ALLOW).toEqual(["127.0.0.1:8080", "[::1]:9"]);
    expect(() => parseEnv({ NODE_ENV: "test", IMAGE_FETCH_TEST_ALLOW: "localhost:80" })).toThrow(/IMAGE_FETCH_TEST_ALLOW/);
  });

  it("refuses the bench's bare page in production outside the bench's own process", () => {
    const prod = {
      NODE_ENV: "production", SECRET_BOX_KEY: "ab".repeat(32), DATABASE_URL: "postgresql://db/x", CADDY_ADMIN_URL: "http://127.0.0.1:2019",
      MONEY_SECRET: "m".repeat(32), METRICS_TOKEN: "t".repeat(24), TRUSTED_PROXIES: "127.0.0.1", BENCH_BARE_PAGE: "true",
    };
    expect(() => parseEnv(prod)).toThrow(/BENCH_BARE_PAGE is for the bench's own process only/);
    expect(parseEnv({ BENCH_BARE_PAGE: "true" }).BENCH_BARE_PAGE).toBe(true);
    expect(parseEnv({}).BENCH_BARE_PAGE).toBe(false);
  });

  it("points the Stripe SDK at STRIPE_API_BASE, https only in production (no fake or sandbox there)", () => {
    expect(parseEnv({}).STRIPE_API_BASE).toBe("https://api.stripe.com");
    expect(parseEnv({ STRIPE_API_BASE: "http://127.0.0.1:4242" }).STRIPE_API_BASE).toBe("http://127.0.0.1:4242");
    expect(() => parseEnv({ STRIPE_API_BASE: "http://127.0.0.1:4242/v1" })).toThrow(/STRIPE_API_BASE: must be a bare origin/);
    const prod = {
      NODE_ENV: "production", SECRET_BOX_KEY: "ab".repeat(32), DATABASE_URL: "postgresql://db/x", CADDY_ADMIN_URL: "http://127.0.0.1:2019",
      MONEY_SECRET: "m".repeat(32), METRICS_TOKEN: "t".repeat(24), TRUSTED_PROXIES: "127.0.0.1",
      SMTP_URL: "smtp://mailer:pw@smtp.example.com:587", MAIL_FROM: "Shops <noreply@shops.example.com>",
    };
    expect(() => parseEnv({ ...prod, STRIPE_API_BASE: "http://127.0.0.1:4242" })).toThrow(/STRIPE_API_BASE must be https in production/);
    expect(parseEnv({ ...prod, STRIPE_API_BASE: "https://stripe-proxy.internal" }).STRIPE_API_BASE).toBe("https://stripe-proxy.internal");
  });
});
