/**
 * Issue 17 point 4 (ADR 042), owner TLS alerts: a certificate at 5 days left sends one message to the owner through the
 * platform's own bot (a fake Telegram on loopback) and none through the shop's bot; the next check sends nothing;
 * after renewal one "resolved" message goes out, once. The alerts table keeps one open alert per condition and subject.
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

const DAY_MS = 86_400_000;
const db = await createTestDatabase();
let tg: FakeTelegram;
let app: RunningApp;
let ownerEmail: string;
let platformBot: FakeBot;
let shopBot: FakeBot;
let alerts: AlertService;
let tenantId: string;
let otherTenantId: string;
let domainId: string;
const OWNER_CHAT = "424242";

beforeAll(async () => {
  tg = await startFakeTelegram();
  platformBot = tg.addBot({ username: "platform_alerts_bot" });
  shopBot = tg.addBot({ username: "shop_bot" });
  const client = createTelegramClient({ apiRoot: tg.url, token: platformBot.token, timeoutMs: 2000 });
  alerts = new AlertService({
    prisma: db.prisma, logger: createLogger("silent"),
    send: (chatId, text) => client.sendMessage({ chat_id: chatId, text }),
  });
  const t = await createTenant(db.prisma, { slug: "alerted" });
  tenantId = t.id;
  const owner = await createUser(db.prisma);
  const manager = await createUser(db.prisma);
  ownerEmail = owner.email;
  await db.prisma.user.update({ where: { id: owner.id }, data: { telegramUserId: OWNER_CHAT } });
  await db.prisma.user.update({ where: { id: manager.id }, data: { telegramUserId: "515151" } });
  await db.prisma.tenantUserRole.createMany({ data: [{ tenantId, userId: owner.id, role: "owner" }, { tenantId, userId: manager.id, role: "manager" }] });
  const d = await db.prisma.tenantDomain.create({
    data: { tenantId, hostname: "alerts.example.test", status: "active", verificationToken: "t".repeat(32), tlsStatus: "issued", tlsNotAfter: new Date(Date.now() + 5 * DAY_MS + 3_600_000) },
  });
  domainId = d.id;
  // Another shop whose certificate is fine: it hears nothing.
  const other = await createTenant(db.prisma, { slug: "calm" });
  otherTenantId = other.id;
  await db.prisma.tenantDomain.create({
    data: { tenantId: otherTenantId, hostname: "calm.example.test", status: "active", verificationToken: "u".repeat(32), tlsStatus: "issued", tlsNotAfter: new Date(Date.now() + 60 * DAY_MS) },
  });
});
afterAll(async () => {
  await app?.stop();
  await tg?.close();
});

describe("owner TLS alert", () => {
  it("5 days left: one message to the owner through the platform bot, none through the shop's bot, and one open alert", async () => {
    // Two workers checking at once still send one message (the partial unique index decides).
    const [a, b] = await Promise.all([alerts.check(), alerts.check()]);
    expect(a.opened + b.opened).toBe(1);
    const sent = tg.sentMessages(platformBot.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ chatId: Number(OWNER_CHAT), text: expect.stringMatching(/alerts\.example\.test expires in 5 days/) });
    expect(tg.sentMessages(shopBot.id)).toHaveLength(0);
    const open = await db.prisma.alert.findMany({ where: { resolvedAt: null } });
    expect(open).toMatchObject([{ condition: "tls_expiring", subject: `domain:${domainId}`, tenantId, audience: "owner", notified: 1 }]);
  });

  it("the same condition on the next check sends nothing", async () => {
    expect(await alerts.check()).toEqual({ opened: 0, resolved: 0, messages: 0 });
    expect(tg.sentMessages(platformBot.id)).toHaveLength(1);
  });

  it("the database refuses a second open alert for the same condition and subject", async () => {
    await expect(db.sql.query(
      `INSERT INTO alerts (condition, subject, tenant_id, audience, message) VALUES ('tls_expiring', $1, $2, 'owner', 'dup')`,
      [`domain:${domainId}`, tenantId],
    )).rejects.toThrow(/alerts_one_open_uq/);
  });

  it("after renewal one 'resolved' message is sent, once", async () => {
    await db.prisma.tenantDomain.updateMany({ where: { id: domainId, tenantId }, data: { tlsNotAfter: new Date(Date.now() + 90 * DAY_MS) } });
    const [a, b] = await Promise.all([alerts.check(), alerts.check()]);
    expect(a.resolved + b.resolved).toBe(1);
    const sent = tg.sentMessages(platformBot.id);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ chatId: Number(OWNER_CHAT), text: expect.stringMatching(/Resolved: .*alerts\.example\.test/) });
    expect(await alerts.check()).toEqual({ opened: 0, resolved: 0, messages: 0 });
    expect(tg.sentMessages(platformBot.id)).toHaveLength(2);
    expect(tg.sentMessages(shopBot.id)).toHaveLength(0);
    expect(await db.prisma.alert.count({ where: { resolvedAt: null } })).toBe(0);
    expect(await db.prisma.alert.count({ where: { tenantId: otherTenantId } })).toBe(0);
  });

  it("an expired certificate opens a new alert with its own sentence", async () => {
    await db.prisma.tenantDomain.updateMany({ where: { id: domainId, tenantId }, data: { tlsNotAfter: new Date(Date.now() - DAY_MS) } });
    expect((await alerts.check()).opened).toBe(1);
    expect(tg.sentMessages(platformBot.id).at(-1)!.text).toMatch(/expired on \d{4}-\d\d-\d\d/);
  });
});

describe("the operator console's alert list", () => {
  it("operators read the alerts; an owner may not", async () => {
    app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
    const operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const res = await operator.get("/api/ops/alerts");
    expect(res.status, res.body).toBe(200);
    expect(res.json.data.items.map((a: { condition: string; resolvedAt: string | null }) => [a.condition, a.resolvedAt === null])).toEqual([["tls_expiring", true], ["tls_expiring", false]]);
    expect((await operator.get("/api/ops/alerts?open=true")).json.data.items).toHaveLength(1);
    const owner = await signIn(app.port, ownerEmail);
    expect((await owner.get("/api/ops/alerts")).status).toBe(403);
  });
});
