/**
 * EDGE (ADR 008): what a request costs through the real Caddy as the number of custom domains grows, for two route
 * layouts:
 *   grouped  — ONE route `sf-hosts-app` whose `host` matcher lists all N hosts;
 *   per-host — N routes `sf-domain-<i>`, one host each (EDGE-1 as first written);
 * plus the grouped layout with the edge server's `automatic_https.disable_certificates` set ("grouped, no
 * auto-certs"): Caddy 2.6.2 hands every name of every host matcher to CertMagic on each config load, which appends it
 * to an on-demand allow-list after a linear duplicate check (quadratic in the number of names), although our `ask`
 * is what decides on-demand issuance.
 *
 * Every (layout, N) gets its own Caddy (tests/caddy.ts, caddy/base.json) loaded in one `POST /load` (adding 5,000
 * routes one by one would take minutes), so all of them run at once and the requests are interleaved in rounds
 * (ABBA order): drift on this small machine hits every case alike. Requests go to Caddy's plain-HTTP listener with
 *   last — the host that is last in sorted and route order (the worst case for a linear scan), and
 *   mix  — hosts drawn uniformly at random from the N.
 * Then one config change (upsert of one more host through the admin client, as the control plane will do it) is
 * timed three times per case, each case with only its own routes loaded.
 *
 * Host routes proxy to a tiny upstream answering 200 "ok"; the bench's catch-all (`sf-catchall`, last) answers 421
 * itself, so every 200 proves the host route matched. The load generator is undici with keep-alive, timing
 * each request with performance.now(): autocannon's latency histogram records whole milliseconds, too coarse for
 * sub-millisecond proxying. Latency includes this process's client and upstream (the same for every case).
 *
 * `tsx bench/edge.ts [--sizes 10,1000,5000] [--requests 2000] [--concurrency 1]` prints a table; bench/run.ts runs it
 * as P3.
 */
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { Client, Pool } from "undici";
import { buildEdgeRoute, createCaddyAdmin, type CaddyAdmin, type CaddyRoute } from "#server/edge/index.ts";
import { startCaddy, type RunningCaddy } from "#tests/caddy.ts";
import { fmtInt } from "./resolution.ts";

export type EdgeLayout = "grouped" | "perHost" | "groupedNoAutoCerts";
export const EDGE_LAYOUTS: readonly EdgeLayout[] = ["grouped", "perHost", "groupedNoAutoCerts"];

export interface EdgeBenchOptions {
  /** Numbers of custom domains (default [10, 1000, 5000]). Ratios compare the largest with the smallest. */
  sizes?: number[];
  /** Measured requests per case and scenario (default 2,000), split over the rounds; plus a fifth of it as warm-up. */
  requests?: number;
  /** Requests in flight, one keep-alive connection each (default 1: latency without queueing). */
  concurrency?: number;
}

export interface EdgeLatency {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  reqPerSec: number;
  requests: number;
}

export interface EdgeRow {
  layout: EdgeLayout;
  n: number;
  /** Routes in the server, catch-all included. */
  routes: number;
  /** One `POST /load` of the whole config with these routes. */
  loadMs: number;
  last: EdgeLatency;
  mix: EdgeLatency;
  /** Median time of one `upsertRoute` adding one more host (read routes, decide, write; Caddy reloads everything). */
  changeMs: number;
  /** Whether `Host: <LAST HOST IN CAPITALS>` still reached the host route (false: it fell through to the catch-all). */
  mixedCaseRouted: boolean;
}

export interface EdgeRatio {
  /** latency(largest N) / latency(smallest N), `last` host. */
  p50: number;
  p99: number;
  /** The same for the random mix. */
  mixP50: number;
  /** req/s(smallest N) / req/s(largest N), mix: > 1 means it got slower. */
  throughput: number;
}

export interface EdgeBenchResult {
  caddyVersion: string;
  sizes: number[];
  requests: number;
  concurrency: number;
  rounds: number;
  rows: EdgeRow[];
  ratios: Record<EdgeLayout, EdgeRatio>;
  /** Config-change ms by layout, then by N. */
  changeMs: Record<EdgeLayout, Record<number, number>>;
  seconds: number;
}

const DEFAULTS = { sizes: [10, 1000, 5000], requests: 2000, concurrency: 1 };
const ROUNDS = 4;
const CHANGES_PER_CASE = 3;
const GROUP_ID = "sf-hosts-app";
const CATCH_ALL_STATUS = 421;

export const edgeHostOf = (i: number) => `shop-${i}.example.test`;
const perHostIdOf = (i: number) => `sf-domain-${i}`;
const LAYOUT_LABEL: Record<EdgeLayout, string> = { grouped: "grouped", perHost: "per-host", groupedNoAutoCerts: "grouped, no auto-certs" };

/** The upstream: 200 "ok" to everything. */
async function listen(): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": 2 });
    res.end("ok");
  });
  // Caddy keeps upstream connections alive (2 min idle); outlive Node's 5 s default so none dies under a request.
  server.keepAliveTimeout = 180_000;
  server.headersTimeout = 181_000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return server;
}

function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One (layout, N): its own Caddy with only these routes, and a keep-alive pool to its HTTP listener. */
interface Case {
  layout: EdgeLayout;
  n: number;
  hosts: string[];
  caddy: RunningCaddy;
  admin: CaddyAdmin;
  pool: Pool;
  /** Caddy's HTTP listener, for checks that need a connection of their own. */
  origin: string;
  routes: number;
  loadMs: number;
  mixedCaseRouted: boolean;
  last: { samples: number[]; seconds: number };
  mix: { samples: number[]; seconds: number };
  changes: number[];
}

/**
 * One GET on a new connection. After a config change Caddy keeps serving open keep-alive connections with the config
 * they started under (a graceful reload), so a pooled connection can still answer for the old routes ("not routed
 * after the upsert" in issue 18); a fresh connection sees the config the admin API just confirmed.
 */
async function statusFor(origin: string, host: string): Promise<number> {
  const client = new Client(origin);
  try {
    const res = await client.request({ path: "/", method: "GET", headers: { host } });
    await res.body.text();
    return res.statusCode;
  } finally {
    await client.close();
  }
}

/** Whether `host` answers `status` within `ms` (a fresh connection each try: Caddy's graceful switch, see above). */
async function answersWithin(origin: string, host: string, status: number, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  for (;;) {
    if ((await statusFor(origin, host)) === status) return true;
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const routedWithin = (origin: string, host: string, ms: number) => answersWithin(origin, host, 200, ms);

/** `count` GETs of `/`, `concurrency` at a time; every answer must be 200. Appends the latencies, returns seconds. */
async function drive(c: Case, pickHost: () => string, count: number, concurrency: number, into?: number[]): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const host = pickHost();
      const t0 = performance.now();
      const res = await c.pool.request({ path: "/", method: "GET", headers: { host } });
      const body = await res.body.text();
      into?.push(performance.now() - t0);
      if (res.statusCode !== 200) {
        throw new Error(`edge bench (${LAYOUT_LABEL[c.layout]}, N=${c.n}): ${host} → ${res.statusCode} ${body.slice(0, 80)}: not routed to the host route`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

function summarise({ samples, seconds }: { samples: number[]; seconds: number }): EdgeLatency {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { p50Ms: at(0.5), p99Ms: at(0.99), meanMs: mean, reqPerSec: sorted.length / seconds, requests: sorted.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const CATCH_ALL: CaddyRoute = { "@id": "sf-catchall", handle: [{ handler: "static_response", status_code: CATCH_ALL_STATUS, body: "unrouted" }], terminal: true };

/** The running config with `routes` replaced (ours, then the catch-all), and auto-certs off for that layout. */
function withRoutes(base: unknown, routes: CaddyRoute[], layout: EdgeLayout): unknown {
  const cfg = structuredClone(base) as { apps: { http: { servers: { edge: { automatic_https?: Record<string, unknown>; routes: CaddyRoute[] } } } } };
  const server = cfg.apps.http.servers.edge;
  if (layout === "groupedNoAutoCerts") server.automatic_https = { ...server.automatic_https, disable_certificates: true };
  server.routes = [...routes, CATCH_ALL];
  return cfg;
}

async function startCase(layout: EdgeLayout, n: number, appPort: number, concurrency: number, track: (c: Partial<Case>) => void): Promise<Case> {
  const caddy = await startCaddy({ upstreamPort: appPort });
  const appDial = `127.0.0.1:${appPort}`;
  const origin = `http://127.0.0.1:${caddy.httpPort}`;
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 120_000 });
  track({ caddy, pool });
  // Loads and reads of 5,000 per-host routes take seconds on this machine.
  const admin = createCaddyAdmin({ adminUrl: caddy.adminUrl, timeoutMs: 60_000 });
  const hosts = Array.from({ length: n }, (_, i) => edgeHostOf(i)).sort();
  const routes = layout === "perHost"
    ? hosts.map((h, i) => buildEdgeRoute(perHostIdOf(i), [h], appDial))
    : [buildEdgeRoute(GROUP_ID, hosts, appDial)];
  const config = withRoutes(await admin.getConfig(), routes, layout);
  const t0 = performance.now();
  await admin.load(config);
  const loadMs = performance.now() - t0;

  const last = hosts.at(-1)!;
  // After a config load the old server may still take a connection for a moment (2 s allowance, as for upserts).
  if (!(await answersWithin(origin, "unknown.example.test", CATCH_ALL_STATUS, 2000))) throw new Error("edge bench: the catch-all does not answer unknown hosts");
  if (!(await routedWithin(origin, last, 2000))) throw new Error(`edge bench: ${last} is not routed after the load`);
  const mixedCaseRouted = (await statusFor(origin, last.toUpperCase())) === 200;
  return {
    layout, n, hosts, caddy, admin, pool, origin, routes: routes.length + 1, loadMs, mixedCaseRouted,
    last: { samples: [], seconds: 0 }, mix: { samples: [], seconds: 0 }, changes: [],
  };
}

let active: (() => Promise<void>) | undefined;

/** Stops the Caddys and upstreams of a run in progress (for a signal handler); safe to call at any time. */
export async function stopEdgeBench(): Promise<void> {
  await active?.();
}

export async function benchEdge(opts: EdgeBenchOptions = {}): Promise<EdgeBenchResult> {
  const o: Required<EdgeBenchOptions> = { ...DEFAULTS, ...opts };
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  if (sizes.length < 2) throw new Error("edge bench: give at least two sizes");
  const started = performance.now();
  const bin = process.env.CADDY_BIN ?? "caddy";
  const caddyVersion = (await promisify(execFile)(bin, ["version"])).stdout.trim().split(/\s+/)[0] ?? "unknown";

  const app = await listen();
  const appPort = (app.address() as AddressInfo).port;
  const appDial = `127.0.0.1:${appPort}`;
  const slots: Array<Partial<Case>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await Promise.all(slots.map(async (c) => {
      await c.pool?.destroy().catch(() => {});
      await c.caddy?.stop();
    }));
    await closeServer(app);
  })());
  active = stop;
  try {
    const cases: Case[] = [];
    for (const n of sizes) {
      for (const layout of EDGE_LAYOUTS) {
        const slot: Partial<Case> = {};
        slots.push(slot);
        cases.push(await startCase(layout, n, appPort, o.concurrency, (c) => Object.assign(slot, c)));
      }
    }

    // Warm-up (connections, JIT of client and upstream, Caddy's upstream pools), not measured.
    const pickMix = (c: Case) => () => c.hosts[Math.floor(Math.random() * c.n)]!;
    for (const c of cases) await drive(c, pickMix(c), Math.max(100, Math.round(o.requests / 5)), o.concurrency);
    const perRound = Math.max(1, Math.round(o.requests / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
        const last = c.hosts.at(-1)!;
        c.last.seconds += await drive(c, () => last, perRound, o.concurrency, c.last.samples);
        c.mix.seconds += await drive(c, pickMix(c), perRound, o.concurrency, c.mix.samples);
      }
    }

    // Config changes: one more host per case and attempt, the cases interleaved.
    for (let k = 0; k < CHANGES_PER_CASE; k++) {
      for (const c of k % 2 === 0 ? cases : [...cases].reverse()) {
        const extra = edgeHostOf(c.n + k);
        const t0 = performance.now();
        const outcome = c.layout === "perHost"
          ? await c.admin.upsertRoute({ id: perHostIdOf(c.n + k), hosts: [extra], upstream: appDial })
          : await c.admin.upsertRoute({ id: GROUP_ID, hosts: [...c.hosts, ...Array.from({ length: k + 1 }, (_, j) => edgeHostOf(c.n + j))], upstream: appDial });
        c.changes.push(performance.now() - t0);
        if (outcome === "unchanged") throw new Error(`edge bench: adding ${extra} changed nothing`);
        // During Caddy's graceful switch the old server can still accept a new connection for a moment: allow 2 s.
        if (!(await routedWithin(c.origin, extra, 2000))) throw new Error(`edge bench: ${extra} is not routed 2 s after the upsert (${LAYOUT_LABEL[c.layout]}, N=${c.n})`);
      }
    }

    const rows: EdgeRow[] = cases.map((c) => ({
      layout: c.layout, n: c.n, routes: c.routes, loadMs: c.loadMs, last: summarise(c.last), mix: summarise(c.mix),
      changeMs: median(c.changes), mixedCaseRouted: c.mixedCaseRouted,
    }));
    const row = (layout: EdgeLayout, n: number) => rows.find((r) => r.layout === layout && r.n === n)!;
    const ratioOf = (layout: EdgeLayout): EdgeRatio => {
      const [a, b] = [row(layout, sizes[0]!), row(layout, sizes.at(-1)!)];
      return { p50: b.last.p50Ms / a.last.p50Ms, p99: b.last.p99Ms / a.last.p99Ms, mixP50: b.mix.p50Ms / a.mix.p50Ms, throughput: a.mix.reqPerSec / b.mix.reqPerSec };
    };
    const byLayout = <T>(f: (l: EdgeLayout) => T) => Object.fromEntries(EDGE_LAYOUTS.map((l) => [l, f(l)])) as Record<EdgeLayout, T>;
    return {
      caddyVersion, sizes, requests: o.requests, concurrency: o.concurrency, rounds: ROUNDS, rows,
      ratios: byLayout(ratioOf),
      changeMs: byLayout((l) => Object.fromEntries(sizes.map((n) => [n, row(l, n).changeMs]))),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stop();
    if (active === stop) active = undefined;
  }
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const label = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

/** The per-case table, for `tsx bench/edge.ts`. */
export function edgeTable(r: EdgeBenchResult): string[] {
  const head = ["layout", "N", "routes", "load ms", "last p50", "last p99", "mix p50", "mix p99", "mix req/s", "change ms", "CAPS host routed"];
  const body = r.rows.map((x) => [
    LAYOUT_LABEL[x.layout], fmtInt(x.n), fmtInt(x.routes), ms(x.loadMs), ms(x.last.p50Ms), ms(x.last.p99Ms), ms(x.mix.p50Ms), ms(x.mix.p99Ms),
    fmtInt(x.mix.reqPerSec), ms(x.changeMs), x.mixedCaseRouted ? "yes" : "no (catch-all)",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

/** One ratio line per layout: what bench/run.ts prints, and the standalone run after its table. */
export function edgeSummary(r: EdgeBenchResult): string[] {
  const [small, large] = [r.sizes[0]!, r.sizes.at(-1)!];
  return EDGE_LAYOUTS.map((layout) => {
    const q = r.ratios[layout];
    const rows = r.rows.filter((x) => x.layout === layout);
    return (
      `edge ${LAYOUT_LABEL[layout]}: latency ${label(large)}/${label(small)} p50 = ${q.p50.toFixed(2)}, p99 = ${q.p99.toFixed(2)}, mix p50 = ${q.mixP50.toFixed(2)}` +
      ` (last-host p50 ${rows.map((x) => `${label(x.n)} ${ms(x.last.p50Ms)} ms`).join(", ")});` +
      ` one more host: ${rows.map((x) => `${label(x.n)} ${ms(x.changeMs)} ms`).join(", ")} — target ≤ 1.2: ${q.p50 <= 1.2 ? "met" : "NOT met"}`
    );
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void stopEdgeBench().finally(() => process.exit(130)));
  const { values } = parseArgs({ options: { sizes: { type: "string" }, requests: { type: "string" }, concurrency: { type: "string" } } });
  const r = await benchEdge({
    ...(values.sizes ? { sizes: values.sizes.split(",").map(Number) } : {}),
    ...(values.requests ? { requests: Number(values.requests) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  });
  console.log(`Caddy ${r.caddyVersion}; ${fmtInt(r.requests)} requests per case and scenario in ${r.rounds} interleaved rounds, ${r.concurrency} in flight; ms`);
  for (const line of [...edgeTable(r), "", ...edgeSummary(r)]) console.log(line);
  console.log(`edge bench took ${r.seconds.toFixed(0)}s`);
}
