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
import { renderMetrics, type HttpMetrics, domainFamilies, queueDepths, renderFamilies, resolutionFamilies } from "#server/observability/index.ts";

interface MetricsDeps {
  env: Env;
  redis: RedisClient;
  services: Services;
  resolver: TenantResolver;
  http: HttpMetrics;
}

function allowed(req: Request, env: Env) {
  if (env.METRICS_TOKEN) {
    const auth = req.headers.authorization;
    return secretsEqual(env.METRICS_TOKEN, auth?.startsWith("Bearer ") ? auth.slice(7) : undefined);
  }
  return isInternalPeer(req, env.TRUSTED_PROXIES);
}

export function metricsHandler({ env, redis, services, resolver, http }: MetricsDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!allowed(req, env)) return res.status(404).type("text/plain").send("Not found");
    try {
      const [shared, money, queues, domains] = await Promise.all([
        renderMetrics(redis, env.REDIS_PREFIX),
        services.money.metricsText(),
        queueDepths([services.queue, services.moneyQueue]),
        services.domains.stateCounts(),
      ]);
      const families = renderFamilies([queues, ...domainFamilies(domains), ...resolutionFamilies(resolver)]);
      res.type("text/plain; version=0.0.4").set("Cache-Control", "no-store").send(shared + money + families + http.render());
    } catch (err) {
      next(err);
    }
  };
}
