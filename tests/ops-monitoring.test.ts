/**
 * Monitoring as files (issue 17 point 5): ops/prometheus/alerts.yml passes `promtool check rules` and its unit tests
 * (`promtool test rules`: the paging alerts fire on their condition, not below it), the Grafana
 * dashboard has the structure Grafana imports, and every metric either file reads is one the app's /metrics
 * registry exports (built here exactly as the app builds it, server/http appMetrics).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pino from "pino";
import { Redis } from "ioredis";
import { Histogram } from "prom-client";
import { parseEnv } from "#server/env.ts";
import { createServices } from "#server/services.ts";
import { appMetrics } from "#server/http/index.ts";
import { TenantResolver } from "#server/tenancy/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { metricNames } from "./promql-names.ts";
import { grafanaDashboardSchema } from "./grafana-schema.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const RULES = path.join(ROOT, "ops/prometheus/alerts.yml");
const RULE_TESTS = path.join(ROOT, "ops/prometheus/alerts.test.yml");
const DASHBOARD = path.join(ROOT, "ops/grafana/storefront.json");
/** Prometheus's own series, not the app's. */
const PROMETHEUS_SERIES = new Set(["up"]);

const db = await createTestDatabase();
const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const env = parseEnv({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix() });
// The chain families are registered only with the chain rails on; registering reads nothing from the chain, so the
// names come from a runtime carrying just its identity (no scrape happens here).
const chain = { chainId: 31337, escrow: "0x0000000000000000000000000000000000000001", tokenSymbol: "USDC" } as unknown as ChainRuntime;
const services = createServices({ prisma: db.prisma, sql: db.run, redis, env, logger: pino({ level: "silent" }), chain });
afterAll(async () => {
  await services.close();
  redis.disconnect();
});

/** Every series name the app's /metrics can carry (a histogram's _bucket, _sum and _count). */
function exportedNames(): Set<string> {
  const resolver = new TenantResolver({ prisma: db.prisma, platformDomain: "localhost", ttlMs: 1000, negativeTtlMs: 1000 });
  const { registry } = appMetrics({ env, redis, services, resolver });
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    const name = (metric as unknown as { name: string }).name;
    if (metric instanceof Histogram) for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s);
    else names.add(name);
  }
  return names;
}

/** Runs promtool; fails (never skips) when it is missing, saying how to install it. */
function promtool(...args: string[]) {
  const run = spawnSync("promtool", args, { encoding: "utf8" });
  if (run.error) {
    throw new Error(`promtool is not installed (${run.error.message}): install Debian's prometheus package, e.g. apt-get install -y prometheus (.ci/run does it)`);
  }
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

function alertRules(): Array<{ alert: string; expr: string }> {
  const text = readFileSync(RULES, "utf8");
  // The file's own layout: `- alert: Name` followed by `expr:` as a one-liner or a `|` block.
  const rules: Array<{ alert: string; expr: string }> = [];
  for (const m of text.matchAll(/- alert: (\w+)\n(?:\s+#.*\n)*\s+expr: (\|\n((?:\s{10,}.*\n)+)|.*)/g)) {
    rules.push({ alert: m[1]!, expr: (m[3] ?? m[2]!).trim() });
  }
  return rules;
}

describe("ops/prometheus/alerts.yml", () => {
  it("passes promtool check rules", () => {
    const run = promtool("check", "rules", RULES);
    expect(run.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("fires on its conditions and stays quiet below them (promtool test rules, alerts.test.yml)", () => {
    const run = promtool("test", "rules", RULE_TESTS);
    expect(run.stdout).toMatch(/SUCCESS/);
  });

  it("covers the operators' conditions, each over a metric the app exports", () => {
    const rules = alertRules();
    expect(promtool("check", "rules", RULES).stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    const exported = exportedNames();
    for (const { alert, expr } of rules) {
      const names = metricNames(expr);
      expect(names.length, alert).toBeGreaterThan(0);
      for (const n of names) expect(exported.has(n) || PROMETHEUS_SERIES.has(n), `${alert}: ${n}`).toBe(true);
    }
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r.expr]));
    expect(byName.StorefrontErrorRateHigh).toMatch(/status="5xx"\}\[1h\][\s\S]*> 0\.05$/);
    expect(byName.LedgerInvariantViolation).toContain("ledger_invariant_violation_total");
    expect(byName.ChainIndexerHalted).toContain("chain_indexer_halted");
    expect(byName.DeadLetterGrowing).toContain('queue_jobs{state="failed"}');
    expect(byName.QueueBacklog).toContain("queue_jobs");
    expect(byName.DomainsTlsFailing).toContain("tenant_domains");
    expect(byName.MailFailures).toContain("mail_failed_total");
    expect(byName.BackupFailing).toContain("backup_consecutive_failures");
  });

  it("the name check itself catches a misspelt metric", () => {
    const exported = exportedNames();
    expect(metricNames('sum(rate(http_request_duration_seconds_count{status="5xx"}[1h])) / clamp_min(sum by (class, le) (x_total), 1e-9) > 0.05'))
      .toEqual(["http_request_duration_seconds_count", "x_total"]);
    expect(exported.has("x_total")).toBe(false);
    expect(exported.has("ledger_invariant_violation_total")).toBe(true);
  });
});

describe("ops/grafana/storefront.json", () => {
  const dashboard = grafanaDashboardSchema.parse(JSON.parse(readFileSync(DASHBOARD, "utf8")));
  const data = dashboard.panels.flatMap((p) => (p.type === "row" ? [] : [p]));
  const exprs = data.flatMap((p) => p.targets.map((t) => t.expr));

  it("has the structure Grafana imports: unique panel ids, non-overlapping panels", () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    expect(grafanaDashboardSchema.safeParse({ ...dashboard, panels: [{ id: 1, type: "timeseries", title: "x", gridPos: { x: 20, y: 0, w: 8, h: 4 } }] }).success).toBe(false);
  });

  it("reads only metrics the app exports, and shows requests, latency, cache, queues, domains/TLS and ledger violations", () => {
    const exported = exportedNames();
    for (const expr of exprs) for (const n of metricNames(expr)) expect(exported.has(n), `${n} in ${expr}`).toBe(true);
    const all = exprs.join("\n");
    for (const needed of [
      "http_request_duration_seconds_count", "http_request_duration_seconds_bucket", "tenant_resolution_cache_total", "queue_jobs",
      "tenant_domains", "tenant_domain_tls_expiring_soon", "ledger_invariant_violation_total",
    ]) expect(all).toContain(needed);
    expect(all).toMatch(/sum by \(class\) \(rate\(http_request_duration_seconds_count/);
    expect(all).toMatch(/histogram_quantile\(0\.95, sum by \(class, le\)/);
  });
});
