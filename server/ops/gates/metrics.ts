/**
 * /metrics protected: METRICS_TOKEN is set, so the endpoint answers only scrapers bearing it (server/http
 * metrics-route.ts); with an instance to probe, it is asked both without the token (must be 404) and with it (200).
 */
import { request } from "undici";
import { fail, pass, withEnv, type Gate } from "../gate.ts";

const PROBE_TIMEOUT_MS = 5_000;

async function statusOf(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers, headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
  await res.body.dump();
  return res.statusCode;
}

export const metricsGate: Gate = {
  id: "metrics",
  title: "/metrics protected",
  check: withEnv(async (env, { appUrl }) => {
    if (!env.METRICS_TOKEN) return fail("METRICS_TOKEN is not set: /metrics answers any caller on loopback or a trusted proxy's address without a token.");
    if (!appUrl) return pass("METRICS_TOKEN is set: /metrics answers only requests bearing it (no instance given to probe).");
    const url = new URL("/metrics", appUrl).toString();
    const anonymous = await statusOf(url);
    if (anonymous !== 404) return fail(`${url} answered ${anonymous} without a token (want 404).`);
    const bearer = await statusOf(url, { authorization: `Bearer ${env.METRICS_TOKEN}` });
    if (bearer !== 200) return fail(`${url} answered ${bearer} to METRICS_TOKEN (want 200): the instance runs with another token.`);
    return pass(`${url} refuses a request without the token (404) and answers one bearing METRICS_TOKEN.`);
  }),
};
