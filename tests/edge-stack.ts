/**
 * The whole custom-domain path for tests, e2e and the bench: a real DNS server on loopback, a real Caddy (internal CA,
 * on-demand TLS asking the app) and the app configured to verify through that DNS and reconcile that Caddy. Caddy is
 * started first on a port picked for the app, so its catch-all and `ask` already point at the app when it starts.
 */
import https from "node:https";
import path from "node:path";
import { startCaddy, type RunningCaddy } from "./caddy.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import { freePort } from "./wait.ts";

export const EDGE_CNAME = "edge.platform.test";
export const EDGE_V4 = "203.0.113.10";

export interface EdgeParts {
  dns: TestDns;
  caddy: RunningCaddy;
  /** The port the app must listen on (PORT). */
  appPort: number;
  /** Environment that points the app at this DNS server and Caddy. */
  env: Record<string, string>;
  rootCa: string;
  stop(): Promise<void>;
}

export async function startEdgeParts(overrides: Record<string, string> = {}): Promise<EdgeParts> {
  const dns = await startTestDns();
  const appPort = await freePort();
  let caddy: RunningCaddy;
  try {
    caddy = await startCaddy({ upstreamPort: appPort });
  } catch (err) {
    await dns.close();
    throw err;
  }
  const rootCa = await caddy.rootCertPem();
  const env = {
    PORT: String(appPort),
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: "500",
    EDGE_CNAME_TARGET: EDGE_CNAME,
    EDGE_IPV4: EDGE_V4,
    EDGE_CAA_ISSUERS: "letsencrypt.org",
    CADDY_ADMIN_URL: caddy.adminUrl,
    EDGE_BASE_CONFIG: caddy.configFile,
    EDGE_UPSTREAMS: `127.0.0.1:${appPort}`,
    EDGE_PROBE_ADDRESS: `127.0.0.1:${caddy.httpsPort}`,
    EDGE_PROBE_CA_FILE: path.join(caddy.dataDir, "pki", "authorities", "local", "root.crt"),
    DOMAIN_MANUAL_CHECK_MIN_MS: "0",
    // Caddy is the proxy in front of the app: its X-Forwarded-Proto makes redirects https.
    TRUSTED_PROXIES: "127.0.0.1",
    ...overrides,
  };
  return {
    dns, caddy, appPort, env, rootCa,
    async stop() {
      await caddy.stop();
      await dns.close();
    },
  };
}

/** Publish the records the dashboard asks for (ownership TXT + CNAME to the edge). */
export function publishRecords(dns: TestDns, records: Array<{ type: string; name: string; value: string }>) {
  for (const r of records) dns.set(r.name, r.type as "TXT" | "CNAME" | "A" | "AAAA", [r.value]);
}

export interface EdgeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET https://<host>:<caddy https port><path> through Caddy (SNI = host, trusting Caddy's local CA). */
export function httpsGet(parts: Pick<EdgeParts, "caddy" | "rootCa">, host: string, pathname = "/"): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "127.0.0.1", port: parts.caddy.httpsPort, servername: host, path: pathname, method: "GET", ca: parts.rootCa,
      headers: { host: `${host}:${parts.caddy.httpsPort}` }, agent: false, timeout: 5000,
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}
