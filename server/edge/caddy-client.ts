/**
 * Thin client for Caddy's admin API (caddyserver.com/docs/api) through undici, with a deadline on every call and typed
 * errors. It manages the per-domain routes of the edge server (EDGE-1): host matcher → reverse proxy, each carrying an
 * "@id", inserted before our catch-all route.
 *
 * Caddy accepts a duplicate "@id" without complaint (and `/id/<id>` then reaches only one of them), so route writes are
 * read-modify-write guarded by Caddy's ETag (`If-Match`, Caddy ≥ 2.6): the routes array is read, the change is decided
 * on that snapshot, and Caddy refuses the write (412) if anyone changed the array in between; then we read again.
 * Two concurrent upserts of one new id therefore can never both insert it.
 *
 * The routes it writes are built in routes.ts; its errors are in caddy-errors.ts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { errors as undiciErrors, request, type Dispatcher } from "undici";
import { z } from "zod";
import { isTransportError, readCapped } from "#server/http/index.ts";
import type { CircuitBreaker } from "#server/http/index.ts";
import { CaddyConfigError, CaddyError, CaddyRejectedError, CaddyUnavailableError } from "./caddy-errors.ts";
import { buildEdgeRoute, canonicalJson, toEdgeRoute, type CaddyRoute, type EdgeRoute } from "./routes.ts";

export interface UpsertRouteParams {
  /** "@id" of the route, e.g. `sf-…`; letters, digits and `._:-`. */
  id: string;
  /** Host names the route matches (lower-cased, deduplicated and sorted before writing); `*.example.com` allowed. */
  hosts: readonly string[];
  /** `host:port` to proxy to, e.g. "127.0.0.1:3000", or several for a pool. */
  upstream: string | readonly string[];
  /** Key under `apps.http.servers` (default "edge"). */
  serverName?: string;
}
export type UpsertResult = "created" | "updated" | "unchanged";

export interface CaddyAdminOptions {
  /** e.g. http://127.0.0.1:2019 — keep the admin API on loopback: it has no authentication. */
  adminUrl: string;
  /** Bounds each public call as a whole (all its requests, connect, headers and body). Default 5 s. */
  timeoutMs?: number;
  /** Routes whose "@id" starts with this are ours (listRoutes). Default "sf-". */
  routePrefix?: string;
  /** "@id" of the catch-all route: new routes go before it, and this client never edits or deletes it. */
  catchAllId?: string;
  dispatcher?: Dispatcher;
  /** Stops calling an admin API that keeps failing to answer (see server/http/circuit-breaker.ts). */
  breaker?: CircuitBreaker;
}
export interface CaddyAdmin {
  /** GET /config/<path>, e.g. "apps/http/servers/edge/routes"; the whole config without a path. */
  getConfig<T = unknown>(path?: string): Promise<T>;
  /**
   * POST /load: replaces the whole running config (Caddy keeps the old one if the new one fails to load). A config
   * without an `admin` block gets the running one, so a load never moves the admin API by omission.
   */
  load(config: unknown): Promise<void>;
  /** GET /id/<id>, or null when no object carries that "@id". */
  getById<T = unknown>(id: string): Promise<T | null>;
  /** Creates the route before the catch-all, or replaces it in place; never leaves two routes with one "@id". */
  upsertRoute(params: UpsertRouteParams): Promise<UpsertResult>;
  /** Removes every object with that "@id"; false when there was none (not an error). */
  deleteRoute(id: string): Promise<boolean>;
  /** Routes of the server (default "edge") whose "@id" starts with the prefix, in order, without the catch-all. */
  listRoutes(serverName?: string, options?: { prefix?: string }): Promise<EdgeRoute[]>;
  /**
   * Compare-and-swap of a server's whole routes array: `next` gets the current array (null when the server has no
   * routes key) and returns the wanted one, or null to leave it. The write is guarded by the ETag of the read, so a
   * concurrent change makes us read and decide again. Throws CaddyConfigError when the server does not exist.
   */
  updateRoutes(serverName: string, next: (current: CaddyRoute[] | null) => CaddyRoute[] | null): Promise<{ changed: boolean; before: CaddyRoute[] }>;
  /** Whether apps.http.servers.<name> exists in the running config. */
  hasServer(serverName: string): Promise<boolean>;
  /**
   * Compare-and-swap of any config value (e.g. "apps/tls/certificates"), like updateRoutes: `next` gets the current
   * value (null when the key is missing) and returns the wanted one, or null to leave it; guarded by the read's ETag.
   */
  updateConfig<T>(path: string, next: (current: T | null) => T | null): Promise<{ changed: boolean }>;
}

const ROUTE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const SERVER_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024; // the whole config with thousands of routes stays far below
const MAX_CONFLICT_RETRIES = 8;
const CONNECTION_RETRIES = 3; // 10 + 20 + 40 ms: a stopped Caddy is still reported within ~100 ms

const errorBodySchema = z.looseObject({ error: z.string() });
const routeSchema = z.looseObject({ "@id": z.string().optional() });
const routesSchema = z.array(routeSchema).nullable();


/** The connection was refused, reset or closed under us (as opposed to a timeout): worth one more try. */
function isConnectionDrop(err: unknown): boolean {
  if (err instanceof undiciErrors.SocketError) return true;
  const code = String((err as { code?: unknown } | null)?.code);
  if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(code)) return true;
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isConnectionDrop);
}

function checkId(id: string, what = "id"): void {
  if (!ROUTE_ID.test(id)) throw new TypeError(`Caddy admin: ${what} must match ${ROUTE_ID} (got ${JSON.stringify(id)})`);
}
interface Answer {
  status: number;
  text: string;
  /** Caddy sends it as a trailer: `"<config path> <hash>"`, usable in If-Match. */
  etag: string | null;
}

export function createCaddyAdmin({
  adminUrl, timeoutMs = 5000, routePrefix = "sf-", catchAllId = "sf-catchall", dispatcher, breaker,
}: CaddyAdminOptions): CaddyAdmin {
  const root = adminUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(root)) throw new TypeError("createCaddyAdmin: adminUrl must be an http(s) origin, e.g. http://127.0.0.1:2019");
  checkId(catchAllId, "catchAllId");
  const deadline = () => AbortSignal.timeout(timeoutMs);

  const readBody = (body: Dispatcher.ResponseData["body"]) => readCapped(body, MAX_RESPONSE_BYTES);

  /**
   * One HTTP exchange; throws only CaddyError (transport failures as CaddyUnavailableError), status handling is the
   * caller's. Caddy 2.6 swaps its admin server on every config change and resets connections that arrive during the
   * swap, so a reset or refused connection is retried a few times when repeating the request is harmless: reads, our
   * DELETE loop, PATCH and /load (same value again), and any write under If-Match (a repeat of an applied write gets 412).
   */
  async function exchange(method: Dispatcher.HttpMethod, path: string, signal: AbortSignal, body?: unknown, ifMatch?: string | null): Promise<Answer> {
    if (!breaker) return exchangeRetried(method, path, signal, body, ifMatch);
    return breaker.run(
      () => exchangeRetried(method, path, signal, body, ifMatch),
      (err) => err instanceof CaddyUnavailableError,
      (ms) => new CaddyUnavailableError(method, path, `not called: the admin API keeps failing to answer; next try in ${Math.ceil(ms / 1000)} s (circuit open)`),
    );
  }

  async function exchangeRetried(method: Dispatcher.HttpMethod, path: string, signal: AbortSignal, body?: unknown, ifMatch?: string | null): Promise<Answer> {
    const repeatable = method === "GET" || method === "DELETE" || method === "PATCH" || path === "/load" || Boolean(ifMatch);
    for (let attempt = 0; ; attempt++) {
      try {
        return await exchangeOnce(method, path, signal, body, ifMatch);
      } catch (err) {
        if (!repeatable || attempt >= CONNECTION_RETRIES || !(err instanceof CaddyUnavailableError) || !isConnectionDrop(err.cause)) throw err;
        try {
          await sleep(10 * 2 ** attempt, undefined, { signal });
        } catch {
          throw err;
        }
      }
    }
  }

  async function exchangeOnce(method: Dispatcher.HttpMethod, path: string, signal: AbortSignal, body?: unknown, ifMatch?: string | null): Promise<Answer> {
    try {
      const res = await request(`${root}${path}`, {
        method,
        headers: {
          // Caddy drops idle keep-alive connections whenever its admin server is swapped, so a reused socket can die
          // under a write ("other side closed"): one connection per request (loopback, cheap).
          connection: "close",
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(ifMatch ? { "if-match": ifMatch } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
        ...(dispatcher ? { dispatcher } : {}),
      });
      const text = await readBody(res.body);
      if (text === null) throw new CaddyError(method, path, "answer larger than 64 MiB", { status: res.statusCode });
      const etag = res.trailers?.etag ?? res.headers.etag;
      return { status: res.statusCode, text, etag: typeof etag === "string" ? etag : null };
    } catch (err) {
      if (err instanceof CaddyError) throw err;
      if (isTransportError(err)) throw new CaddyUnavailableError(method, path, "no answer in time or connection failed", { cause: err });
      throw new CaddyError(method, path, "request failed", { cause: err });
    }
  }

  function rejected(method: string, path: string, a: Answer): CaddyRejectedError {
    let message = a.text.trim() || `HTTP ${a.status}`;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(a.text));
      if (parsed.success) message = parsed.data.error;
    } catch {
      /* not JSON */
    }
    return new CaddyRejectedError(method, path, message.slice(0, 2000), { status: a.status });
  }
  function json(method: string, path: string, a: Answer): unknown {
    try {
      return a.text === "" ? null : JSON.parse(a.text);
    } catch (err) {
      throw new CaddyError(method, path, "answer is not JSON", { status: a.status, cause: err });
    }
  }
  async function call(method: Dispatcher.HttpMethod, path: string, signal: AbortSignal, body?: unknown): Promise<Answer> {
    const a = await exchange(method, path, signal, body);
    if (a.status >= 400) throw rejected(method, path, a);
    return a;
  }

  const idPath = (id: string) => `/id/${encodeURIComponent(id)}`;
  const routesPath = (serverName: string) => {
    if (!SERVER_NAME.test(serverName)) throw new TypeError(`Caddy admin: bad server name ${JSON.stringify(serverName)}`);
    return `/config/apps/http/servers/${serverName}/routes`;
  };

  async function readRoutes(serverName: string, signal: AbortSignal): Promise<{ routes: CaddyRoute[] | null; etag: string | null }> {
    const path = routesPath(serverName);
    const a = await call("GET", path, signal);
    const parsed = routesSchema.safeParse(json("GET", path, a));
    if (!parsed.success) throw new CaddyConfigError("GET", path, "routes is not an array of route objects", { status: a.status });
    return { routes: parsed.data as CaddyRoute[] | null, etag: a.etag };
  }

  async function getById<T>(id: string, signal = deadline()): Promise<T | null> {
    checkId(id);
    const a = await exchange("GET", idPath(id), signal);
    if (a.status === 404) return null;
    if (a.status >= 400) throw rejected("GET", idPath(id), a);
    return json("GET", idPath(id), a) as T;
  }

  async function upsertRoute({ id, hosts, upstream, serverName = "edge" }: UpsertRouteParams): Promise<UpsertResult> {
    checkId(id);
    if (id === catchAllId) throw new TypeError(`Caddy admin: ${id} is the catch-all route; it is not managed through upsertRoute`);
    const desired = buildEdgeRoute(id, hosts, upstream);
    const signal = deadline();
    const base = routesPath(serverName);

    for (let attempt = 0; ; attempt++) {
      const { routes, etag } = await readRoutes(serverName, signal);
      const list = routes ?? [];
      const at = list.flatMap((r, i) => (r["@id"] === id ? [i] : []));
      let method: Dispatcher.HttpMethod;
      let path: string;
      let body: unknown;
      let outcome: UpsertResult;
      if (at.length === 1) {
        if (canonicalJson(list[at[0]!]) === canonicalJson(desired)) return "unchanged";
        // In place. The index is exact because If-Match pins the array we read; without an ETag fall back to /id/.
        [method, path, body, outcome] = ["PATCH", etag ? `${base}/${at[0]}` : idPath(id), desired, "updated"];
      } else if (at.length > 1) {
        // Duplicates written by someone else: keep the first position, drop the rest, in one atomic write.
        const next = list.filter((_, i) => i === at[0] || !at.includes(i));
        next[at[0]!] = desired;
        [method, path, body, outcome] = ["PATCH", base, next, "updated"];
      } else {
        const found = await exchange("GET", idPath(id), signal);
        if (found.status !== 404) {
          if (found.status >= 400) throw rejected("GET", idPath(id), found);
          // The ETag names where the object lives. Under our routes: someone created it since our read, so read again.
          const where = found.etag?.replace(/^"/, "").split(" ")[0] ?? "";
          if (where.startsWith(`${base}/`) && attempt < MAX_CONFLICT_RETRIES) continue;
          throw new CaddyConfigError("GET", idPath(id), `"@id" ${id} is already used at ${where || "another path"}; refusing to create a duplicate`);
        }
        const catchAll = list.findIndex((r) => r["@id"] === catchAllId);
        if (routes === null) [method, path, body] = ["PUT", base, [desired]];
        else if (catchAll >= 0) [method, path, body] = ["PUT", `${base}/${catchAll}`, desired]; // PUT at an index inserts there
        else [method, path, body] = ["POST", base, desired]; // no catch-all: append
        outcome = "created";
      }
      const a = await exchange(method, path, signal, body, etag);
      if (a.status === 412 && attempt < MAX_CONFLICT_RETRIES) {
        // Someone changed the routes between our read and write: read again.
        try {
          await sleep(5 + Math.floor(Math.random() * 20 * (attempt + 1)), undefined, { signal });
        } catch (err) {
          throw new CaddyUnavailableError(method, path, "deadline passed while retrying a conflicting write", { cause: err });
        }
        continue;
      }
      if (a.status >= 400) throw rejected(method, path, a);
      return outcome;
    }
  }

  async function deleteRoute(id: string): Promise<boolean> {
    checkId(id);
    if (id === catchAllId) throw new TypeError(`Caddy admin: ${id} is the catch-all route; refusing to delete it`);
    const signal = deadline();
    // Caddy may hold duplicates (written by hand); each DELETE removes one and re-indexes, so repeat until 404.
    for (let removed = 0; removed < 1000; removed++) {
      const a = await exchange("DELETE", idPath(id), signal);
      if (a.status === 404) return removed > 0;
      if (a.status >= 400) throw rejected("DELETE", idPath(id), a);
    }
    throw new CaddyConfigError("DELETE", idPath(id), "still present after 1000 deletes");
  }

  async function updateRoutes(serverName: string, next: (current: CaddyRoute[] | null) => CaddyRoute[] | null) {
    const signal = deadline();
    const base = routesPath(serverName);
    if (!(await hasServer(serverName, signal))) throw new CaddyConfigError("GET", base, `no server ${serverName} in the running config`);
    for (let attempt = 0; ; attempt++) {
      const { routes, etag } = await readRoutes(serverName, signal);
      const wanted = next(routes);
      if (wanted === null || canonicalJson(wanted) === canonicalJson(routes ?? [])) return { changed: false, before: routes ?? [] };
      // PATCH replaces an existing key; a server without a routes key needs PUT (which refuses an existing key).
      const a = await exchange(routes === null ? "PUT" : "PATCH", base, signal, wanted, etag);
      if (a.status === 412 && attempt < MAX_CONFLICT_RETRIES) continue;
      if (a.status >= 400) throw rejected("PATCH", base, a);
      return { changed: true, before: routes ?? [] };
    }
  }

  async function hasServer(serverName: string, signal = deadline()) {
    if (!SERVER_NAME.test(serverName)) throw new TypeError(`Caddy admin: bad server name ${JSON.stringify(serverName)}`);
    const path = `/config/apps/http/servers/${serverName}`;
    const a = await exchange("GET", path, signal);
    if (a.status >= 400 && a.status !== 404 && a.status !== 400) throw rejected("GET", path, a);
    return a.status < 400 && json("GET", path, a) !== null;
  }

  async function updateConfig<T>(path: string, next: (current: T | null) => T | null) {
    const signal = deadline();
    const full = `/config/${path.split("/").filter(Boolean).map(encodeURIComponent).join("/")}`;
    for (let attempt = 0; ; attempt++) {
      const read = await exchange("GET", full, signal);
      // A missing key answers 400/404 (or null), like hasServer.
      if (read.status >= 400 && read.status !== 404 && read.status !== 400) throw rejected("GET", full, read);
      const current = read.status < 400 ? (json("GET", full, read) as T | null) : null;
      const wanted = next(current);
      if (wanted === null || canonicalJson(wanted) === canonicalJson(current)) return { changed: false };
      const method = current === null ? "PUT" : "PATCH"; // PUT refuses an existing key, PATCH a missing one
      const a = await exchange(method, full, signal, wanted, current === null ? null : read.etag);
      if (a.status === 412 && attempt < MAX_CONFLICT_RETRIES) continue;
      if (a.status >= 400) throw rejected(method, full, a);
      return { changed: true };
    }
  }

  return {
    updateRoutes,
    updateConfig,
    hasServer: (name: string) => hasServer(name),
    async getConfig<T>(path = ""): Promise<T> {
      const clean = path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
      const full = `/config/${clean}`;
      return json("GET", full, await call("GET", full, deadline())) as T;
    },
    async load(config: unknown): Promise<void> {
      const signal = deadline();
      let body = config;
      if (config && typeof config === "object" && !Array.isArray(config) && !("admin" in config)) {
        // Without an admin block Caddy moves the admin API to its default (localhost:2019), and Caddy 2.6 does so even
        // when the new config then fails to load and is rolled back: keep the running admin block unless told otherwise.
        const admin = json("GET", "/config/admin", await call("GET", "/config/admin", signal));
        if (admin !== null) body = { ...config, admin };
      }
      await call("POST", "/load", signal, body);
    },
    getById: <T>(id: string) => getById<T>(id),
    upsertRoute,
    deleteRoute,
    async listRoutes(serverName = "edge", { prefix = routePrefix }: { prefix?: string } = {}): Promise<EdgeRoute[]> {
      const { routes } = await readRoutes(serverName, deadline());
      return (routes ?? [])
        .filter((r) => typeof r["@id"] === "string" && r["@id"].startsWith(prefix) && r["@id"] !== catchAllId)
        .map(toEdgeRoute);
    },
  };
}
