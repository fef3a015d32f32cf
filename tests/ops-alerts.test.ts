/**
 * Issue 17 point 4 (ADR 042), the rest of the alerts: owners hear about a failed domain and a silent bot through the
 * platform bot; operators hear about two failed backups in a row and ledger invariant violations; each once, then one
 * "resolved". Operators (only) read the per-shop health summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertService } from "#server/alerts/index.ts";
import { createTelegramClient } from "#server/bots/index.ts";
import { createLogger } from "#server/observability/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { signIn } from "./tenant-fixture.ts";
import { createTenant, createUser } from "./factories.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";

const HOUR_MS = 3_600_000;
// Shape-valid envelopes (the CHECK wants sealed values); nothing here decrypts them.
const SEALED = "v1:0123456789ab:aaaa:bbbb";
const db = await createTestDatabase();
let tg: FakeTelegram;
let app: RunningApp;
let platformBot: FakeBot;
let alerts: AlertService;
let tenantId: string;
let otherTenantId: string;
let ownerEmail: string;
let operatorEmail: string;
const OWNER_CHAT = "610001";
const OPERATOR_CHAT = "620002";
const sentTo = (chat: string) => tg.sentMessages(platformBot.id).filter((m) => m.chatId === Number(chat)).map((m) => m.text);

beforeAll(async () => {
  tg = await startFakeTelegram();
  platformBot = tg.addBot({ username: "platform_alerts_bot" });
  const client = createTelegramClient({ apiRoot: tg.url, token: platformBot.token, timeoutMs: 2000 });
  alerts = new AlertService({ prisma: db.prisma, logger: createLogger("silent"), send: (chatId, text) => client.sendMessage({ chat_id: chatId, text }) });
  tenantId = (await createTenant(db.prisma, { slug: "watched" })).id;
  otherTenantId = (await createTenant(db.prisma, { slug: "quiet" })).id;
  const owner = await createUser(db.prisma);
  ownerEmail = owner.email;
  await db.prisma.user.update({ where: { id: owner.id }, data: { telegramUserId: OWNER_CHAT } });
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
  const operator = await createUser(db.prisma, { operator: true });
  operatorEmail = operator.email;
  await db.prisma.user.update({ where: { id: operator.id }, data: { telegramUserId: OPERATOR_CHAT } });
});
afterAll(async () => {
  await app?.stop();
  await tg?.close();
});

describe("owner conditions", () => {
  it("a failed domain: one message to the owner, none on the next check, one 'resolved' once it is active", async () => {
    const d = await db.prisma.tenantDomain.create({ data: { tenantId, hostname: "broken.example.test", status: "failed", verificationToken: "f".repeat(32) } });
    expect((await alerts.check()).opened).toBe(1);
    expect(sentTo(OWNER_CHAT)).toEqual([expect.stringMatching(/broken\.example\.test failed verification/)]);
    expect(sentTo(OPERATOR_CHAT)).toEqual([]);
    expect((await alerts.check()).opened).toBe(0);
    await db.prisma.tenantDomain.updateMany({ where: { id: d.id, tenantId }, data: { status: "active" } });
    expect((await alerts.check()).resolved).toBe(1);
    expect(sentTo(OWNER_CHAT).at(-1)).toMatch(/Resolved: the domain broken\.example\.test/);
    expect(sentTo(OWNER_CHAT)).toHaveLength(2);
  });

  it("a bot silent for over 4 hours alerts its owner; a fresh update resolves it", async () => {
    const bot = await db.prisma.tenantBot.create({
      data: { tenantId, telegramBotId: "9001", username: "watched_bot", encryptedToken: SEALED, encryptedWebhookSecret: SEALED, status: "active", claimedAt: new Date(), adminTelegramUserId: OWNER_CHAT, lastWebhookAt: new Date(Date.now() - 3 * HOUR_MS) },
    });
    expect((await alerts.check()).opened).toBe(0);
    await db.prisma.tenantBot.updateMany({ where: { id: bot.id, tenantId }, data: { lastWebhookAt: new Date(Date.now() - 5 * HOUR_MS) } });
    expect((await alerts.check()).opened).toBe(1);
    expect(sentTo(OWNER_CHAT).at(-1)).toMatch(/@watched_bot has received no update from Telegram for over 4 hours/);
    await db.prisma.tenantBot.updateMany({ where: { id: bot.id, tenantId }, data: { lastWebhookAt: new Date() } });
    expect((await alerts.check()).resolved).toBe(1);
    expect(sentTo(OWNER_CHAT).at(-1)).toMatch(/Resolved: @watched_bot is receiving updates again/);
  });
});

describe("operator conditions", () => {
  const backup = (tid: string, status: string, minutesAgo: number) => db.sql.query(
    `INSERT INTO backup_logs (kind, tenant_id, run_at, status, error, path, size_bytes, sha256)
     VALUES ('shop', $1::uuid, now() - make_interval(mins => $2), $3, $4, $5, $6, $7)`,
    status === "failed" ? [tid, minutesAgo, status, "disk full", null, null, null] : [tid, minutesAgo, status, null, "/backups/x.json.gz", 10, "a".repeat(64)],
  );

  it("two failed backups in a row alert the operators (not the owner), once; a success resolves it", async () => {
    const ownerBefore = sentTo(OWNER_CHAT).length;
    await backup(tenantId, "ok", 30);
    await backup(tenantId, "failed", 20);
    await backup(otherTenantId, "failed", 20);
    expect((await alerts.check()).opened).toBe(0);
    await backup(tenantId, "failed", 10);
    const [a, b] = await Promise.all([alerts.check(), alerts.check()]);
    expect(a.opened + b.opened).toBe(1);
    expect(sentTo(OPERATOR_CHAT)).toEqual([expect.stringMatching(/Backups of shop watched failed 2 times in a row\. Last error: disk full/)]);
    expect(sentTo(OWNER_CHAT)).toHaveLength(ownerBefore);
    expect(await db.prisma.alert.findMany({ where: { condition: "backup_failing", resolvedAt: null } }))
      .toMatchObject([{ audience: "operator", tenantId, subject: `tenant:${tenantId}`, notified: 1 }]);
    expect((await alerts.check()).opened).toBe(0);
    await backup(tenantId, "ok", 1);
    expect((await alerts.check()).resolved).toBe(1);
    expect(sentTo(OPERATOR_CHAT).at(-1)).toMatch(/Resolved: a backup of shop watched succeeded/);
  });

  it("ledger invariant violations in the latest reconciliation alert the operators; a clean run resolves it", async () => {
    const report = (violations: number, minutesAgo: number) => db.prisma.reconciliationReport.create({
      data: { trigger: "test", startedAt: new Date(Date.now() - minutesAgo * 60_000), finishedAt: new Date(), violations },
    });
    await report(0, 30);
    expect((await alerts.check()).opened).toBe(0);
    await report(3, 20);
    expect((await alerts.check()).opened).toBe(1);
    expect(sentTo(OPERATOR_CHAT).at(-1)).toMatch(/Reconciliation found 3 ledger invariant violations/);
    expect((await alerts.check()).opened).toBe(0);
    await report(0, 10);
    expect((await alerts.check()).resolved).toBe(1);
    expect(sentTo(OPERATOR_CHAT).at(-1)).toMatch(/Resolved: the latest reconciliation found no ledger invariant violation/);
  });
});

describe("GET /api/ops/tenants/health-summary", () => {
  it("operators get each shop's domains, bots, open alerts, last backup and kill switch; an owner may not", async () => {
    await db.prisma.tenantDomain.create({ data: { tenantId: otherTenantId, hostname: "down.example.test", status: "failed", verificationToken: "g".repeat(32) } });
    await alerts.check();
    app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
    const operator = await signIn(app.port, operatorEmail);
    const res = await operator.get("/api/ops/tenants/health-summary");
    expect(res.status, res.body).toBe(200);
    const shops = res.json.data.shops as Array<Record<string, unknown>>;
    const watched = shops.find((s) => s.slug === "watched")!;
    expect(watched).toMatchObject({
      tenantId, openAlerts: 0, lastBackup: { status: "ok" }, killSwitch: { engaged: false },
      domains: [{ hostname: "broken.example.test", status: "active" }],
      bots: [{ username: "watched_bot", status: "active", lastWebhookAt: expect.any(String) }],
    });
    expect(shops.find((s) => s.slug === "quiet")).toMatchObject({
      openAlerts: 1, lastBackup: { status: "failed", error: "disk full" }, domains: [{ hostname: "down.example.test", status: "failed" }], bots: [],
    });
    expect(res.json.data.globalKillSwitch).toHaveProperty("engaged");
    const owner = await signIn(app.port, ownerEmail);
    expect((await owner.get("/api/ops/tenants/health-summary")).status).toBe(403);
  });
});
