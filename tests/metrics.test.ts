/**
 * OPS-3 /metrics: token-protected, and carrying request latency by route class, the tenant-resolution cache's hits
 * and misses, job queue depths, domain/TLS states and the ledger invariant counter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";

const TOKEN = "metrics-token-for-tests-0123456789";
const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  const t = await createTenant(db.prisma, { slug: "gauge" });
  const soon = new Date(Date.now() + 5 * 86_400_000);
  await db.prisma.tenantDomain.create({
    data: { tenantId: t.id, hostname: "metrics.example.test", verificationToken: "x".repeat(22), status: "active", verifiedAt: new Date(), tlsStatus: "issued", tlsNotAfter: soon },
  });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", METRICS_TOKEN: TOKEN });
});
afterAll(async () => app?.stop());

const scrape = (token?: string) => get(app, "localhost", "/metrics", token === undefined ? {} : { authorization: `Bearer ${token}` });
const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
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
  });
});
