/**
 * The edge's routes as a pure function of the database (EDGE-1/2, ADR 008): a handful of routes whose host matchers
 * hold many names, so Caddy's cost per request stays flat as domains grow (it binary-searches large host lists), and
 * one config write replaces them all.
 *
 *   sf-platform      the platform host and *.<platform domain> → app pool
 *   sf-hosts-app     active/degraded custom domains of active shops → app pool
 *   sf-unavailable   custom domains of suspended shops → neutral 503 page, answered by Caddy itself
 *   sf-gone          custom domains of closed shops → neutral 410 page
 *   sf-catchall      everything else → neutral 404 (unknown or unverified hosts never reach the app)
 *
 * Every id starts with ROUTE_PREFIX: reconciliation replaces all of ours and removes any other route under the prefix,
 * and leaves routes without the prefix (added by an operator) in front of ours.
 */
import { STATUS_PAGE_HEADERS, statusPageHtml, type StatusPage } from "#server/http/index.ts";
import { buildEdgeRoute, type CaddyRoute } from "./caddy-client.ts";

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
export function desiredRoutes(s: EdgeState): CaddyRoute[] {
  const routes: CaddyRoute[] = [buildEdgeRoute(ROUTE_IDS.platform, [s.platformDomain, `*.${s.platformDomain}`], s.upstreams)];
  if (s.routed.length) routes.push(buildEdgeRoute(ROUTE_IDS.app, s.routed, s.upstreams));
  if (s.unavailable.length) routes.push(staticPage(ROUTE_IDS.unavailable, 503, s.unavailable));
  if (s.gone.length) routes.push(staticPage(ROUTE_IDS.gone, 410, s.gone));
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
