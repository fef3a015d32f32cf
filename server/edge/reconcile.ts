/**
 * EDGE-2: the database is the source of truth for the edge. A reconcile reads the routable hosts from the database,
 * builds our routes (routes.ts) and writes them to Caddy in one compare-and-swap of the routes array, keeping routes
 * an operator added under another "@id" in front (file routes without an "@id" are replaced). What it found different is the drift: reported in the result, stored for the operator
 * console, and exported as the `edge_route_drift` metric. Reconciles are serialised across processes by a Redis
 * lock, so an older view of the database can never overwrite a newer one.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { type Logger, incCounter, setGauge } from "#server/observability/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { CaddyAdmin } from "./caddy-client.ts";
import { CaddyError } from "./caddy-errors.ts";
import { syncOwnCertificates, type OwnCertificate } from "./own-certificates.ts";
import { canonicalJson, desiredRoutes, hostsById, ROUTE_PREFIX, SHARED_POOL, type CaddyRoute, type EdgeState } from "./routes.ts";

export interface EdgeDrift {
  /** Our route ids the database wants that Caddy lacked. */
  missing: string[];
  /** Route ids under our prefix that the database does not know. */
  stray: string[];
  /** Our routes that existed with other content. */
  changed: string[];
  hostsMissing: string[];
  hostsStray: string[];
  total: number;
}
export interface ReconcileReport {
  at: string;
  reason: string;
  ok: boolean;
  error: string | null;
  /** Whether Caddy was written to. */
  changed: boolean;
  /** Caddy had no edge server and the base config was loaded first. */
  restoredBase: boolean;
  drift: EdgeDrift | null;
  hosts: { routed: number; unavailable: number; gone: number };
  durationMs: number;
}

export interface EdgeReconcilerDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  admin: CaddyAdmin;
  serverName: string;
  platformDomain: string;
  upstreams: string[];
  /** Dedicated upstream pools by name (EDGE_POOLS without "shared", ADR 048); absent: every shop uses `upstreams`. */
  pools?: Record<string, string[]>;
  /** Merchants' own certificates to load (ADR 042), keys opened; absent: the edge has none. */
  ownCertificates?: () => Promise<OwnCertificate[]>;
  /** The full Caddy config to load when the edge server is missing (Caddy restarted empty). */
  baseConfig?: () => Promise<unknown>;
  logger: Logger;
}

const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 20_000;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export function diffRoutes(current: CaddyRoute[], desired: CaddyRoute[]): EdgeDrift {
  const ours = current.filter((r) => typeof r["@id"] === "string" && r["@id"].startsWith(ROUTE_PREFIX));
  const have = hostsById(ours);
  const want = hostsById(desired);
  const byId = new Map(ours.map((r) => [r["@id"] as string, canonicalJson(r)]));
  const drift: EdgeDrift = { missing: [], stray: [], changed: [], hostsMissing: [], hostsStray: [], total: 0 };
  for (const r of desired) {
    const id = r["@id"] as string;
    const existing = byId.get(id);
    if (existing === undefined) drift.missing.push(id);
    else if (existing !== canonicalJson(r)) drift.changed.push(id);
  }
  for (const id of have.keys()) if (!want.has(id)) drift.stray.push(id);
  const allHave = new Set([...have.values()].flatMap((s) => [...s]));
  const allWant = new Set([...want.values()].flatMap((s) => [...s]));
  drift.hostsMissing = [...allWant].filter((h) => !allHave.has(h)).sort();
  drift.hostsStray = [...allHave].filter((h) => !allWant.has(h)).sort();
  drift.total = drift.missing.length + drift.stray.length + drift.changed.length;
  return drift;
}

export class EdgeReconciler {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private deps: EdgeReconcilerDeps) {}

  private get reportKey() {
    return `${this.deps.prefix}edge:reconcile:last`;
  }

  /** Hosts per route group, from the database. Degraded domains stay routed until their grace period ends. */
  async loadState(): Promise<EdgeState> {
    const rows = await this.deps.prisma.tenantDomain.findMany({
      where: { status: { in: ["active", "degraded"] }, tenant: { status: { in: ["active", "suspended", "closed"] } } },
      select: { hostname: true, tenant: { select: { status: true, edgePool: true } } },
    });
    const pools = new Map(Object.entries(this.deps.pools ?? {}).filter(([name]) => name !== SHARED_POOL)
      .map(([name, upstreams]) => [name, { name, upstreams, hosts: [] as string[] }]));
    // Only active shops leave the shared pool: suspended/closed hosts get Caddy's own pages, and a slug host of such a
    // shop is answered by the app. A pool name no longer configured falls back to the shared pool (still served).
    const dedicated = await this.deps.prisma.tenant.findMany({
      where: { status: "active", edgePool: { in: [...pools.keys()] } }, select: { slug: true, edgePool: true },
    });
    for (const t of dedicated) pools.get(t.edgePool)?.hosts.push(`${t.slug}.${this.deps.platformDomain}`);
    const routed: string[] = [];
    for (const r of rows.filter((x) => x.tenant.status === "active")) {
      const pool = pools.get(r.tenant.edgePool);
      (pool ? pool.hosts : routed).push(r.hostname);
    }
    const pick = (s: string) => rows.filter((r) => r.tenant.status === s).map((r) => r.hostname);
    return {
      platformDomain: this.deps.platformDomain, upstreams: this.deps.upstreams, routed, unavailable: pick("suspended"), gone: pick("closed"),
      pools: [...pools.values()],
    };
  }

  /**
   * Reconcile now (after any earlier call of this process finished, and under the cross-process lock).
   * `expected`: the caller just changed the database (a verified domain, a suspension), so differences are the change
   * itself, not drift; only unprompted reconciles (start-up, periodic, on demand) set the drift metric.
   */
  reconcile(reason: string, { expected = false }: { expected?: boolean } = {}): Promise<ReconcileReport> {
    const run = this.queue.then(() => this.locked(reason, expected));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async lastReport(): Promise<ReconcileReport | null> {
    const raw = await this.deps.redis.get(this.reportKey);
    return raw ? (JSON.parse(raw) as ReconcileReport) : null;
  }

  private async locked(reason: string, expected: boolean): Promise<ReconcileReport> {
    const key = `${this.deps.prefix}edge:reconcile:lock`;
    const token = randomUUID();
    const until = Date.now() + LOCK_WAIT_MS;
    while ((await this.deps.redis.set(key, token, "PX", LOCK_TTL_MS, "NX")) !== "OK") {
      if (Date.now() > until) throw new Error("edge reconcile: another reconcile held the lock for too long");
      await sleep(25);
    }
    try {
      return await this.run(reason, expected);
    } finally {
      await this.deps.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  private async run(reason: string, expected: boolean): Promise<ReconcileReport> {
    const started = Date.now();
    const state = await this.loadState();
    const report: ReconcileReport = {
      at: new Date().toISOString(), reason, ok: false, error: null, changed: false, restoredBase: false, drift: null,
      hosts: { routed: state.routed.length + (state.pools ?? []).reduce((n, p) => n + p.hosts.length, 0), unavailable: state.unavailable.length, gone: state.gone.length }, durationMs: 0,
    };
    try {
      const { admin, serverName } = this.deps;
      if (!(await admin.hasServer(serverName))) {
        if (!this.deps.baseConfig) throw new Error(`Caddy has no server "${serverName}" and EDGE_BASE_CONFIG is not set to restore it`);
        await admin.load(await this.deps.baseConfig());
        report.restoredBase = true;
      }
      const desired = desiredRoutes(state);
      const result = await admin.updateRoutes(serverName, (current) => {
        report.drift = diffRoutes(current ?? [], desired);
        // Routes an operator added with an "@id" of their own stay in front. Routes without an "@id" come from the
        // config file (the Caddyfile's platform and catch-all sites) and are what ours replace.
        const foreign = (current ?? []).filter((r) => typeof r["@id"] === "string" && !r["@id"].startsWith(ROUTE_PREFIX));
        return [...foreign, ...desired];
      });
      report.changed = result.changed;
      if (this.deps.ownCertificates) {
        report.changed = (await syncOwnCertificates(admin, serverName, await this.deps.ownCertificates())) || report.changed;
      }
      report.ok = true;
    } catch (err) {
      report.error = err instanceof CaddyError ? err.message : `edge reconcile failed: ${(err as Error).message}`;
      this.deps.logger.warn({ err: report.error, reason }, "edge reconcile failed");
    }
    report.durationMs = Date.now() - started;
    await this.record(report, expected).catch((err: Error) => this.deps.logger.warn({ err: err.message }, "edge reconcile report not stored"));
    return report;
  }

  private async record(result: ReconcileReport, expected: boolean) {
    const { redis, prefix } = this.deps;
    await redis.set(this.reportKey, JSON.stringify(result));
    if (result.drift) {
      // After a known database change, missing/changed routes are that change; a stray route under our prefix is
      // drift whichever reconcile finds it (nobody but an outside hand writes one).
      const found = expected ? result.drift.stray.length : result.drift.total;
      if (!expected) await setGauge(redis, prefix, "edge_route_drift", result.drift.total);
      if (found) await incCounter(redis, prefix, "edge_route_drift_total", found);
    }
    await setGauge(redis, prefix, "edge_reconcile_ok", result.ok ? 1 : 0);
    await setGauge(redis, prefix, "edge_routed_hosts", result.hosts.routed);
    if (!result.ok) await incCounter(redis, prefix, "edge_reconcile_failures_total");
  }

  /** Reconcile shortly after every tenancy change (debounced), e.g. a verified domain or a suspended shop. */
  follow(subscriber: RedisClient, channel: string, debounceMs = 50) {
    let timer: NodeJS.Timeout | undefined;
    subscriber.on("message", (ch) => {
      if (ch !== channel) return;
      clearTimeout(timer);
      timer = setTimeout(() => void this.reconcile("tenancy change", { expected: true }).catch(() => undefined), debounceMs);
    });
  }
}

/** An operator's "reconcile now" (console or API): run it and keep who asked, and what it found, in the audit log. */
export async function reconcileAsOperator(edge: EdgeReconciler, prisma: PrismaClient, audit: AuditActor): Promise<ReconcileReport> {
  const report = await edge.reconcile("operator request");
  await writeAudit(prisma, audit, {
    action: "edge.reconcile", target: "edge",
    details: { ok: report.ok, error: report.error, changed: report.changed, drift: report.drift?.total ?? null },
  });
  return report;
}
