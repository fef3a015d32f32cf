// The Caddy admin client against the real caddy binary (STYLE.md §15): route upserts, listing, deletes, traffic through
// the edge over HTTPS (internal CA, on-demand issuance approved by an `ask` endpoint) and plain HTTP, and the typed errors.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import {
  CaddyConfigError,
  CaddyRejectedError,
  CaddyUnavailableError,
  createCaddyAdmin,
  type CaddyAdmin,
  type CaddyRoute,
} from "#server/edge/index.ts";
import { startCaddy, type RunningCaddy } from "#tests/caddy.ts";
import { CircuitBreaker } from "#server/http/circuit-breaker.ts";
import { caught } from "./caught.ts";

const ROUTES = "apps/http/servers/edge/routes";

interface Upstream {
  port: number;
  /** Hosts the `ask` endpoint approves. */
  allowed: Set<string>;
  close(): Promise<void>;
}
/** A tiny app: `/internal/edge/ask?domain=` approves `allowed`; anything else answers who it is and the Host it saw. */
async function startUpstream(name: string): Promise<Upstream> {
  const allowed = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://upstream");
    if (url.pathname === "/internal/edge/ask") {
      res.writeHead(allowed.has(url.searchParams.get("domain") ?? "") ? 200 : 403).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ upstream: name, host: req.headers.host }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    allowed,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

interface Answer {
  status: number;
  body: string;
  peerCert?: X509Certificate;
}
function collect(res: http.IncomingMessage, extra: Partial<Answer>, resolve: (a: Answer) => void, reject: (e: Error) => void) {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (c: string) => (body += c));
  res.on("end", () => resolve({ status: res.statusCode ?? 0, body, ...extra }));
  res.on("error", reject);
}
function httpGet(port: number, host: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => collect(res, {}, resolve, reject))
      .on("error", reject);
  });
}
/** HTTPS to the edge with SNI = host, trusting only Caddy's local CA root. */
function httpsGet(port: number, host: string, ca: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    https.get({ host: "127.0.0.1", port, path: "/", servername: host, headers: { host }, ca, agent: false }, (res) => {
      const raw = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().raw;
      collect(res, { peerCert: new X509Certificate(raw) }, resolve, reject);
    }).on("error", reject);
  });
}

/** A route written straight through the admin API, as an operator might by hand (duplicates included). */
async function insertByHand(adminUrl: string, route: CaddyRoute) {
  const res = await request(`${adminUrl}/config/${ROUTES}/0`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(route),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`hand insert failed: ${res.statusCode} ${text}`);
}
const strayRoute = (id: string, host: string): CaddyRoute => ({
  "@id": id,
  match: [{ host: [host] }],
  handle: [{ handler: "static_response", body: "stray" }],
  terminal: true,
});


describe("Caddy admin client against a real Caddy", () => {
  let app: Upstream;
  let shop: Upstream;
  let caddy: RunningCaddy;
  let admin: CaddyAdmin;

  beforeAll(async () => {
    app = await startUpstream("app");
    shop = await startUpstream("shop");
    caddy = await startCaddy({ upstreamPort: app.port });
    admin = createCaddyAdmin({ adminUrl: caddy.adminUrl });
  });
  afterAll(async () => {
    await caddy?.stop();
    await app?.close();
    await shop?.close();
  });

  const routes = () => admin.getConfig<CaddyRoute[]>(ROUTES);
  const countId = async (id: string) => (await routes()).filter((r) => r["@id"] === id).length;

  it("upsert creates one route with its @id, before the catch-all, readable by id", async () => {
    const result = await admin.upsertRoute({ id: "sf-create", hosts: ["Create.Example.Test"], upstream: `127.0.0.1:${shop.port}` });
    expect(result).toBe("created");
    expect(await countId("sf-create")).toBe(1);
    const all = await routes();
    expect(all.at(-1)?.["@id"]).toBe("sf-catchall");

    const route = await admin.getById<CaddyRoute>("sf-create");
    expect(route).toMatchObject({
      "@id": "sf-create",
      match: [{ host: ["create.example.test"] }],
      handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `127.0.0.1:${shop.port}` }] }],
      terminal: true,
    });
    expect(await admin.getById("sf-never-created")).toBeNull();
  });

  it("upserting the same id again replaces it in place: still exactly one route, with the new hosts", async () => {
    const upstream = `127.0.0.1:${shop.port}`;
    expect(await admin.upsertRoute({ id: "sf-twice", hosts: ["one.example.test"], upstream })).toBe("created");
    expect(await admin.upsertRoute({ id: "sf-twice", hosts: ["two.example.test", "three.example.test"], upstream })).toBe("updated");
    expect(await admin.upsertRoute({ id: "sf-twice", hosts: ["three.example.test", "two.example.test"], upstream })).toBe("unchanged");

    expect(await countId("sf-twice")).toBe(1);
    const route = await admin.getById<CaddyRoute>("sf-twice");
    expect(route?.match).toEqual([{ host: ["three.example.test", "two.example.test"] }]);
    expect((await routes()).at(-1)?.["@id"]).toBe("sf-catchall");
  });

  it("concurrent upserts of one new id still leave exactly one route", async () => {
    const upstream = `127.0.0.1:${shop.port}`;
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((x) => admin.upsertRoute({ id: "sf-race", hosts: [`${x}.race.example.test`], upstream })),
    );
    expect(results.filter((r) => r === "created")).toHaveLength(1);
    expect(await countId("sf-race")).toBe(1);
  });

  it("upsert collapses duplicates that were written by hand into one route", async () => {
    await insertByHand(caddy.adminUrl, strayRoute("sf-dup", "dup1.example.test"));
    await insertByHand(caddy.adminUrl, strayRoute("sf-dup", "dup2.example.test"));
    expect(await countId("sf-dup")).toBe(2); // Caddy accepts a duplicate @id silently

    expect(await admin.upsertRoute({ id: "sf-dup", hosts: ["dup.example.test"], upstream: `127.0.0.1:${shop.port}` })).toBe("updated");
    expect(await countId("sf-dup")).toBe(1);
    expect((await admin.getById<CaddyRoute>("sf-dup"))?.match).toEqual([{ host: ["dup.example.test"] }]);
  });

  it("listRoutes lists our routes (a hand-added sf-stray included, the catch-all and foreign ids not); deleteRoute removes it", async () => {
    await insertByHand(caddy.adminUrl, strayRoute("sf-stray", "stray.example.test"));
    await insertByHand(caddy.adminUrl, strayRoute("other-stray", "other.example.test"));
    await admin.upsertRoute({ id: "sf-listed", hosts: ["listed.example.test"], upstream: `127.0.0.1:${shop.port}` });

    const listed = await admin.listRoutes("edge");
    const ids = listed.map((r) => r.id);
    expect(ids).toContain("sf-stray");
    expect(ids).not.toContain("sf-catchall");
    expect(ids).not.toContain("other-stray");
    expect(listed.find((r) => r.id === "sf-stray")).toMatchObject({ hosts: ["stray.example.test"], upstreams: [] });
    expect(listed.find((r) => r.id === "sf-listed")).toMatchObject({
      hosts: ["listed.example.test"],
      upstreams: [`127.0.0.1:${shop.port}`],
    });

    expect((await admin.listRoutes("edge", { prefix: "other-" })).map((r) => r.id)).toEqual(["other-stray"]);

    expect(await admin.deleteRoute("sf-stray")).toBe(true);
    expect(await admin.getById("sf-stray")).toBeNull();
    expect((await admin.listRoutes()).map((r) => r.id)).not.toContain("sf-stray");
    expect(await admin.deleteRoute("sf-stray")).toBe(false); // already gone: not an error
    expect(await admin.getById("sf-catchall")).not.toBeNull();
  });

  it("deleteRoute removes every copy of a duplicated id", async () => {
    await insertByHand(caddy.adminUrl, strayRoute("sf-dup-del", "d1.example.test"));
    await insertByHand(caddy.adminUrl, strayRoute("sf-dup-del", "d2.example.test"));
    expect(await admin.deleteRoute("sf-dup-del")).toBe(true);
    expect(await countId("sf-dup-del")).toBe(0);
  });

  it("refuses to touch the catch-all or to reuse an @id that lives outside the routes", async () => {
    const upstream = `127.0.0.1:${shop.port}`;
    await expect(admin.upsertRoute({ id: "sf-catchall", hosts: ["x.example.test"], upstream })).rejects.toBeInstanceOf(TypeError);
    await expect(admin.deleteRoute("sf-catchall")).rejects.toBeInstanceOf(TypeError);
    await expect(admin.upsertRoute({ id: "sf-bad/id", hosts: ["x.example.test"], upstream })).rejects.toBeInstanceOf(TypeError);
    await expect(admin.upsertRoute({ id: "sf-x", hosts: ["http://x.example.test"], upstream })).rejects.toBeInstanceOf(TypeError);
    await expect(admin.upsertRoute({ id: "sf-x", hosts: ["x.example.test"], upstream: "127.0.0.1" })).rejects.toBeInstanceOf(TypeError);

    // Tag a non-route object by hand, then try to create a route with that id.
    const res = await request(`${caddy.adminUrl}/config/apps/pki/certificate_authorities/local/@id`, {
      method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify("sf-elsewhere"),
    });
    expect(res.statusCode, await res.body.text()).toBe(200);
    const err = await caught(admin.upsertRoute({ id: "sf-elsewhere", hosts: ["elsewhere.example.test"], upstream }));
    expect(err).toBeInstanceOf(CaddyConfigError);
    expect(await countId("sf-elsewhere")).toBe(0);
  });

  it("a config Caddy refuses is CaddyRejectedError with Caddy's message, and the running config stays", async () => {
    const before = await admin.getConfig<unknown>();
    const err = await caught(admin.load({ apps: { no_such_app: {} } }));
    expect(err).toBeInstanceOf(CaddyRejectedError);
    expect(err).toMatchObject({ status: 400, method: "POST", path: "/load" });
    expect((err as CaddyRejectedError).caddyMessage).toMatch(/no_such_app/);
    expect(await admin.getConfig()).toEqual(before);

    const missing = await caught(admin.listRoutes("no-such-server"));
    expect(missing).toBeInstanceOf(CaddyRejectedError);
    expect((missing as CaddyRejectedError).caddyMessage).toMatch(/invalid traversal path/);
  });

  it("load replaces the running config", async () => {
    const current = await admin.getConfig<{ apps: { http: { servers: { edge: { routes: unknown[] } } } } }>();
    const next = structuredClone(current);
    next.apps.http.servers.edge.routes.unshift(strayRoute("sf-loaded", "loaded.example.test"));
    await admin.load(next);
    expect(await countId("sf-loaded")).toBe(1);
    expect(await admin.deleteRoute("sf-loaded")).toBe(true);
  });

  it("HTTPS traffic for an upserted host reaches its upstream with the Host preserved (internal CA, on-demand cert)", async () => {
    shop.allowed.add("shop.example.test");
    app.allowed.add("shop.example.test"); // the ask endpoint lives on the app (catch-all upstream)
    await admin.upsertRoute({ id: "sf-shop-https", hosts: ["shop.example.test"], upstream: `127.0.0.1:${shop.port}` });

    const ca = await caddy.rootCertPem();
    const res = await httpsGet(caddy.httpsPort, "shop.example.test", ca);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ upstream: "shop", host: "shop.example.test" });
    expect(res.peerCert?.checkHost("shop.example.test")).toBe("shop.example.test");
    expect(res.peerCert?.issuer).toMatch(/Caddy Local Authority/);
  });

  it("HTTPS for a host the ask endpoint refuses fails the handshake", async () => {
    await admin.upsertRoute({ id: "sf-refused", hosts: ["refused.example.test"], upstream: `127.0.0.1:${shop.port}` });
    const ca = await caddy.rootCertPem();
    await expect(httpsGet(caddy.httpsPort, "refused.example.test", ca)).rejects.toThrow();
  });

  it("plain HTTP on the http listener routes by Host too; other hosts fall through to the catch-all", async () => {
    await admin.upsertRoute({ id: "sf-shop-http", hosts: ["plain.example.test"], upstream: `127.0.0.1:${shop.port}` });
    const routed = await httpGet(caddy.httpPort, "plain.example.test");
    expect(routed.status).toBe(200);
    expect(JSON.parse(routed.body)).toEqual({ upstream: "shop", host: "plain.example.test" });

    const other = await httpGet(caddy.httpPort, "unknown.example.test");
    expect(JSON.parse(other.body)).toEqual({ upstream: "app", host: "unknown.example.test" });
  });
});

describe("Caddy admin client when Caddy is not there", () => {
  let app: Upstream;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    app = await startUpstream("app");
    silent = net.createServer((s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await app.close();
  });

  it("a stopped Caddy gives CaddyUnavailableError", async () => {
    const caddy = await startCaddy({ upstreamPort: app.port });
    try {
      const admin = createCaddyAdmin({ adminUrl: caddy.adminUrl, timeoutMs: 2000 });
      expect(await admin.listRoutes()).toEqual([]); // a kept-alive connection now exists
      await caddy.stop();
      for (const call of [admin.listRoutes(), admin.getById("sf-x"), admin.deleteRoute("sf-x"),
        admin.upsertRoute({ id: "sf-x", hosts: ["x.example.test"], upstream: "127.0.0.1:3000" })]) {
        const err = await caught(call);
        expect(err).toBeInstanceOf(CaddyUnavailableError);
        expect((err as CaddyUnavailableError).status).toBeNull();
      }
    } finally {
      await caddy.stop();
    }
  });

  it("an admin API that keeps dropping connections opens the circuit: calls are refused without connecting until the cooldown ends", async () => {
    let connections = 0;
    const dropping = net.createServer((s) => (connections++, s.destroy()));
    await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
    try {
      const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 300 });
      const admin = createCaddyAdmin({ adminUrl: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`, timeoutMs: 2000, breaker });
      for (let i = 0; i < 2; i++) expect(await caught(admin.listRoutes())).toBeInstanceOf(CaddyUnavailableError);
      const seen = connections;
      expect(seen).toBeGreaterThanOrEqual(2);
      const refused = await caught(admin.listRoutes());
      expect(refused).toBeInstanceOf(CaddyUnavailableError);
      expect((refused as Error).message).toMatch(/circuit open/);
      expect(connections).toBe(seen);
      await new Promise((r) => setTimeout(r, 300));
      // The trial call goes out again (and, still failing, opens the circuit again).
      expect((await caught(admin.listRoutes()) as Error).message).not.toMatch(/circuit open/);
      expect(connections).toBeGreaterThan(seen);
      expect(breaker.state).toBe("open");
    } finally {
      await new Promise<void>((resolve) => dropping.close(() => resolve()));
    }
  });

  it("an admin endpoint that accepts but never answers gives CaddyUnavailableError at the deadline", async () => {
    const port = (silent.address() as AddressInfo).port;
    const admin = createCaddyAdmin({ adminUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    const err = await caught(admin.getConfig());
    expect(err).toBeInstanceOf(CaddyUnavailableError);
  });
});
