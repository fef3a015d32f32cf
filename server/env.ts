/**
 * Environment, validated once at boot. Code gets it from `getEnv()` (parsed on first use, then cached), never from
 * `process.env`. Each area has its own small schema; `envSchema` merges them, and `parseEnv` checks a source against
 * it plus the key-format and production-only rules, failing fast with a readable message.
 */
import { createHmac } from "node:crypto";
import { availableParallelism } from "node:os";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const coreEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  MODE: z.enum(["web", "worker", "all"]).default("all"),
  // Web processes under one supervisor (server/supervisor.ts), sharing the port. Unset: one per core in production,
  // 1 elsewhere (webConcurrency()). 1 runs the plain single process, with no supervisor.
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Serves /bench/bare, the bare Remix page `npm run bench` measures the storefront against. Off everywhere else;
  // in production only inside the bench's own process (its preload, bench/bench-process.ts, marks it).
  BENCH_BARE_PAGE: bool.default(false),
});

/** "host:port,host:port" → [{ host, port }], for the Redis Cluster seeds and the Sentinels. */
const hostPorts = z
  .string()
  .default("")
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "must be host:port")))
  .transform((list) => list.map((x) => ({ host: x.slice(0, x.lastIndexOf(":")), port: Number(x.slice(x.lastIndexOf(":") + 1)) })))
  .pipe(z.array(z.object({ host: z.string(), port: z.number().int().min(1).max(65535) })));

export const dataEnvSchema = z.object({
  // postgresql://… for real Postgres; pglite:<dir> for the embedded demo database. Unset → demo PGlite under .data/.
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|pglite:)/, "must start with postgresql:// or pglite:")
    .default("pglite:.data/pglite"),
  // The money services' own connection (ADR 044): a user in storefront_money, while DATABASE_URL's user is in
  // storefront_app and so cannot UPDATE or DELETE ledger, escrow or payout rows. Unset: money uses DATABASE_URL.
  MONEY_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgresql://").optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").default("redis://127.0.0.1:6379"),
  // A Redis Cluster instead of REDIS_URL: comma-separated host:port seed nodes (any masters; the rest is discovered).
  // BullMQ's keys then carry a hash tag (docs/decisions/021-redis-topologies.md). Empty: not a cluster.
  REDIS_CLUSTER_NODES: hostPorts,
  // Redis Sentinel instead of REDIS_URL: comma-separated host:port of the sentinels, plus REDIS_SENTINEL_NAME, the
  // master group they watch. The app follows a failover to the promoted replica. Empty: no Sentinel.
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a Sentinel master name").optional(),
  // Prefix for every Redis key and channel, so several deployments (or test files) can share one Redis.
  REDIS_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/).default("sf:"),
});

export const tenancyEnvSchema = z.object({
  PLATFORM_DOMAIN: z
    .string()
    .transform((s) => s.toLowerCase().replace(/\.$/, ""))
    .pipe(z.string().regex(/^[a-z0-9.-]+$/, "must be a bare host name like shops.example.com"))
    .default("localhost"),
  // Comma-separated IPs whose X-Forwarded-* headers are believed (Caddy on loopback). Empty: none.
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
  TENANT_CACHE_TTL_MS: z.coerce.number().int().positive().default(300_000),
  TENANT_NEGATIVE_TTL_MS: z.coerce.number().int().positive().default(30_000),
  TENANT_CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
  // Storefront requests per minute per tenant + client IP (docs/security.md 3).
  RATE_LIMIT_STOREFRONT_PER_MIN: z.coerce.number().int().positive().default(120),
});

export const authEnvSchema = z.object({
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  // Failed sign-ins per client IP + account per 15 minutes; the 11th gets 429 (docs/security.md 3).
  RATE_LIMIT_AUTH_PER_15MIN: z.coerce.number().int().positive().default(10),
  // Per client IP across all accounts, per 15 minutes: failed sign-ins, and sign-in attempts of any outcome. Checked
  // before the password is hashed, so one IP cannot keep the hashing threads busy (docs/decisions/019).
  RATE_LIMIT_AUTH_IP_FAILURES_PER_15MIN: z.coerce.number().int().positive().default(50),
  RATE_LIMIT_AUTH_IP_ATTEMPTS_PER_15MIN: z.coerce.number().int().positive().default(300),
  // Longest wait before answering a sign-in for an account with recent failures (the backoff doubles up to it).
  AUTH_BACKOFF_MAX_MS: z.coerce.number().int().min(0).max(30_000).default(3_000),
  // Password hashes (scrypt) running at once per process, and how many may wait; past that a sign-in gets 429.
  // Keeps libuv's thread pool (file reads, gzip, DNS) free for everything else. The default is half the CPU cores,
  // 1 to 2: each hash keeps a core busy, and on 2 cores two hashes slowed every page 2–3× in the login-flood bench
  // (P8, docs/decisions/022) where one left them as fast as when idle.
  AUTH_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2)))),
  AUTH_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  // Sign-ups per client IP per hour.
  RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().positive().default(20),
  // Password reset requests and verification resends per 15 minutes, per client IP and per account (the 6th gets 429;
  // ADR 030). Reset confirmations per IP get twice this.
  RATE_LIMIT_ACCOUNT_MAIL_PER_15MIN: z.coerce.number().int().positive().default(5),
  // Signs the flash cookie that carries a success toast across a redirect (app/utils/toast.server.ts). Unset: a key
  // derived from MONEY_SECRET (required in production), so deployments need no new setting.
  FLASH_SECRET: z.string().min(32).optional(),
});

export const storageEnvSchema = z.object({
  // Local directory for uploaded images (tenant-prefixed random names). Use a persistent volume in production.
  UPLOADS_DIR: z.string().min(1).default(".data/uploads"),
  // Local directory for manual-invoice payment evidence (PDF/PNG/JPEG). Private: never served under /media, only to
  // the shop's members through the API. Keep it outside UPLOADS_DIR, on a persistent volume in production.
  EVIDENCE_DIR: z.string().min(1).default(".data/evidence"),
  // Local directory for rendered invoices and credit notes ("<tenantId>/<document id>.pdf", ADR 028). Private like
  // EVIDENCE_DIR: served only to the order's buyer and the shop's members. A persistent volume in production.
  DOCUMENTS_DIR: z.string().min(1).default(".data/documents"),
  // The backup store (ADR 043): per-shop archives ("<tenantId>/<slug>-<time>.jsonl.gz" + ".sha256") and, from
  // `npm run backup:base`, base backups under base/ and archived WAL under wal/. Put it on other storage than the database.
  BACKUP_DIR: z.string().min(1).default(".data/backups"),
  // Postgres's binaries for backup:base and backup:drill. Unset: the newest /usr/lib/postgresql/<version>/bin.
  PG_BIN: z.string().min(1).optional(),
  // Local directory for digital items' files (up to 200 MB each, ADR 039). Private like EVIDENCE_DIR: served only
  // through a paid order's signed, expiring, counted download link. A persistent volume in production.
  DIGITAL_DIR: z.string().min(1).default(".data/digital"),
});

export const telegramEnvSchema = z.object({
  // The Bot API root; tests point it at the loopback fake.
  TELEGRAM_API_ROOT: z.string().regex(/^https?:\/\//).default("https://api.telegram.org"),
  // Where Telegram delivers updates (+ /api/telegram/webhook/<bot id>). Default: https://<PLATFORM_DOMAIN>.
  TELEGRAM_WEBHOOK_BASE_URL: z.string().regex(/^https?:\/\//).optional(),
  TELEGRAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export const jobsEnvSchema = z.object({
  JOBS_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(1_000),
  // A job whose worker died is taken up again after its lock expires (checked every stalled interval).
  JOBS_LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  JOBS_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
});

export const secretsEnvSchema = z.object({
  // 32 bytes as 64 hex chars or base64. Required in production; the demo creates one under .data/.
  SECRET_BOX_KEY: z.string().optional(),
  // Comma-separated earlier keys, still accepted for reading until `npm run secrets:rotate` has re-encrypted.
  SECRET_BOX_OLD_KEYS: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
});

/** A pool name of EDGE_POOLS; the same format the tenants.edge_pool CHECK enforces. */
export const EDGE_POOL_NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;
const csv = z.string().default("").transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

export const edgeEnvSchema = z.object({
  // DOM-2: resolvers for domain verification, "ip" or "ip:port", comma-separated. Empty: the system's resolvers.
  DNS_SERVERS: csv,
  DNS_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2_000),
  // DOM-1: what merchants point their records at. Default: edge.<PLATFORM_DOMAIN>.
  EDGE_CNAME_TARGET: z.string().regex(/^[a-z0-9.-]+$/i).optional(),
  // Apex domains need the edge's addresses (A/AAAA); empty: apex mode is refused with a clear message.
  EDGE_IPV4: csv.pipe(z.array(z.ipv4())),
  EDGE_IPV6: csv.pipe(z.array(z.ipv6())),
  // CAA issuer domains of the edge's certificate authorities; a domain whose CAA forbids all of them cannot verify.
  EDGE_CAA_ISSUERS: z.string().default("letsencrypt.org,sectigo.com").transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
  // Caddy's admin API (keep it on loopback). Unset: routes are not managed (required in production).
  CADDY_ADMIN_URL: z.string().regex(/^https?:\/\/[^/]+$/).optional(),
  CADDY_ADMIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // The Caddy server (apps.http.servers.<name>) whose routes we own; a Caddyfile names its first server srv0.
  EDGE_SERVER_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default("edge"),
  // Full Caddy JSON config loaded when Caddy is found without that server (started empty); optional.
  EDGE_BASE_CONFIG: z.string().optional(),
  // The app pool Caddy proxies shops to, host:port, comma-separated. Default: 127.0.0.1:<PORT>.
  EDGE_UPSTREAMS: csv,
  // Upstream pools by name (ADR 048): "shared=h:p,h:p;enterprise-a=h:p". A shop's tenants.edge_pool picks one.
  // Default: one pool "shared" = EDGE_UPSTREAMS; when set without "shared", that pool still defaults to EDGE_UPSTREAMS.
  EDGE_POOLS: z.string().default("").transform((s, ctx) => {
    const pools: Record<string, string[]> = {};
    for (const part of s.split(";").map((x) => x.trim()).filter(Boolean)) {
      const eq = part.indexOf("=");
      const name = part.slice(0, eq).trim();
      const ups = part.slice(eq + 1).split(",").map((x) => x.trim()).filter(Boolean);
      if (eq < 1 || !EDGE_POOL_NAME.test(name) || name === "app" || name in pools || !ups.length || !ups.every((u) => /^[^:\s]+:\d{1,5}$/.test(u))) {
        ctx.addIssue({ code: "custom", message: `EDGE_POOLS: "${part}" is not name=host:port[,host:port] (name a-z0-9-, not "app", once)` });
        return z.NEVER;
      }
      pools[name] = ups;
    }
    return pools;
  }),
  EDGE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  // Where the TLS probe connects (SNI = the domain): the edge's HTTPS listener. Unset: no TLS probes.
  EDGE_PROBE_ADDRESS: z.string().regex(/^[^:\s]+:\d{1,5}$/).optional(),
  // Extra trusted root for the probe (e.g. Caddy's local CA in the demo: <caddy data>/pki/authorities/local/root.crt).
  EDGE_PROBE_CA_FILE: z.string().optional(),
  // PEM roots trusted for merchants' own certificates on top of Node's store (ADR 042): a private PKI, or the tests' CA.
  CERT_UPLOAD_EXTRA_ROOTS_FILE: z.string().optional(),
  // The platform's own Telegram bot for owner alerts (ADR 042), never a shop's bot; unset: alerts are recorded only.
  ALERTS_CHECK_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  PLATFORM_BOT_TOKEN: z.string().regex(/^\d{5,20}:[A-Za-z0-9_-]{30,50}$/, "a Telegram bot token").optional(),
  // DOM-4 schedules.
  DOMAIN_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  DOMAIN_PENDING_MAX_DAYS: z.coerce.number().min(0.0001).max(90).default(7),
  DOMAIN_DEGRADED_GRACE_HOURS: z.coerce.number().min(0).max(24 * 90).default(72),
  // Least time between two merchant-triggered checks of one domain.
  DOMAIN_MANUAL_CHECK_MIN_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
});

// Observability: the /metrics endpoint and the per-shop request counts of the operator console.
export const observabilityEnvSchema = z.object({
  // OPS-3: scrapers send `Authorization: Bearer <METRICS_TOKEN>` to /metrics. Required in production; unset (dev,
  // tests): /metrics answers only direct calls (no X-Forwarded-For/Forwarded) from loopback or TRUSTED_PROXIES.
  METRICS_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  // OPS-1: how often each instance adds its per-shop request and 5xx counts to Redis for the console.
  TENANT_STATS_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
});

export const outboundEnvSchema = z.object({
  // docs/security.md Reliability 6: after this many outage errors in a row (timeouts, refused connections, 5xx), calls to
  // Caddy's admin API or to Telegram stop for OUTBOUND_BREAKER_COOLDOWN_MS, then one trial call goes through.
  OUTBOUND_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  OUTBOUND_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(50).max(600_000).default(30_000),
});

// Money core (docs/money.md, docs/decisions/009-money-core.md).
const DEV_MONEY_SECRET = "dev-only-money-secret-never-use-in-production";
export const mailEnvSchema = z.object({
  /** The platform's SMTP server, e.g. smtp://user:pass@smtp.example.com:587 (smtps:// for implicit TLS). Unset outside
   * production: each message is written to MAIL_DIR as a .eml file instead. Required in production (ADR 026). */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/\s]+\/?$/, "must be smtp://[user:pass@]host:port or smtps://…").optional(),
  /** The platform sender, e.g. "Shops <noreply@shops.example.com>"; shop mail uses the shop's name as display name. */
  MAIL_FROM: z.string().max(320).regex(/^(?:[^<>@]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, "must be an address, optionally with a name: Shops <noreply@shops.example.com>").optional(),
  /** Where development writes mail when SMTP_URL is unset. */
  MAIL_DIR: z.string().min(1).default(".data/mail"),
  // The origin of links in mail (server/mail/links.ts). Unset: https://<PLATFORM_DOMAIN> in production, else
  // http://<PLATFORM_DOMAIN>:<PORT>.
  PUBLIC_BASE_URL: z.string().regex(/^https?:\/\/[^/?#\s]+$/, "must be a bare origin like https://shops.example.com").optional(),
  // The outbox sweep (ADR 026): queues due messages and takes back ones a dead worker left `sending`.
  MAIL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  // Delivery attempts per message (SMTP 4xx, network errors); then it is failed and dead-lettered.
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  // First wait after a temporary SMTP failure; doubles per attempt (±50 % jitter), at most an hour.
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  // Connection, greeting and socket inactivity timeout of one SMTP delivery.
  MAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  // A message left `sending` longer than this (its worker died mid-send) is sent again, with the same Message-ID.
  MAIL_SENDING_LEASE_MS: z.coerce.number().int().min(300).max(86_400_000).default(600_000),
  // Send limits: over them a message waits (no attempt spent), it is never dropped.
  MAIL_PER_RECIPIENT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  MAIL_PER_SHOP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
});

/** The shops' own SMTP senders (ADR 027). */
export const shopSenderEnvSchema = z.object({
  /** The platform sender's SPF include (e.g. _spf.mailprovider.example), shown in the SPF record shops publish. */
  MAIL_SPF_INCLUDE: z.string().regex(/^[a-z0-9._-]+$/i, "must be a domain name").max(253).optional(),
  /** "Send test email" presses per shop per 15 minutes. */
  RATE_LIMIT_SHOP_TEST_MAIL_PER_15MIN: z.coerce.number().int().min(1).max(1000).default(5),
});

export const moneyEnvSchema = z.object({
  // The sandbox rails (escrow/direct funded by a pretend outside system). Refused in production.
  PAYMENTS_SANDBOX: bool.default(false),
  // HMAC key for buyer order links and delivery codes; at least 32 characters, required in production.
  MONEY_SECRET: z.string().min(32).default(DEV_MONEY_SECRET),
  // Comma-separated earlier MONEY_SECRETs: links and delivery codes made under them keep working after a rotation
  // until those orders are done (delivery codes live DELIVERY_CODE_TTL_MS). New ones always use MONEY_SECRET.
  MONEY_SECRET_OLD: csv.pipe(z.array(z.string().min(32, "each old secret must be at least 32 characters"))),
  ORDER_PAYMENT_TTL_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
  MANUAL_INVOICE_TTL_MS: z.coerce.number().int().min(1_000).default(7 * 86_400_000),
  // Time between delivery and the escrow release (digital-only orders release at once).
  RELEASE_GRACE_MS: z.coerce.number().int().min(0).default(72 * 3_600_000),
  DELIVERY_CODE_TTL_MS: z.coerce.number().int().min(1_000).default(30 * 86_400_000),
  DELIVERY_CODE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  RATE_LIMIT_DELIVERY_CODE_PER_15MIN: z.coerce.number().int().positive().default(5),
  // An escrow order still `fulfilling` this many days after shipping: physical → disputed, digital-only → released
  // (docs/money.md "Order state machine"; run by the money sweep).
  FULFILLING_STALE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  RATE_LIMIT_CHECKOUT_PER_MIN: z.coerce.number().int().positive().default(30),
  DEFAULT_PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(250),
  RECONCILE_EVERY_MS: z.coerce.number().int().min(1_000).default(15 * 60_000),
  RECONCILE_PAYOUT_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  MONEY_SWEEP_EVERY_MS: z.coerce.number().int().min(1_000).default(60_000),
  // Test-only crash/retry points (server/jobs/failpoints.ts; money, bots and domains); ignored unless NODE_ENV=test, refused in production.
  MONEY_FAILPOINTS: z.string().max(500).optional(),
  // Test-only: "ip:port" pairs (comma-separated) the CSV image fetch may reach although they are private or loopback
  // (tests serve images from 127.0.0.1). Refused in production; server/uploads/remote-image.ts.
  IMAGE_FETCH_TEST_ALLOW: z
    .string()
    .max(500)
    .default("")
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{1,5}$/i, "must be ip:port, e.g. 127.0.0.1:8080"))),
});

// Card payments through the merchant's own Stripe account (docs/decisions/024-stripe-own-account.md).
export const stripeEnvSchema = z.object({
  // Where the `stripe` SDK sends its calls (host, port and protocol are taken from it). Default: Stripe itself.
  // Tests point it at the loopback fake (tests/fake-stripe/); production requires https, so no fake can be used there.
  STRIPE_API_BASE: z.url().default("https://api.stripe.com").refine((u) => /^https?:\/\/[^/?#]+\/?$/.test(u), "must be a bare origin like https://api.stripe.com"),
  // One Stripe call (account check, checkout session, refund) gives up after this long: the buyer or merchant gets a
  // clear "try again" instead of a hung request; every call carries an idempotency key, so a retry is safe.
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
});

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
/**
 * The on-chain escrow and direct rails (docs/decisions/018-chain-rails.md). All unset: the rails are off. With
 * CHAIN_RPC_URL set, the contract and token addresses are required; the token's symbol and decimals are read from
 * the chain at start-up (server/chain/runtime.ts) and, when given here, must match.
 */
export const chainEnvSchema = z.object({
  CHAIN_RPC_URL: z.url().optional(),
  // An RPC URL buyers' wallets may be given to add the chain (wallet_addEthereumChain); CHAIN_RPC_URL may carry a key.
  CHAIN_PUBLIC_RPC_URL: z.url().optional(),
  CHAIN_ID: z.coerce.number().int().positive().optional(),
  ESCROW_CONTRACT: address.optional(),
  ESCROW_TOKEN: address.optional(),
  ESCROW_TOKEN_SYMBOL: z.string().regex(/^[A-Za-z0-9]{2,11}$/).optional(),
  ESCROW_TOKEN_DECIMALS: z.coerce.number().int().min(0).max(36).optional(),
  // The block the contract was deployed in: the indexer's first scan starts there.
  ESCROW_DEPLOY_BLOCK: z.coerce.number().int().min(0).default(0),
  CHAIN_CONFIRMATIONS: z.coerce.number().int().min(1).max(10_000).default(12),
  CHAIN_REORG_WINDOW_BLOCKS: z.coerce.number().int().min(1).max(10_000).default(64),
  CHAIN_POLL_MS: z.coerce.number().int().min(100).default(4_000),
  // eth_getLogs block range per call: providers cap it (often 2k–10k blocks).
  CHAIN_LOG_RANGE_BLOCKS: z.coerce.number().int().min(1).max(100_000).default(2_000),
  // A payout transaction not mined after this long is replaced at its nonce with a higher fee.
  CHAIN_PAYOUT_REPLACE_AFTER_MS: z.coerce.number().int().min(1_000).default(120_000),
  // The arbiter's key (release/refund). Never logged; required in production when the chain rails are on.
  ARBITER_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key").optional(),
});

export const envSchema = coreEnvSchema.merge(dataEnvSchema).merge(tenancyEnvSchema).merge(authEnvSchema).merge(storageEnvSchema).merge(telegramEnvSchema).merge(jobsEnvSchema).merge(secretsEnvSchema).merge(edgeEnvSchema).merge(observabilityEnvSchema).merge(outboundEnvSchema).merge(moneyEnvSchema).merge(chainEnvSchema).merge(stripeEnvSchema).merge(mailEnvSchema).merge(shopSenderEnvSchema);
export type Env = z.infer<typeof envSchema>;

/** True only in a process started by `npm run bench` with its preload (bench/bench-process.ts). */
export const isBenchProcess = () => (globalThis as { [BENCH_PROCESS_MARK]?: boolean })[BENCH_PROCESS_MARK] === true;
export const BENCH_PROCESS_MARK = "__storefrontBenchProcess";

/** The flash cookie's signing key: FLASH_SECRET, else one derived from MONEY_SECRET for this purpose only. */
export function flashSecretOf(env: Pick<Env, "FLASH_SECRET" | "MONEY_SECRET">) {
  return env.FLASH_SECRET ?? createHmac("sha256", env.MONEY_SECRET).update("flash-cookie").digest("hex");
}

export function decodeKey(raw: string): Buffer | null {
  const buf = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  return buf.length === 32 ? buf : null;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const redisProblem = redisTopologyProblem(source, env);
  if (redisProblem) throw new Error(`Invalid configuration:\n  - ${redisProblem}`);
  if (env.SECRET_BOX_KEY !== undefined && !decodeKey(env.SECRET_BOX_KEY)) {
    throw new Error("Invalid configuration:\n  - SECRET_BOX_KEY: must be 32 bytes (64 hex characters or base64)");
  }
  if (env.SECRET_BOX_OLD_KEYS.some((k) => !decodeKey(k))) {
    throw new Error("Invalid configuration:\n  - SECRET_BOX_OLD_KEYS: each key must be 32 bytes (64 hex characters or base64)");
  }
  if (env.MAIL_SENDING_LEASE_MS < 3 * env.MAIL_SEND_TIMEOUT_MS) {
    // A live worker's send must end (or time out) well inside the lease, or its message would be taken back and sent twice.
    throw new Error("Invalid configuration:\n  - MAIL_SENDING_LEASE_MS: must be at least 3 × MAIL_SEND_TIMEOUT_MS");
  }
  if (env.CHAIN_RPC_URL) {
    const missing = (["ESCROW_CONTRACT", "ESCROW_TOKEN"] as const).filter((k) => !env[k]);
    if (missing.length) throw new Error(`Invalid configuration:\n${missing.map((k) => `  - ${k}: required when CHAIN_RPC_URL is set (the on-chain rails)`).join("\n")}`);
  }
  if (env.NODE_ENV === "production") {
    const problems: string[] = [];
    // Workers send the payouts; web processes only read the chain, so they need (and should hold) no key.
    if (env.CHAIN_RPC_URL && !env.ARBITER_PRIVATE_KEY && env.MODE !== "web") problems.push("ARBITER_PRIVATE_KEY is required in production when the chain rails are on (CHAIN_RPC_URL) in a worker (MODE=worker or all): escrow could never be released or refunded");
    if (!env.SECRET_BOX_KEY) problems.push("SECRET_BOX_KEY is required in production");
    if (env.DATABASE_URL.startsWith("pglite:")) problems.push("DATABASE_URL must be a real Postgres in production");
    if (!env.CADDY_ADMIN_URL) problems.push("CADDY_ADMIN_URL is required in production (custom domains are routed through Caddy)");
    if (!env.STRIPE_API_BASE.startsWith("https://")) problems.push("STRIPE_API_BASE must be https in production (card payments and their secret keys go there)");
    if (env.PAYMENTS_SANDBOX) problems.push("PAYMENTS_SANDBOX=true is refused in production: sandbox payments are simulated money");
    if (env.MONEY_SECRET === DEV_MONEY_SECRET) problems.push("MONEY_SECRET is required in production (at least 32 characters)");
    if (env.MONEY_FAILPOINTS) problems.push("MONEY_FAILPOINTS is for tests only");
    if (env.IMAGE_FETCH_TEST_ALLOW.length) problems.push("IMAGE_FETCH_TEST_ALLOW is for tests only: it lets the CSV image fetch reach private addresses");
    if (env.BENCH_BARE_PAGE && !isBenchProcess()) problems.push("BENCH_BARE_PAGE is for the bench's own process only");
    if (!env.METRICS_TOKEN) problems.push("METRICS_TOKEN is required in production (scrapers send it as a Bearer token to /metrics)");
    // Workers deliver mail; web processes only write the outbox, so they need (and should hold) no SMTP password.
    if (!env.SMTP_URL && env.MODE !== "web") problems.push("SMTP_URL is required in production in a process that runs workers (MODE=worker or all): without it no email could be delivered");
    if (!env.MAIL_FROM && env.MODE !== "web") problems.push("MAIL_FROM is required in production in a process that runs workers (the platform's sender address, e.g. \"Shops <noreply@shops.example.com>\")");
    if (!env.TRUSTED_PROXIES.length) problems.push("TRUSTED_PROXIES is required in production (the app serves plain HTTP behind the TLS edge; session cookies are Secure only)");
    if (problems.length) throw new Error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return env;
}

/** Exactly one Redis topology: REDIS_URL (the default), REDIS_CLUSTER_NODES, or REDIS_SENTINELS with its name. */
function redisTopologyProblem(source: Record<string, string | undefined>, env: Env) {
  const cluster = env.REDIS_CLUSTER_NODES.length > 0;
  const sentinel = env.REDIS_SENTINELS.length > 0;
  if (cluster && sentinel) return "REDIS_CLUSTER_NODES and REDIS_SENTINELS are exclusive: pick one Redis topology";
  if ((cluster || sentinel) && source.REDIS_URL) return `REDIS_URL and ${cluster ? "REDIS_CLUSTER_NODES" : "REDIS_SENTINELS"} are exclusive: pick one Redis topology`;
  if (sentinel && !env.REDIS_SENTINEL_NAME) return "REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the master group the sentinels watch)";
  if (!sentinel && env.REDIS_SENTINEL_NAME) return "REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is empty";
  return null;
}

let cached: Env | undefined;
/** The process environment, parsed on first use. */
/** How many web processes to run: WEB_CONCURRENCY, else every core in production and one elsewhere. */
export function webConcurrency(env: Pick<Env, "WEB_CONCURRENCY" | "NODE_ENV">): number {
  return env.WEB_CONCURRENCY ?? (env.NODE_ENV === "production" ? availableParallelism() : 1);
}

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
