import { describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";

const db = await createTestDatabase();

describe("process lifecycle", () => {
  it.each(["web", "worker", "all"])("MODE=%s starts and shuts down cleanly on SIGTERM", async (mode) => {
    const app = await startApp({ MODE: mode, DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix() });
    const exit = new Promise((r) => app.child.once("exit", (code, signal) => r({ code, signal, logs: code === 0 ? "" : app.logs.join("") })));
    app.child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 0, signal: null, logs: "" });
  });

  it("refuses to start with invalid configuration, naming the variable", async () => {
    await expect(startApp({ PORT: "not-a-port", DATABASE_URL: db.url })).rejects.toThrow(/PORT/);
  });
});
