/**
 * The Express application, assembled from already-built parts so tests and the entry share it.
 * Order: trust proxy → request id/logging → URL check → tenant context → CSRF (session writes) → APIs → form
 * body check → Remix.
 */
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import path from "node:path";
import express from "express";
import compression from "compression";
import type { ServerBuild } from "@remix-run/node";
import { flashSecretOf, type Env } from "./env.ts";
import { type Logger, logContextMiddleware } from "./observability/index.ts";
import type { TenantResolver } from "./tenancy/index.ts";
import { tenantContextMiddleware, type TenantContext, ApiError, errorHandler, sendError, securityHeaders, rateLimit, authContext, crossSiteGuard, sessionWriteGuard, accessLog, appMetrics, metricsHandler, allowTelegramFraming, rejectUnsafeUrl, jsonBody, formBodyCheck, remixHandler } from "./http/index.ts";
import type { RedisClient } from "./redis.ts";
import { mediaHandler, digitalDownloadHandler, storefrontRouter, checkoutRateLimit, storefrontOrdersRouter, miniAppSessionHandler, telegramWebhookRouter, stripeWebhookRouter, controlPlaneRouter } from "./api/index.ts";
import type { Actor } from "./auth/index.ts";
import { askHandler, isInternalPeer, type EdgeSnapshot } from "./edge/index.ts";
import type { Services } from "./services.ts";

export interface AppDeps {
  env: Env;
  logger: Logger;
  resolver: TenantResolver;
  services: Services;
  redis: RedisClient;
  build: ServerBuild;
  health: { ready(): Promise<Record<string, boolean>>; killSwitch?(): Promise<{ global: boolean }> };
  /** The on-demand TLS snapshot; without it /internal/edge/ask does not exist. */
  edge?: EdgeSnapshot;
}

export function createApp({ env, logger, resolver, services, redis, build, health, edge }: AppDeps) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUSTED_PROXIES.length ? env.TRUSTED_PROXIES : false);
  // The on-demand TLS ask comes first: Caddy calls it on every handshake of a not-yet-certified name (floods of random
  // names included), so it skips compression, headers and access logging.
  if (edge) app.get("/internal/edge/ask", askHandler(edge, env.TRUSTED_PROXIES));
  const metrics = appMetrics({ env, redis, services, resolver });
  app.use(metrics.http.middleware((res) => services.requestStats.recordResponse(res)));
  app.use(compression());

  app.use((req, res, next) => {
    const id = randomUUID();
    res.locals.requestId = id;
    res.set("X-Request-Id", id);
    next();
  });
  app.use(logContextMiddleware());
  app.use(securityHeaders());
  app.use(accessLog(logger));
  // %00 in a path or query is refused for every route at once (the database cannot store NUL): a 400, never a 500.
  app.use(rejectUnsafeUrl());

  // Process-level probes answer on every host, before tenant resolution.
  // Under the supervisor, which child answered (its cluster id, not its pid): lets probes and tests see the spread.
  app.get("/healthz", (_req, res) => res.json(cluster.worker ? { ok: true, instance: cluster.worker.id } : { ok: true }));
  app.get("/readyz", async (req, res) => {
    const checks = await health.ready();
    const ok = Object.values(checks).every(Boolean);
    // OPS-3: readiness shows the kill switch without failing on it. Which shops have money paused, and why, is for
    // direct internal calls (operators' probes); everyone else sees whether the global switch is on.
    const state = checks.postgres === false ? null : await health.killSwitch?.().catch(() => null);
    const killSwitch = state && !isInternalPeer(req, env.TRUSTED_PROXIES) ? { global: state.global } : state;
    res.status(ok ? 200 : 503).json({ ok, checks, ...(killSwitch !== undefined ? { killSwitch } : {}) });
  });

  // Static assets carry no tenant data; serve them without resolution.
  app.use("/build", express.static(path.resolve("public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.resolve("public"), { maxAge: "1h", index: false }));

  // Prometheus text from this app's prom-client registry: its own request latency and process metrics, and the shared
  // values (edge drift in Redis, queues, domains, the money invariant counter and chain figures) read at scrape time.
  app.get("/metrics", metricsHandler(env, metrics.registry));
  // Telegram authenticates by secret header, not by host: the webhook answers before tenant resolution.
  app.use("/api/telegram/webhook", telegramWebhookRouter(services, logger));
  // Stripe signs the raw body (ADR 024): verified before any parsing, on every host, before tenant resolution.
  app.use("/api/payments/stripe/webhook", stripeWebhookRouter(services, logger));
  app.use(tenantContextMiddleware(resolver, env.TRUSTED_PROXIES));
  app.use(allowTelegramFraming());
  // CSRF, first line: a write carrying the session cookie must come from this host's own pages, before any route
  // (raw-body API routes included) sees it. Bearer-token calls and cookie-less requests pass.
  app.use(sessionWriteGuard(env.TRUSTED_PROXIES));
  // The bench's baseline page is a Remix route in the build; outside the bench it does not exist on any host.
  if (!env.BENCH_BARE_PAGE) app.all(["/bench/bare", "/bench/bare.data"], (_req, res) => void res.status(404).type("text/plain").send("Not found"));
  // Shop images are served before the storefront rate limit: one catalog page loads many of them.
  app.get("/media/:name", mediaHandler(services));
  app.use(
    rateLimit({
      redis,
      prefix: env.REDIS_PREFIX,
      logger,
      rule: { name: "storefront", limit: env.RATE_LIMIT_STOREFRONT_PER_MIN, windowMs: 60_000 },
      // Per tenant and client IP: one shop's flood never limits another shop (req.ip honours TRUSTED_PROXIES only).
      subject: (req, res) => {
        const tenant = (res.locals.tenantContext as TenantContext).tenant;
        return tenant ? `${tenant.id}:${req.ip}` : null;
      },
    }),
  );
  // Digital downloads (ADR 039): a signed link of the host's shop, after the rate limit (each one is counted anyway).
  app.get("/digital/:token", digitalDownloadHandler(services));
  app.post("/api/storefront/telegram/session", jsonBody("16kb"), miniAppSessionHandler(services));
  app.use("/api/storefront", storefrontOrdersRouter(services, env, logger));
  // The storefront checkout page's form posts (Remix: /checkout, or /checkout.data with single fetch) count against the
  // same checkout limit as the JSON API, so the page is no way around it.
  app.post(["/checkout", "/checkout.data"], checkoutRateLimit(services, env, logger));
  app.use("/api/storefront", storefrontRouter(services));

  // TEN-5: previews exist on the platform host only; on a shop's host the answer is a typed refusal.
  app.use("/t", (_req, res, next) =>
    (res.locals.tenantContext as TenantContext).isPlatformHost
      ? next()
      : sendError(res, new ApiError(403, "PREVIEW_FORBIDDEN", "Previews are only available on the platform host.")),
  );
  app.use(authContext(services.auth));
  app.use("/api", controlPlaneRouter(services));
  app.use(crossSiteGuard(env.TRUSTED_PROXIES));
  app.use(formBodyCheck());

  const flashSecret = flashSecretOf(env);
  app.all(
    "/{*splat}",
    remixHandler({
      build,
      trustedProxies: env.TRUSTED_PROXIES,
      getLoadContext: (_req, res) => ({
        ...(res.locals.tenantContext as TenantContext),
        platformDomain: env.PLATFORM_DOMAIN,
        flashSecret,
        cspNonce: res.locals.cspNonce as string,
        actor: (res.locals.actor as Actor | null) ?? null,
        csrfToken: (res.locals.csrfToken as string | null) ?? null,
        request: { ip: _req.ip ?? "unknown", userAgent: _req.get("user-agent") ?? null, secure: _req.secure },
        services,
      }),
    }),
  );
  app.use(errorHandler(logger));
  return app;
}
