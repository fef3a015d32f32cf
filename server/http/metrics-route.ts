/**
 * GET /metrics (OPS-3), Prometheus text. With METRICS_TOKEN set (required in production) only a request bearing it
 * is answered; without it, only direct internal calls (loopback or a trusted proxy's address, not relayed by the
 * edge). Everyone else gets the same 404 as any unknown path.
 */
import type { NextFunction, Request, Response } from "express";
import type { RedisClient } from "#server/redis.ts";
import type { Env } from "#server/env.ts";
import type { Services } from "#server/services.ts";
import type { TenantResolver } from "#server/tenancy/index.ts";
import { isInternalPeer } from "#server/edge/index.ts";
import { secretsEqual } from "#server/secrets/index.ts";
import { createRegistry, HttpMetrics, registerPlatformMetrics, registerSharedMetrics, type Registry } from "#server/observability/index.ts";

interface MetricsDeps {
  env: Env;
  redis: RedisClient;
  services: Services;
  resolver: TenantResolver;
}

/**
 * This app's registry (ADR 022): its own request latency and resolution cache, Node's process metrics, and the
 * values every instance shares, read at scrape time from Redis (edge reconcile) and Postgres/BullMQ (queues, domains,
 * money and chain), so each instance reports the same shared figures.
 */
export function appMetrics({ env, redis, services, resolver }: MetricsDeps) {
  const registry = createRegistry({ processMetrics: true });
  const http = new HttpMetrics(registry);
  registerSharedMetrics(registry, redis, env.REDIS_PREFIX);
  services.money.registerMetrics(registry);
  services.mail.registerMetrics(registry);
  services.backups.registerMetrics(registry);
  registerPlatformMetrics(registry, { queues: [services.queue, services.moneyQueue], domainCounts: () => services.domains.stateCounts(), resolver });
  return { registry, http };
}

function allowed(req: Request, env: Env) {
  if (env.METRICS_TOKEN) {
    const auth = req.headers.authorization;
    return secretsEqual(env.METRICS_TOKEN, auth?.startsWith("Bearer ") ? auth.slice(7) : undefined);
  }
  return isInternalPeer(req, env.TRUSTED_PROXIES);
}

export function metricsHandler(env: Env, registry: Registry) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!allowed(req, env)) return res.status(404).type("text/plain").send("Not found");
    try {
      const text = await registry.metrics();
      res.type(registry.contentType).set("Cache-Control", "no-store").send(text);
    } catch (err) {
      next(err);
    }
  };
}
