/**
 * The domain services, built once per process and shared by the JSON API (Express) and the Remix UI (through the
 * load context), so both surfaces run exactly the same code for every mutation.
 */
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@prisma/client";
import { ReportsService } from "#server/reports/index.ts";
import type { SqlRunner } from "#server/db/index.ts";
import type { RedisClient } from "./redis.ts";
import type { Env } from "./env.ts";
import { type Logger, type Registry, TenantRequestStats } from "./observability/index.ts";
import { AccountRecovery, AuthService, LoginGuard, TeamService, hashLimiter } from "./auth/index.ts";
import { TenantLifecycle, publishTenancyChange } from "./tenancy/index.ts";
import { CatalogService } from "./catalog/index.ts";
import { backupAllShops, pruneBackups, registerBackupMetrics, type ShopBackupResult } from "./backups/index.ts";
import { DigitalService } from "./digital/index.ts";
import { createRemoteImageFetcher, EvidenceService, LocalDiskStore, UploadService } from "./uploads/index.ts";
import { BotConversation, BotRegistry, createTelegramClient, deliverNotification, notifyOrderBuyer, notifyTenantAdmins, type NotificationEvent } from "./bots/index.ts";
import type { Job, Queue } from "bullmq";
import { secretBoxFromEnv, type SecretBox } from "./secrets/index.ts";
import { createQueue, DeferredEnqueues, enqueueJob, MONEY_QUEUE } from "./jobs/index.ts";
import { MoneyService, bullScheduler, moneyConfigFromEnv, syncMoneyQueuePause } from "./money/index.ts";
import { ApiError, CircuitBreaker } from "./http/index.ts";
import type { ChainRuntime } from "./chain/index.ts";
import { createDnsLookup, DomainService, type EdgeTarget } from "./domains/index.ts";
import { CertificateService } from "./certificates/index.ts";
import { AlertService } from "./alerts/index.ts";
import { createCaddyAdmin, EdgeReconciler, probeTls, type OwnCertificate } from "./edge/index.ts";
import { DocumentService, DocumentStore } from "./documents/index.ts";
import { CustomersService } from "./customers/index.ts";
import { MailService, ShopSenderService, createPrepare, mailConfigFromEnv, mailLinks, platformOrigin, platformTransport } from "./mail/index.ts";

export interface Services {
  prisma: PrismaClient;
  redis: RedisClient;
  auth: AuthService;
  /** Password reset and email verification links (ADR 030). */
  recovery: AccountRecovery;
  team: TeamService;
  tenants: TenantLifecycle;
  catalog: CatalogService;
  uploads: UploadService;
  /** Manual-invoice payment evidence: private files, members only (ADR 025). */
  evidence: EvidenceService;
  digital: DigitalService;
  /** Invoices and credit notes: numbered by the database when an order is paid or refunded, rendered on first download (ADR 028). */
  documents: DocumentService;
  bots: BotRegistry;
  botConversation: BotConversation;
  domains: DomainService;
  /** Merchants' own certificates for their custom domains (ADR 042). */
  certificates: CertificateService;
  /** Owner alerts through the platform's own bot, deduplicated in the alerts table (ADR 042). */
  alerts: AlertService;
  /** The shop's own SMTP sender (ADR 027); MailService sends through it. */
  shopSender: ShopSenderService;
  /** The platform job queue (BullMQ). */
  queue: Queue;
  /** The edge reconciler; null when CADDY_ADMIN_URL is not set (routes are then not managed by this platform). */
  edge: EdgeReconciler | null;
  money: MoneyService;
  /** Sales overview and the Payouts page's balances, movements and statements (ADR 031). */
  reports: ReportsService;
  /** Customers, marketing consent and announcements (ADR 033). */
  customers: CustomersService;
  /** The money jobs' queue (paused while the global kill switch is on). */
  moneyQueue: Queue;
  /** Mail outbox delivery (ADR 026): kick() after commit, stats() and listForTenant() for the pages. */
  mail: MailService;
  /** Per-shop backups and their retention (ADR 043): the daily jobs' entry points. */
  backups: { daily(): Promise<ShopBackupResult[]>; prune(): Promise<{ pruned: number }>; registerMetrics(registry: Registry): void };
  /** OPS-1: per-shop request and 5xx counts, summed over instances in Redis (started by web processes). */
  requestStats: TenantRequestStats;
  /** `deferred`: Redis was away; the notification is parked in this process and enqueued once Redis is back. */
  notifyTenantAdmins(tenantId: string, event: NotificationEvent): Promise<{ queued: number; deferred?: boolean }>;
  deliverNotification(data: Parameters<typeof deliverNotification>[1], job: Job, token?: string): Promise<void>;
  /** The secret box; throws SECRETS_NOT_CONFIGURED when SECRET_BOX_KEY is missing (allowed outside production). */
  box(): SecretBox;
  close(): Promise<void>;
  /** Tell every instance's resolver that tenancy data changed (call after commit). */
  publishTenancyChange(reason: string): Promise<void>;
}

/** `money`: the money services' own connection (MONEY_DATABASE_URL, ADR 044); default: the app's. */
export function createServices(deps: { prisma: PrismaClient; sql: SqlRunner; redis: RedisClient; env: Env; logger: Logger; chain?: ChainRuntime | null; money?: { prisma: PrismaClient; sql: SqlRunner } }): Services {
  const { prisma, redis, env, logger } = deps;
  // The write has committed by now; if Redis is down the caches still expire within TENANT_CACHE_TTL_MS, so the
  // mutation must not be reported as failed. The failure is logged loudly instead.
  const publish = (reason: string) =>
    publishTenancyChange(redis, env.REDIS_PREFIX, reason).catch((err: Error) =>
      logger.error({ err: err.message, reason }, "tenancy invalidation not published; caches expire by TTL"),
    );
  const guard = new LoginGuard({
    redis,
    prefix: env.REDIS_PREFIX,
    limit: env.RATE_LIMIT_AUTH_PER_15MIN,
    ipFailures: env.RATE_LIMIT_AUTH_IP_FAILURES_PER_15MIN,
    ipAttempts: env.RATE_LIMIT_AUTH_IP_ATTEMPTS_PER_15MIN,
    windowMs: 15 * 60_000,
    backoffMaxMs: env.AUTH_BACKOFF_MAX_MS,
    signupsPerHour: env.RATE_LIMIT_SIGNUP_PER_HOUR,
    accountMailLimit: env.RATE_LIMIT_ACCOUNT_MAIL_PER_15MIN,
  });
  // Links in mail that no request on the platform host caused (PUBLIC_BASE_URL, ADR 026).
  const dashboardOrigin = () => platformOrigin(env);
  hashLimiter().configure({ concurrency: env.AUTH_HASH_CONCURRENCY, maxQueue: env.AUTH_HASH_QUEUE });
  let box: SecretBox | undefined;
  const getBox = () => {
    if (!env.SECRET_BOX_KEY) throw new ApiError(503, "SECRETS_NOT_CONFIGURED", "Stored secrets are unavailable: SECRET_BOX_KEY is not set.");
    box ??= secretBoxFromEnv(env);
    return box;
  };
  const queue = createQueue(redis, env.REDIS_PREFIX);
  const telegramBreaker = outboundBreaker(env);
  const telegram = (token: string) => createTelegramClient({ apiRoot: env.TELEGRAM_API_ROOT, token, timeoutMs: env.TELEGRAM_TIMEOUT_MS, breaker: telegramBreaker });
  const botDeps = { prisma, box: getBox, telegram, platformDomain: env.PLATFORM_DOMAIN };
  const bots = new BotRegistry({
    ...botDeps,
    enqueue: (name, data) => enqueueJob(queue, name, data),
    webhookBaseUrl: env.TELEGRAM_WEBHOOK_BASE_URL ?? `https://${env.PLATFORM_DOMAIN}`,
    dashboardOrigin,
  });
  // The edge loads own certificates through the service below (declared after it: the edge is also its sync).
  const edge = createEdge(deps, () => certificates.forEdge());
  const certificates = new CertificateService({
    prisma, box: getBox, publish,
    sync: edge ? (reason) => edge.reconcile(reason, { expected: true }) : undefined,
    extraRoots: extraRootsFrom(env.CERT_UPLOAD_EXTRA_ROOTS_FILE),
  });
  const uploads = new UploadService({ prisma, store: new LocalDiskStore(path.resolve(env.UPLOADS_DIR)) });
  const dns = createDnsLookup({ servers: env.DNS_SERVERS, timeoutMs: env.DNS_TIMEOUT_MS });
  const moneyQueue = createQueue(redis, env.REDIS_PREFIX, MONEY_QUEUE);
  // A notification enqueued while Redis is away is parked and retried, never dropped; its job ids dedupe the retry.
  const deferred = new DeferredEnqueues({ logger });
  const notify = async (tenantId: string, event: NotificationEvent) => {
    const { orderId, kind, detail } = event;
    // The order's Mini App buyer hears about it from the shop's bot too (ADR 032); deduplicated per (order, event).
    if (orderId && kind) await deferred.run(`buyer|${tenantId}|${orderId}|${kind}`, () => notifyOrderBuyer({ prisma, queue }, tenantId, orderId, kind, detail));
    return (await deferred.run(`notify|${tenantId}|${event.id}`, () => notifyTenantAdmins({ prisma, queue, sql: deps.sql.query, dashboardOrigin }, tenantId, event))) ?? { queued: 0, deferred: true };
  };
  const money = new MoneyService({
    prisma: deps.money?.prisma ?? prisma, sql: deps.money?.sql ?? deps.sql, redis, prefix: env.REDIS_PREFIX, logger, config: moneyConfigFromEnv(env), scheduler: bullScheduler(moneyQueue), notify,
    onGlobalKillSwitch: (engaged) => syncMoneyQueuePause(moneyQueue, engaged),
    chain: deps.chain ?? null,
    box: getBox,
  });
  const links = mailLinks(env);
  const reports = new ReportsService({ prisma, sql: deps.sql });
  const documents = new DocumentService({ prisma, uploads, store: new DocumentStore(path.resolve(env.DOCUMENTS_DIR)) });
  const shopSender = new ShopSenderService({
    prisma, box: getBox, dns, production: env.NODE_ENV === "production", spfInclude: env.MAIL_SPF_INCLUDE,
    redis, prefix: env.REDIS_PREFIX, limit: env.RATE_LIMIT_SHOP_TEST_MAIL_PER_15MIN,
    links: env,
  });
  const mail = new MailService({
    prisma, redis, prefix: env.REDIS_PREFIX, queue, logger, config: mailConfigFromEnv(env), transport: platformTransport(env, logger),
    // The payment-received mail carries the invoice, rendered (once) when the mail is sent.
    attachment: (tenantId, ref) => documents.file(tenantId, ref.orderId, ref.kind),
    // A shop with its own verified sender sends through it (ADR 027); every other shop through the platform's.
    shopSender: (tenantId) => shopSender.shopSender(tenantId),
    // Order mail rows written by the order-events trigger carry only {orderId, event}: the order's data is read here.
    prepare: createPrepare({
      prisma, money: { secret: env.MONEY_SECRET, oldSecrets: env.MONEY_SECRET_OLD }, links,
      showsPlatformFee: async (tenantId) =>
        (await prisma.tenantPaymentPolicy.findUnique({ where: { tenantId }, select: { invoiceShowPlatformFee: true } }))?.invoiceShowPlatformFee ?? false,
    }),
  });
  const customers = new CustomersService({
    prisma, secrets: [env.MONEY_SECRET, ...env.MONEY_SECRET_OLD], shopOrigin: ({ slug, primaryHost }) => links.shopOrigin(primaryHost ?? `${slug}.${env.PLATFORM_DOMAIN}`),
    bots: { ...botDeps, redis, prefix: env.REDIS_PREFIX, registry: bots },
    // One job per announcement: its id makes a second enqueue a no-op; retries resume from the recipient rows.
    enqueueSend: (tenantId, announcementId) => enqueueJob(queue, "announcements.send", { tenantId, announcementId }, { jobId: `announcement-${announcementId}` }),
    kickMail: () => void mail.kick().catch((err: Error) => logger.warn({ err: err.message }, "mail kick failed; the sweep will send it")),
  });
  const backupDeps = { sql: deps.sql, dir: path.resolve(env.BACKUP_DIR), logger };
  return {
    prisma,
    redis,
    money,
    backups: {
      daily: () => backupAllShops(backupDeps), prune: () => pruneBackups(backupDeps),
      registerMetrics: (registry) => registerBackupMetrics(registry, deps.sql.query),
    },
    mail,
    reports,
    customers,
    moneyQueue,
    requestStats: new TenantRequestStats({
      redis, prefix: env.REDIS_PREFIX, flushMs: env.TENANT_STATS_FLUSH_MS,
      onError: (err) => logger.warn({ err: err.message }, "per-shop request counts not stored"),
    }),
    box: getBox,
    edge,
    certificates,
    alerts: new AlertService({
      prisma, logger,
      // Its own client (not the shops' breaker): a platform bot must still speak when shops' bots are failing.
      send: env.PLATFORM_BOT_TOKEN ? platformSender(env) : undefined,
    }),
    queue,
    domains: new DomainService({
      prisma, redis, prefix: env.REDIS_PREFIX, platformDomain: env.PLATFORM_DOMAIN,
      dns,
      dashboardOrigin,
      edge: edgeTarget(env),
      publish,
      sync: edge ? (reason) => edge.reconcile(reason, { expected: true }) : undefined,
      probe: env.EDGE_PROBE_ADDRESS ? probeFor(env) : undefined,
      notify,
      // A unique job id per retry: completed jobs are remembered for a week, and a later edge failure needs a new job.
      retry: (tenantId, domainId) => enqueueJob(queue, "domains.check", { tenantId, domainId }, { jobId: `domain-edge-${domainId}-${Date.now()}` }),
      manualCheckMinMs: env.DOMAIN_MANUAL_CHECK_MIN_MS,
      pendingMaxDays: env.DOMAIN_PENDING_MAX_DAYS,
      degradedGraceHours: env.DOMAIN_DEGRADED_GRACE_HOURS,
    }),
    shopSender,
    bots,
    notifyTenantAdmins: notify,
    deliverNotification: (data, job, token) => deliverNotification({ ...botDeps, redis, prefix: env.REDIS_PREFIX, registry: bots }, data, job, token),
    botConversation: new BotConversation({
      ...botDeps, redis, prefix: env.REDIS_PREFIX, dashboardOrigin,
      overview: (tenantId) => reports.overview(tenantId, 30),
      ship: (actor, tenantId, orderId) => money.ship(actor, tenantId, orderId),
      tenancyChanged: publish,
      unsubscribe: (scope, userId) => customers.optOutTelegramUser(scope, userId),
    }),
    close: async () => {
      await deferred.close();
      mail.close();
      await queue.close();
      await moneyQueue.close();
    },
    auth: new AuthService({ prisma, guard, sessionTtlMs: env.SESSION_TTL_DAYS * 86_400_000, secureCookiesOnly: env.NODE_ENV === "production", platformOrigin: dashboardOrigin }),
    recovery: new AccountRecovery({ prisma, guard }),
    team: new TeamService({ prisma, platformOrigin: dashboardOrigin }),
    tenants: new TenantLifecycle({ prisma, publish, tokenSymbol: deps.chain?.tokenSymbol ?? null, edgePools: ["shared", ...Object.keys(env.EDGE_POOLS).filter((p) => p !== "shared")] }),
    catalog: new CatalogService({ prisma, images: { uploads, fetchImage: createRemoteImageFetcher({ testAllow: env.IMAGE_FETCH_TEST_ALLOW }) } }),
    uploads,
    documents,
    evidence: new EvidenceService({ prisma, store: new LocalDiskStore(path.resolve(env.EVIDENCE_DIR)) }),
    digital: new DigitalService({ prisma, store: new LocalDiskStore(path.resolve(env.DIGITAL_DIR)), secrets: [env.MONEY_SECRET, ...env.MONEY_SECRET_OLD] }),
    publishTenancyChange: publish,
  };
}

/** One per outside service and process (server/http/circuit-breaker.ts). */
const outboundBreaker = (env: Env) => new CircuitBreaker({ failures: env.OUTBOUND_BREAKER_FAILURES, cooldownMs: env.OUTBOUND_BREAKER_COOLDOWN_MS });

/** DOM-1: what merchants point their records at. */
export function edgeTarget(env: Env): EdgeTarget {
  return { cnameTarget: env.EDGE_CNAME_TARGET ?? `edge.${env.PLATFORM_DOMAIN}`, ipv4: env.EDGE_IPV4, ipv6: env.EDGE_IPV6, caaIssuers: env.EDGE_CAA_ISSUERS };
}

function platformSender(env: Env) {
  const client = createTelegramClient({ apiRoot: env.TELEGRAM_API_ROOT, token: env.PLATFORM_BOT_TOKEN!, timeoutMs: env.TELEGRAM_TIMEOUT_MS });
  return (chatId: string, text: string) => client.sendMessage({ chat_id: chatId, text, link_preview_options: { is_disabled: true } });
}

/** Roots from a PEM file, read once (on first use). */
function extraRootsFrom(file: string | undefined) {
  let roots: Promise<X509Certificate[]> | undefined;
  return async () => {
    if (!file) return [];
    roots ??= readFile(file, "utf8").then((pem) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p)));
    return roots;
  };
}

function createEdge(
  { prisma, redis, env, logger }: { prisma: PrismaClient; redis: RedisClient; env: Env; logger: Logger },
  ownCertificates: () => Promise<OwnCertificate[]>,
): EdgeReconciler | null {
  if (!env.CADDY_ADMIN_URL) return null;
  const base = env.EDGE_BASE_CONFIG;
  return new EdgeReconciler({
    prisma, redis, prefix: env.REDIS_PREFIX, logger,
    admin: createCaddyAdmin({ adminUrl: env.CADDY_ADMIN_URL, timeoutMs: env.CADDY_ADMIN_TIMEOUT_MS, breaker: outboundBreaker(env) }),
    serverName: env.EDGE_SERVER_NAME,
    platformDomain: env.PLATFORM_DOMAIN,
    ownCertificates,
    upstreams: env.EDGE_POOLS.shared ?? (env.EDGE_UPSTREAMS.length ? env.EDGE_UPSTREAMS : [`127.0.0.1:${env.PORT}`]),
    pools: env.EDGE_POOLS,
    baseConfig: base ? async () => JSON.parse(await readFile(base, "utf8")) : undefined,
  });
}

function probeFor(env: Env) {
  let ca: Promise<string | undefined> | undefined;
  return (hostname: string) => {
    ca ??= env.EDGE_PROBE_CA_FILE ? readFile(env.EDGE_PROBE_CA_FILE, "utf8") : Promise.resolve(undefined);
    return ca.then((caPem) => probeTls({ hostname, address: env.EDGE_PROBE_ADDRESS!, caPem }));
  };
}
