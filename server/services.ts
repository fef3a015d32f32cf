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
import { BotRegistry, Commands, createTelegramClient, deliverNotification, notifyTenantAdmins, type NotificationEvent } from "./bots/index.ts";
import type { Job, Queue } from "bullmq";
import { secretBoxFromEnv, type SecretBox } from "./secrets/index.ts";
import { createQueue, enqueueJob, MONEY_QUEUE } from "./jobs/worker.ts";
import { MoneyService, bullScheduler, moneyConfigFromEnv, syncMoneyQueuePause } from "./money/index.ts";
import { ApiError } from "./http/errors.ts";

export interface Services {
  prisma: PrismaClient;
  redis: Redis;
  auth: AuthService;
  team: TeamService;
  tenants: TenantLifecycle;
  catalog: CatalogService;
  uploads: UploadService;
  bots: BotRegistry;
  botCommands: Commands;
  money: MoneyService;
  /** The money jobs' queue (paused while the global kill switch is on). */
  moneyQueue: Queue;
  notifyTenantAdmins(tenantId: string, event: NotificationEvent): Promise<{ queued: number }>;
  deliverNotification(data: { botId: string; chatId: string; text: string }, job: Job, token?: string): Promise<void>;
  /** The secret box; throws SECRETS_NOT_CONFIGURED when SECRET_BOX_KEY is missing (allowed outside production). */
  box(): SecretBox;
  close(): Promise<void>;
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
  let box: SecretBox | undefined;
  const getBox = () => {
    if (!env.SECRET_BOX_KEY) throw new ApiError(503, "SECRETS_NOT_CONFIGURED", "Stored secrets are unavailable: SECRET_BOX_KEY is not set.");
    box ??= secretBoxFromEnv(env);
    return box;
  };
  const queue = createQueue(redis, env.REDIS_PREFIX);
  const telegram = (token: string) => createTelegramClient({ apiRoot: env.TELEGRAM_API_ROOT, token, timeoutMs: env.TELEGRAM_TIMEOUT_MS });
  const botDeps = { prisma, box: getBox, telegram, platformDomain: env.PLATFORM_DOMAIN };
  const bots = new BotRegistry({
    ...botDeps,
    enqueue: (name, data) => enqueueJob(queue, name, data),
    webhookBaseUrl: env.TELEGRAM_WEBHOOK_BASE_URL ?? `https://${env.PLATFORM_DOMAIN}`,
  });
  const moneyQueue = createQueue(redis, env.REDIS_PREFIX, MONEY_QUEUE);
  const notify = (tenantId: string, event: NotificationEvent) => notifyTenantAdmins({ prisma, queue }, tenantId, event);
  const money = new MoneyService({
    prisma, redis, prefix: env.REDIS_PREFIX, logger, config: moneyConfigFromEnv(env), scheduler: bullScheduler(moneyQueue), notify,
    onGlobalKillSwitch: (engaged) => syncMoneyQueuePause(moneyQueue, engaged),
  });
  return {
    prisma,
    redis,
    money,
    moneyQueue,
    box: getBox,
    bots,
    notifyTenantAdmins: notify,
    deliverNotification: (data, job, token) => deliverNotification({ ...botDeps, redis, prefix: env.REDIS_PREFIX, registry: bots }, data, job, token),
    botCommands: new Commands({ ...botDeps, redis, prefix: env.REDIS_PREFIX }),
    close: async () => {
      await queue.close();
      await moneyQueue.close();
    },
    auth: new AuthService({ prisma, guard, sessionTtlMs: env.SESSION_TTL_DAYS * 86_400_000 }),
    team: new TeamService({ prisma }),
    tenants: new TenantLifecycle({ prisma, publish }),
    catalog: new CatalogService({ prisma }),
    uploads: new UploadService({ prisma, store: new LocalDiskStore(path.resolve(env.UPLOADS_DIR)) }),
    publishTenancyChange: publish,
  };
}
