/**
 * The edge's routes as a pure function of the database (EDGE-1/2, ADR 008): a handful of routes whose host matchers
 * hold many names, so Caddy's cost per request stays flat as domains grow (it binary-searches large host lists), and
 * one config write replaces them all.
 *
 *   sf-hosts-<pool>  slug hosts and custom domains of active shops in a dedicated pool (EDGE_POOLS, ADR 048) → that
 *                    pool; in front of sf-platform, so a shop's <slug>.<platform> wins over the wildcard
 *   sf-platform      the platform host and *.<platform domain> → app pool
 *   sf-hosts-app     active/degraded custom domains of active shops → app pool
 *   sf-unavailable   custom domains of suspended shops → neutral 503 page, answered by Caddy itself
 *   sf-gone          custom domains of closed shops → neutral 410 page
 *   sf-catchall      everything else → neutral 404 (unknown or unverified hosts never reach the app)
 *
 * Every id starts with ROUTE_PREFIX: reconciliation replaces all of ours and removes any other route under the prefix,
 * and leaves routes without the prefix (added by an operator) in front of ours.
 *
 * Also the shape of one route: building ours (checked host names and upstreams), reading Caddy's back, and the
 * canonical JSON both sides are compared in. The admin client (caddy-client.ts) writes what is built here.
 */
import { STATUS_PAGE_HEADERS, statusPageHtml, type StatusPage } from "#server/http/index.ts";

/** One entry of `apps/http/servers/<name>/routes`; only the fields we read are typed. */
export interface CaddyRoute {
  "@id"?: string;
  group?: string;
  match?: Array<Record<string, unknown>>;
  handle?: Array<Record<string, unknown>>;
  terminal?: boolean;
  [key: string]: unknown;
}
/** A route of ours as found in Caddy's live config. */
export interface EdgeRoute {
  id: string;
  /** Every name in the route's `host` matchers. */
  hosts: string[];
  /** `dial` addresses of its reverse_proxy handlers. */
  upstreams: string[];
  route: CaddyRoute;
}

export const ROUTE_PREFIX = "sf-";
export const CATCH_ALL_ID = "sf-catchall";
export const ROUTE_IDS = { platform: "sf-platform", app: "sf-hosts-app", unavailable: "sf-unavailable", gone: "sf-gone", catchAll: CATCH_ALL_ID } as const;

export interface EdgeState {
  platformDomain: string;
  upstreams: string[];
  /** Hosts proxied to the app pool. */
  routed: string[];
  /** Hosts of suspended shops. */
  unavailable: string[];
  /** Hosts of closed shops. */
  gone: string[];
  /** Dedicated pools (every pool but the shared one) with the hosts they serve; pools without hosts get no route. */
  pools?: EdgePool[];
}
export interface EdgePool {
  name: string;
  upstreams: string[];
  hosts: string[];
}

/** The shared pool keeps ADR 008's `sf-hosts-app` id (so "app" is not a pool name); others are `sf-hosts-<pool>`. */
export const SHARED_POOL = "shared";
export function poolRouteId(pool: string): string {
  return pool === SHARED_POOL ? ROUTE_IDS.app : `${ROUTE_PREFIX}hosts-${pool}`;
}

/** The app's neutral status page (server/http/status-pages.ts), answered by Caddy without reaching the app. */
function staticPage(id: string, status: StatusPage, hosts: string[] | null): CaddyRoute {
  return {
    "@id": id,
    ...(hosts ? { match: [{ host: [...new Set(hosts)].sort() }] } : {}),
    handle: [{
      handler: "static_response",
      status_code: status,
      headers: Object.fromEntries(Object.entries(STATUS_PAGE_HEADERS).map(([k, v]) => [k, [v]])),
      body: statusPageHtml(status),
    }],
    terminal: true,
  };
}

/** Our routes, in order. A group without hosts is left out (Caddy would treat an empty host list as "any host"). */
export function desiredRoutes(state: EdgeState): CaddyRoute[] {
  const dedicated = (state.pools ?? []).filter((p) => p.name !== SHARED_POOL && p.hosts.length);
  const routes: CaddyRoute[] = [...dedicated.sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => buildEdgeRoute(poolRouteId(p.name), p.hosts, p.upstreams))];
  routes.push(buildEdgeRoute(ROUTE_IDS.platform, [state.platformDomain, `*.${state.platformDomain}`], state.upstreams));
  if (state.routed.length) routes.push(buildEdgeRoute(ROUTE_IDS.app, state.routed, state.upstreams));
  if (state.unavailable.length) routes.push(staticPage(ROUTE_IDS.unavailable, 503, state.unavailable));
  if (state.gone.length) routes.push(staticPage(ROUTE_IDS.gone, 410, state.gone));
  routes.push(staticPage(ROUTE_IDS.catchAll, 404, null));
  return routes;
}

/** Hosts per route id, for drift reports. */
export function hostsById(routes: CaddyRoute[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of routes) {
    const id = typeof r["@id"] === "string" ? r["@id"] : "";
    const hosts = new Set<string>();
    for (const m of Array.isArray(r.match) ? r.match : []) {
      const h = (m as { host?: unknown }).host;
      if (Array.isArray(h)) for (const x of h) if (typeof x === "string") hosts.add(x);
    }
    out.set(id, hosts);
  }
  return out;
}

const LABEL = "[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?";
const HOST = new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`);
const UPSTREAM = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))?:(\d{1,5})$/;

function normaliseHosts(hosts: readonly string[]): string[] {
  if (hosts.length === 0) throw new TypeError("Caddy admin: a route needs at least one host");
  const out = new Set<string>();
  for (const raw of hosts) {
    const h = raw.trim().toLowerCase().replace(/\.$/, "");
    if (h.length > 253 || !HOST.test(h)) throw new TypeError(`Caddy admin: not a host name: ${JSON.stringify(raw)}`);
    out.add(h);
  }
  return [...out].sort();
}
function normaliseUpstreams(upstream: string | readonly string[]): string[] {
  const list = typeof upstream === "string" ? [upstream] : [...upstream];
  if (list.length === 0) throw new TypeError("Caddy admin: a route needs at least one upstream");
  for (const u of list) {
    const m = UPSTREAM.exec(u);
    const port = m ? Number(m[1]) : 0;
    if (!m || port < 1 || port > 65535) throw new TypeError(`Caddy admin: upstream must be host:port (got ${JSON.stringify(u)})`);
  }
  return list;
}

/**
 * The route we write: host matcher → reverse proxy. Caddy passes the client's Host (with its port, when the edge
 * listens on a non-default one) and sets X-Forwarded-Proto/Host; the app normalises the host and keeps the port for
 * redirects to the primary host.
 */
export function buildEdgeRoute(id: string, hosts: readonly string[], upstream: string | readonly string[]): CaddyRoute {
  return {
    "@id": id,
    match: [{ host: normaliseHosts(hosts) }],
    handle: [{
      handler: "reverse_proxy",
      upstreams: normaliseUpstreams(upstream).map((dial) => ({ dial })),
    }],
    terminal: true,
  };
}

/** A route as found in Caddy's config, with its hosts and upstreams picked out. */
export function toEdgeRoute(route: CaddyRoute): EdgeRoute {
  const hosts: string[] = [];
  for (const m of Array.isArray(route.match) ? route.match : []) {
    const h = (m as { host?: unknown }).host;
    if (Array.isArray(h)) hosts.push(...h.filter((x): x is string => typeof x === "string"));
  }
  const upstreams: string[] = [];
  for (const handler of Array.isArray(route.handle) ? route.handle : []) {
    const ups = (handler as { handler?: unknown; upstreams?: unknown }).upstreams;
    if ((handler as { handler?: unknown }).handler !== "reverse_proxy" || !Array.isArray(ups)) continue;
    for (const u of ups) if (typeof (u as { dial?: unknown })?.dial === "string") upstreams.push((u as { dial: string }).dial);
  }
  return { id: route["@id"] as string, hosts, upstreams, route };
}

/** JSON with object keys sorted, to compare our route with Caddy's copy (Caddy re-serialises with sorted keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}
