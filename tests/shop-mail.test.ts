/**
 * Merchant mail about the shop itself (ADR 029), written in the transaction that records the event: a domain that
 * degrades (owner, manager and developer: domains.manage) and a bot whose token Telegram refuses (owner and developer:
 * bots.manage), each once per event and hour.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { rolesFor } from "#server/auth/index.ts";
import { BotRegistry, TelegramUnauthorizedError } from "#server/bots/index.ts";
import { createDnsLookup, DomainService } from "#server/domains/index.ts";
import { renderMail } from "#server/mail/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import { EDGE_CNAME, publishRecords } from "./edge-stack.ts";
import { SAMPLE_BRAND } from "./mail-samples.ts";

const db = await createTestDatabase();
const redis = new Redis(REDIS_URL);
let dns: TestDns;
let clock = new Date("2026-12-01T00:00:00Z");
const audit = { userId: null, kind: "system" as const };

async function shopWithTeam(slug: string) {
  const tenantId = (await createTenant(db.prisma, { slug })).id;
  const team: Record<string, string> = {};
  for (const role of ["owner", "manager", "finance", "support", "developer"] as const) {
    const u = await createUser(db.prisma, { email: `${role}-${slug}@example.test` });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role } });
    team[role] = u.email;
  }
  return { tenantId, team };
}
const mailOf = (tenantId: string, template: string) =>
  db.prisma.emailOutbox.findMany({ where: { tenantId, template }, orderBy: { recipient: "asc" }, select: { recipient: true, data: true, locale: true, dedupeKey: true } });

beforeAll(async () => {
  dns = await startTestDns();
});
afterAll(async () => {
  redis.disconnect();
  await dns?.close();
});

describe("shop mail", () => {
  it("a domain that stops pointing at the shop mails the members who manage domains, once per hour", async () => {
    const shop = await shopWithTeam("mail-dom");
    const other = await shopWithTeam("mail-dom-other");
    const service = new DomainService({
      prisma: db.prisma, redis, prefix: redisPrefix(), platformDomain: "localhost",
      dns: createDnsLookup({ servers: [dns.address], timeoutMs: 500 }),
      edge: { cnameTarget: EDGE_CNAME, ipv4: [], ipv6: [], caaIssuers: [] },
      publish: async () => undefined, manualCheckMinMs: 0, pendingMaxDays: 7, degradedGraceHours: 72,
      dashboardOrigin: () => "http://localhost:3000", now: () => clock,
    });
    const d = await service.add(audit, shop.tenantId, { hostname: "mail.example.test" });
    publishRecords(dns, d.records);
    expect((await service.check("user:x", shop.tenantId, d.id)).to).toBe("active");
    expect(await mailOf(shop.tenantId, "merchant.domain_problem")).toEqual([]);

    dns.set("mail.example.test", "CNAME", ["elsewhere.example.net"]);
    clock = new Date(clock.getTime() + 24 * 3_600_000);
    expect((await service.check("system:scheduler", null, d.id)).to).toBe("degraded");
    const rows = await mailOf(shop.tenantId, "merchant.domain_problem");
    expect(rows.map((r) => r.recipient)).toEqual(rolesFor("domains.manage").map((role) => shop.team[role]).sort());
    expect(rows[0]!.data).toMatchObject({ hostname: "mail.example.test", status: "degraded", dashboardUrl: `http://localhost:3000/dashboard/${shop.tenantId}/domains` });
    expect((rows[0]!.data as { detail: string }).detail).toMatch(/elsewhere\.example\.net/);
    expect(rows[0]!.dedupeKey).toMatch(new RegExp(`^domain\\.degraded:${d.id}:2026-12-02T00:`));
    expect(await mailOf(other.tenantId, "merchant.domain_problem")).toEqual([]);
    for (const locale of ["en", "fa"] as const) {
      expect(renderMail({ template: "merchant.domain_problem", locale, data: rows[0]!.data, brand: SAMPLE_BRAND }).text).toContain("mail.example.test");
    }
  });

  it("a bot whose token Telegram refuses is suspended and its managers are mailed, once per hour", async () => {
    const shop = await shopWithTeam("mail-bot");
    const bot = await db.prisma.tenantBot.create({
      data: { tenantId: shop.tenantId, telegramBotId: "987654", username: "mailshop_bot", encryptedToken: "v1:0123456789ab:aaaa:bbbb", encryptedWebhookSecret: "v1:0123456789ab:cccc:dddd", status: "active", claimedAt: clock, adminTelegramUserId: "1234" },
    });
    const registry = new BotRegistry({
      prisma: db.prisma, box: () => { throw new Error("unused"); }, telegram: () => { throw new Error("unused"); }, enqueue: async () => undefined,
      webhookBaseUrl: "http://localhost", platformDomain: "localhost", dashboardOrigin: () => "http://localhost:3000", now: () => clock,
    });
    const refused = new TelegramUnauthorizedError("sendMessage", "Unauthorized", { status: 401 });
    await registry.recordError(bot.id, refused);
    await registry.recordError(bot.id, refused);
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: bot.id } })).status).toBe("suspended");
    const rows = await mailOf(shop.tenantId, "merchant.bot_suspended");
    expect(rows.map((r) => r.recipient)).toEqual(rolesFor("bots.manage").map((role) => shop.team[role]).sort());
    expect(rows[0]!.data).toMatchObject({ botUsername: "mailshop_bot", dashboardUrl: `http://localhost:3000/dashboard/${shop.tenantId}/bot` });
    // A passing error (rate limit, timeout) suspends nothing and mails nobody.
    await db.prisma.emailOutbox.deleteMany({ where: { tenantId: shop.tenantId } });
    await registry.recordError(bot.id, new Error("timeout"));
    expect(await mailOf(shop.tenantId, "merchant.bot_suspended")).toEqual([]);
  });
});
