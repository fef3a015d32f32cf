/**
 * Caddy reachable and the on-demand TLS `ask` wired: the admin API answers, our edge server is loaded, and Caddy asks
 * our ask endpoint before issuing a certificate, which is proven by asking it about a host no shop has (it must refuse:
 * a Caddy without a working ask would get a certificate for any name pointed at it).
 */
import { request } from "undici";
import { createCaddyAdmin } from "#server/edge/index.ts";
import { fail, pass, withEnv, type Gate } from "../gate.ts";

const ASK_PATH = "/internal/edge/ask";
const PROBE_HOST = "preflight-check.invalid";

export const caddyGate: Gate = {
  id: "caddy",
  title: "Caddy reachable and the TLS ask wired",
  check: withEnv(async (env) => {
    if (!env.CADDY_ADMIN_URL) return fail("CADDY_ADMIN_URL is not set: shops' custom domains would never be routed or get certificates.");
    const admin = createCaddyAdmin({ adminUrl: env.CADDY_ADMIN_URL, timeoutMs: env.CADDY_ADMIN_TIMEOUT_MS });
    let ask: string | undefined;
    try {
      if (!(await admin.hasServer(env.EDGE_SERVER_NAME))) return fail(`Caddy at ${env.CADDY_ADMIN_URL} has no server "${env.EDGE_SERVER_NAME}" (EDGE_SERVER_NAME): the edge config is not loaded.`);
      ask = (await admin.getConfig<{ ask?: string } | null>("apps/tls/automation/on_demand"))?.ask;
    } catch (err) {
      return fail(`Caddy's admin API at ${env.CADDY_ADMIN_URL} does not answer: ${(err as Error).message}.`);
    }
    if (!ask) return fail("Caddy has no on-demand TLS ask: it would request a certificate for any host name pointed at it.");
    const url = new URL(ask);
    if (url.pathname !== ASK_PATH) return fail(`Caddy's ask is ${ask}, not the app's ${ASK_PATH}.`);
    url.searchParams.set("domain", PROBE_HOST);
    try {
      const res = await request(url, { headersTimeout: env.CADDY_ADMIN_TIMEOUT_MS, bodyTimeout: env.CADDY_ADMIN_TIMEOUT_MS });
      await res.body.dump();
      // 403 is the ask handler refusing an unknown host; 404 is what the app says to callers that are not the edge.
      if (res.statusCode === 403) return pass(`Caddy answers at ${env.CADDY_ADMIN_URL} and asks ${ask} before issuing a certificate, which refuses unknown hosts.`);
      return fail(`Caddy's ask ${ask} answered ${res.statusCode} for an unknown host instead of refusing it with 403${res.statusCode === 404 ? " (run the preflight on the edge's host, or this host is not in TRUSTED_PROXIES)" : ""}.`);
    } catch (err) {
      return fail(`Caddy's ask ${ask} does not answer: ${(err as Error).message}.`);
    }
  }),
};
