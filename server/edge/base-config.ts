/**
 * caddy/base.json (the edge's JSON base config for the demo and the tests) with its placeholders filled in: ports,
 * the app upstream of the catch-all, the `ask` URL and the storage root (see caddy/README.md). Used by `npm run edge`
 * and the test harness; the reconciler restores a config rendered by it when Caddy comes back empty.
 */
import { readFile } from "node:fs/promises";

export interface CaddyPorts {
  adminPort: number;
  httpPort: number;
  httpsPort: number;
}
export interface RenderOptions extends CaddyPorts {
  /** `host:port` of the app for the catch-all route (until the first reconcile replaces the routes). */
  upstream: string;
  /** On-demand TLS `ask` URL. */
  askUrl: string;
  /** Caddy's storage root (certificates, the local CA). */
  storageDir: string;
}

export const BASE_CONFIG_FILE = new URL("../../caddy/base.json", import.meta.url);

export async function readBaseConfig(): Promise<unknown> {
  return JSON.parse(await readFile(BASE_CONFIG_FILE, "utf8"));
}

/** The parts of caddy/base.json the renderer overwrites; everything else passes through as it is. */
interface CaddyBaseConfig {
  admin: { listen: string };
  storage: { root: string };
  apps: {
    http: {
      http_port: number;
      https_port: number;
      servers: { edge: { listen: string[]; routes: Array<{ "@id"?: string; handle: Array<{ upstreams?: Array<{ dial: string }> }> }> } };
    };
    tls: { automation: { on_demand: { ask: string } } };
  };
}

/** caddy/base.json with the placeholders listed in caddy/README.md overwritten. */
export function renderCaddyConfig(base: unknown, options: RenderOptions): CaddyBaseConfig {
  const cfg = structuredClone(base) as CaddyBaseConfig;
  cfg.admin.listen = `127.0.0.1:${options.adminPort}`;
  cfg.storage.root = options.storageDir;
  cfg.apps.http.http_port = options.httpPort;
  cfg.apps.http.https_port = options.httpsPort;
  const edge = cfg.apps.http.servers.edge;
  edge.listen = [`127.0.0.1:${options.httpsPort}`, `127.0.0.1:${options.httpPort}`];
  const catchAll = edge.routes.find((r) => r["@id"] === "sf-catchall");
  if (!catchAll) throw new Error("caddy/base.json: no sf-catchall route");
  catchAll.handle[0].upstreams = [{ dial: options.upstream }];
  cfg.apps.tls.automation.on_demand.ask = options.askUrl;
  return cfg;
}
