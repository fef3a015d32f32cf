/** The app process for money tests that also drive the in-process MoneyService: same database and money secret. */
import { afterAll, beforeAll } from "vitest";
import type { Database } from "#server/db/client.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { redisPrefix } from "./db.ts";

/** Starts before the file's tests and stops after them; read `.current` inside a test. */
export function moneyApp(db: Database & { url: string }, moneySecret: string) {
  const ref: { current: RunningApp } = { current: undefined as unknown as RunningApp };
  beforeAll(async () => {
    ref.current = await startApp({
      DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
      RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: moneySecret,
    });
  }, 90_000);
  afterAll(async () => ref.current?.stop());
  return ref;
}
