/**
 * OPS-3 /metrics: token-protected, and carrying request latency by route class, the tenant-resolution cache's hits
 * and misses, job queue depths, domain/TLS states and the ledger invariant counter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import promClient from "prom-client";
import { Redis } from "ioredis";
import { createRegistry, HttpMetrics, incCounter, registerFamilies, setGauge } from "#server/observability/index.ts";

const TOKEN = "metrics-token-for-tests-0123456789";
const db = await createTestDatabase();
let app: RunningApp;
const prefix = redisPrefix();
const redis = new Redis(REDIS_URL);

beforeAll(async () => {
  const t = await createTenant(db.prisma, { slug: "gauge" });
  const soon = new Date(Date.now() + 5 * 86_400_000);
  await db.prisma.tenantDomain.create({
    data: { tenantId: t.id, hostname: "metrics.example.test", verificationToken: "x".repeat(22), status: "active", verifiedAt: new Date(), tlsStatus: "issued", tlsNotAfter: soon },
  });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await app?.stop();
  redis.disconnect();
});

const scrape = (token?: string) => get(app, "localhost", "/metrics", token === undefined ? {} : { authorization: `Bearer ${token}` });
/** A series' value, found whatever order the exposition writes its labels in (`series` lists them sorted). */
const sorted = (series: string) => series.replace(/\{(.*)\}/, (_, labels: string) => `{${labels.split(",").sort().join(",")}}`);
const value = (text: string, series: string) => {
  const line = text.split("\n").map(sorted).find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("/metrics (OPS-3)", () => {
  it("answers only a request bearing METRICS_TOKEN, even on loopback", async () => {
    expect((await scrape()).status).toBe(404);
    expect((await scrape("wrong-token-wrong-token-wrong")).status).toBe(404);
    expect((await scrape(TOKEN)).status).toBe(200);
  });

  it("carries latency by route class, resolution cache hits and misses, queue depths and domain states", async () => {
    for (let i = 0; i < 3; i++) expect((await get(app, "gauge.localhost", "/")).status).toBe(200);
    expect((await get(app, "nobody.localhost", "/")).status).toBe(404);
    expect((await get(app, "localhost", "/api/openapi.json")).status).toBe(200);

    const m = await scrape(TOKEN);
    expect(m.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = m.body;
    expect(value(text, 'http_request_duration_seconds_count{class="storefront",status="2xx"}')).toBeGreaterThanOrEqual(3);
    expect(value(text, 'http_request_duration_seconds_count{class="storefront",status="4xx"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'http_request_duration_seconds_count{class="api",status="2xx"}')).toBeGreaterThanOrEqual(1);
    // Buckets are cumulative and end at the count.
    expect(value(text, 'http_request_duration_seconds_bucket{class="storefront",le="+Inf",status="2xx"}'))
      .toBe(value(text, 'http_request_duration_seconds_count{class="storefront",status="2xx"}'));
    expect(value(text, 'tenant_resolution_cache_total{result="hit"}')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'tenant_resolution_cache_total{result="miss"}')).toBeGreaterThanOrEqual(2);
    expect(value(text, "tenant_resolution_cache_evictions_total")).toBe(0);
    expect(value(text, "tenant_resolution_cache_entries")).toBeGreaterThanOrEqual(2);
    for (const queue of ["platform", "money"]) {
      for (const state of ["waiting", "active", "delayed", "failed"]) expect(value(text, `queue_jobs{queue="${queue}",state="${state}"}`)).toBeTypeOf("number");
    }
    expect(value(text, 'tenant_domains{status="active",tls_status="issued"}')).toBe(1);
    expect(value(text, "tenant_domain_tls_expiring_soon")).toBe(1);
    expect(value(text, "ledger_invariant_violation_total")).toBe(0);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE ledger_invariant_violation_total counter$/m);
    // Node's default process metrics, from this app's own registry.
    expect(value(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(value(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
  });

  it("shows the values shared in Redis as they are at scrape time: an unset gauge has no value, a counter starts at 0", async () => {
    const before = (await scrape(TOKEN)).body;
    expect(value(before, "edge_reconcile_ok")).toBeUndefined();
    expect(before).toMatch(/^# TYPE edge_reconcile_ok gauge$/m);
    expect(value(before, "edge_reconcile_failures_total")).toBe(0);
    // As a worker's edge reconcile would (any instance, any process): every web instance reads the same hash.
    await setGauge(redis, prefix, "edge_reconcile_ok", 1);
    await incCounter(redis, prefix, "edge_reconcile_failures_total", 2);
    const after = (await scrape(TOKEN)).body;
    expect(value(after, "edge_reconcile_ok")).toBe(1);
    expect(value(after, "edge_reconcile_failures_total")).toBe(2);
    await setGauge(redis, prefix, "edge_reconcile_ok", 0);
    expect(value((await scrape(TOKEN)).body, "edge_reconcile_ok")).toBe(0);
  });
});

describe("registries (ADR 022)", () => {
  it("each app's registry is its own: two in one process register the same names without colliding", async () => {
    const a = createRegistry({ processMetrics: true });
    const b = createRegistry({ processMetrics: true });
    const [ha, hb] = [new HttpMetrics(a), new HttpMetrics(b)];
    ha.observe("storefront", 200, 0.01);
    hb.observe("api", 500, 0.2);
    const [ta, tb] = [await a.metrics(), await b.metrics()];
    expect(value(ta, 'http_request_duration_seconds_count{class="storefront",status="2xx"}')).toBe(1);
    expect(value(ta, 'http_request_duration_seconds_count{class="api",status="5xx"}')).toBeUndefined();
    expect(value(tb, 'http_request_duration_seconds_count{class="api",status="5xx"}')).toBe(1);
    expect(await promClient.register.metrics()).not.toMatch(/http_request_duration_seconds/);
  });

  it("one scrape loads a group's shared values once, however many families read them", async () => {
    const registry = createRegistry({ processMetrics: false });
    let loads = 0;
    registerFamilies(registry, async () => ({ n: ++loads }), [
      { name: "test_a", help: "a", type: "gauge", samples: (s) => [{ value: s.n }] },
      { name: "test_b_total", help: "b", type: "counter", samples: (s) => [{ value: s.n * 10 }] },
      { name: "test_c", help: "c", type: "gauge", labelNames: ["k"], samples: () => [{ labels: { k: "x" }, value: 3 }] },
    ]);
    const text = await registry.metrics();
    expect(loads).toBe(1);
    expect([value(text, "test_a"), value(text, "test_b_total"), value(text, 'test_c{k="x"}')]).toEqual([1, 10, 3]);
    expect(value(await registry.metrics(), "test_a")).toBe(2);
  });
});
