/**
 * OPS-4: structured JSON logs carry the request id and, for a shop's request, its tenantId — on the access line and
 * on any other line written while the request is handled.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "#server/observability/logger.ts";
import { logContextMiddleware, setLogTenant } from "#server/observability/log-context.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";

const db = await createTestDatabase();
let app: RunningApp;
let tenantId: string;

beforeAll(async () => {
  tenantId = (await createTenant(db.prisma, { slug: "logctx" })).id;
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

const lines = () => app.logs.join("").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

describe("log context (OPS-4)", () => {
  it("a shop's request is logged with its request id and tenantId; a platform request with its request id only", async () => {
    const shop = await get(app, "logctx.localhost", "/");
    const platform = await get(app, "localhost", "/");
    expect([shop.status, platform.status]).toEqual([200, 200]);
    await new Promise((r) => setTimeout(r, 100));
    const shopLine = lines().find((l) => l.reqId === shop.headers["x-request-id"] && l.msg === "request");
    expect(shopLine).toMatchObject({ tenantId, host: "logctx.localhost", status: 200 });
    const platformLine = lines().find((l) => l.reqId === platform.headers["x-request-id"] && l.msg === "request");
    expect(platformLine).toBeDefined();
    expect(platformLine).not.toHaveProperty("tenantId");
  });

  it("any module's line written during the request carries them, and a line outside a request does not", async () => {
    const out = new PassThrough();
    const logged: Array<Record<string, unknown>> = [];
    out.on("data", (b: Buffer) => logged.push(...b.toString().trim().split("\n").map((l) => JSON.parse(l))));
    const logger = createLogger("info", out);
    const res = { locals: { requestId: "req-42" } };
    await new Promise<void>((done) => {
      logContextMiddleware()({} as never, res as never, () => {
        logger.info("before resolution");
        setLogTenant("tenant-7");
        setTimeout(() => {
          logger.warn({ what: "x" }, "later, in a callback");
          done();
        }, 5);
      });
    });
    logger.info("outside");
    await new Promise((r) => setImmediate(r));
    expect(logged.map((l) => [l.msg, l.reqId ?? null, l.tenantId ?? null])).toEqual([
      ["before resolution", "req-42", null],
      ["later, in a callback", "req-42", "tenant-7"],
      ["outside", null, null],
    ]);
  });
});
