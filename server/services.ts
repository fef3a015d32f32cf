/**
 * The domain services, built once per process and shared by the JSON API (Express) and the Remix UI (through the
 * load context), so both surfaces run exactly the same code for every mutation.
 */
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import type { Env } from "./env.ts";
import type { Logger } from "./observability/logger.ts";
import { AuthService, LoginGuard, TeamService } from "./auth/index.ts";
import { TenantLifecycle, publishTenancyChange } from "./tenancy/index.ts";
import { CatalogService } from "./catalog/index.ts";
import { LocalDiskStore, UploadService } from "./uploads/index.ts";

export interface Services {
  prisma: PrismaClient;
  redis: Redis;
  auth: AuthService;
  team: TeamService;
  tenants: TenantLifecycle;
  catalog: CatalogService;
  uploads: UploadService;
  /** Tell every instance's resolver that tenancy data changed (call after commit). */
  publishTenancyChange(reason: string): Promise<void>;
}

export function createServices(deps: { prisma: PrismaClient; redis: Redis; env: Env; logger: Logger }): Services {
  const { prisma, redis, env, logger } = deps;
  // The write has committed by now; if Redis is down the caches still expire within TENANT_CACHE_TTL_MS, so the
  // mutation must not be reported as failed. The failure is logged loudly instead.
  const publish = (reason: string) =>
    publishTenancyChange(redis, env.REDIS_PREFIX, reason).catch((err: Error) =>
      logger.error({ err: err.message, reason }, "tenancy invalidation not published; caches expire by TTL"),
    );
  const guard = new LoginGuard({ redis, prefix: env.REDIS_PREFIX, limit: env.RATE_LIMIT_AUTH_PER_15MIN, windowMs: 15 * 60_000, signupsPerHour: env.RATE_LIMIT_SIGNUP_PER_HOUR });
  return {
    prisma,
    redis,
    auth: new AuthService({ prisma, guard, sessionTtlMs: env.SESSION_TTL_DAYS * 86_400_000 }),
    team: new TeamService({ prisma }),
    tenants: new TenantLifecycle({ prisma, publish }),
    catalog: new CatalogService({ prisma }),
    uploads: new UploadService({ prisma, store: new LocalDiskStore(path.resolve(env.UPLOADS_DIR)) }),
    publishTenancyChange: publish,
  };
}
