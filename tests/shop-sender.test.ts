/**
 * The shop's own SMTP sender (issue 15 point 2, seed G6, ADR 027) against the real app, Postgres, Redis, the
 * loopback SMTP server (with user/pass auth) and the loopback DNS server: save → test send arrives authenticated
 * as the shop's user from the shop's address with a DKIM signature that verifies against the published key; a
 * wrong password shows the 535 reason; Verify DNS explains problems; secrets never leak; other shops can do nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nodemailer from "nodemailer";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShopWithTeam } from "./tenant-fixture.ts";
import { startSmtpServer, type SmtpTestServer } from "./smtp-server.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import { SECRET_BOX_KEY } from "./stripe-fixture.ts";
import { verifyDkim } from "./dkim-check.ts";
import type { Client, Res } from "./http.ts";
import { ShopSenderService } from "#server/mail/index.ts";
import { SecretBox } from "#server/secrets/index.ts";
import { createDnsLookup } from "#server/domains/index.ts";
import { decodeKey } from "#server/env.ts";

const LINKS = { PUBLIC_BASE_URL: undefined, PLATFORM_DOMAIN: "localhost", NODE_ENV: "test", PORT: 3000 } as const;

const PASSWORD = "Sm7p-correct-horse-battery-91";
const WRONG = "Sm7p-wrong-password-42";
const db = await createTestDatabase();
let app: RunningApp;
let smtp: SmtpTestServer;
let dns: TestDns;
let shopA: Awaited<ReturnType<typeof createShopWithTeam>>;
let shopB: Awaited<ReturnType<typeof createShopWithTeam>>;
const responses: Res[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer({ user: "shop-user", pass: PASSWORD });
  dns = await startTestDns();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", SECRET_BOX_KEY, DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: "500",
    LOG_LEVEL: "debug", MAIL_SPF_INCLUDE: "_spf.platform-mail.test",
  });
  shopA = await createShopWithTeam(db.prisma, app.port, "senda");
  shopB = await createShopWithTeam(db.prisma, app.port, "sendb");
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await dns?.close();
});

/** Every response is kept: the leak test scans them all. */
async function call(c: Client, method: string, path: string, body?: unknown) {
  const res = await c.call(method, path, body);
  responses.push(res);
  return res;
}
const senderBody = (o: Record<string, unknown> = {}) => ({
  host: "127.0.0.1", port: smtp.port, user: "shop-user", password: PASSWORD, fromAddress: "orders@shop-a.test", fromName: "Shop A", tls: "none", ...o,
});
const owner = (shop = shopA) => shop.members.owner.client;
const base = (shop = shopA) => `/api/tenants/${shop.tenantId}`;
async function saveSender(o: Record<string, unknown> = {}, shop = shopA) {
  const res = await call(owner(shop), "PUT", `${base(shop)}/notifications/sender`, senderBody(o));
  expect(res.status, res.body).toBe(200);
  return res.json.data as { id: string; status: string; lastError: string | null; records: { purpose: string; name: string; value: string }[]; inUse: boolean; dns: unknown; passwordSet: boolean };
}
const ownerEmail = async (shop = shopA) => (await db.prisma.user.findUniqueOrThrow({ where: { id: shop.members.owner.userId } })).email;
const publicKeyOf = (records: { purpose: string; value: string }[]) => /p=([A-Za-z0-9+/=]+)/.exec(records.find((r) => r.purpose === "dkim")!.value)![1]!;

describe("the shop's own sender", () => {
  it("is saved with its password sealed, signs in to the server, and shows the DNS records to publish", async () => {
    const view = await saveSender();
    expect(view).toMatchObject({ status: "active", lastError: null, passwordSet: true, inUse: false, dns: null });
    const spf = view.records.find((r) => r.purpose === "spf")!;
    const dkim = view.records.find((r) => r.purpose === "dkim")!;
    expect(spf).toMatchObject({ name: "shop-a.test", value: "v=spf1 ip4:127.0.0.1 include:_spf.platform-mail.test ~all" });
    expect(dkim.name).toMatch(/^sf\d{6}\._domainkey\.shop-a\.test$/);
    expect(dkim.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    const row = await db.prisma.tenantIntegration.findFirstOrThrow({ where: { id: view.id } });
    expect(row).toMatchObject({ tenantId: shopA.tenantId, kind: "notification", provider: "smtp", status: "active" });
    expect(row.encryptedConfig).toBeTruthy();
    const read = await call(owner(), "GET", `${base()}/notifications/sender`);
    expect(read.json.data).toMatchObject({ id: view.id, host: "127.0.0.1", user: "shop-user", fromAddress: "orders@shop-a.test" });
    // Saving again without a password keeps the stored one and the same DKIM key.
    const again = await saveSender({ password: undefined, fromName: "Shop A Orders" });
    expect(again).toMatchObject({ id: view.id, status: "active" });
    expect(publicKeyOf(again.records)).toBe(publicKeyOf(view.records));
    expect(await db.prisma.tenantIntegration.count({ where: { tenantId: shopA.tenantId, kind: "notification" } })).toBe(1);
    const audit = await db.prisma.auditLog.findMany({ where: { tenantId: shopA.tenantId, action: { startsWith: "notification.sender" } } });
    expect(audit.map((a) => a.action)).toEqual(["notification.sender.create", "notification.sender.update"]);
  });

  it("test send arrives as the shop's user, from the shop's address, DKIM-signed with the published key, and is listed", async () => {
    smtp.clear();
    const view = await saveSender();
    const res = await call(owner(), "POST", `${base()}/integrations/${view.id}/test`);
    expect(res.status, res.body).toBe(200);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.user).toBe("shop-user");
    expect(mail!.envelope).toEqual({ from: "orders@shop-a.test", to: [await ownerEmail()] });
    expect(mail!.parsed.from?.value[0]).toEqual({ address: "orders@shop-a.test", name: "Shop A" });
    expect(mail!.parsed.subject).toBe("Test email from your shop");
    const check = verifyDkim(mail!.raw, publicKeyOf(view.records));
    expect(check).toMatchObject({ ok: true, d: "shop-a.test", s: view.records.find((r) => r.purpose === "dkim")!.name.split(".")[0] });
    // The signature really binds the key: another key does not verify it.
    const other = await saveSender({}, shopB);
    expect(verifyDkim(mail!.raw, publicKeyOf(other.records)).ok).toBe(false);
    const rows = await db.prisma.emailOutbox.findMany({ where: { tenantId: shopA.tenantId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ template: "shop.test_email", status: "sent", recipient: await ownerEmail(), sender: `shop:${view.id}`, envelopeFrom: "orders@shop-a.test", attempts: 1 });
  });

  it("a wrong password shows the server's 535 reason on save, on the test send and in the status", async () => {
    smtp.clear();
    const view = await saveSender({ password: WRONG });
    expect(view.status).toBe("error");
    expect(view.lastError).toMatch(/535/);
    const res = await call(owner(), "POST", `${base()}/integrations/${view.id}/test`);
    expect(res.status, res.body).toBe(422);
    expect(res.json.error.code).toBe("SMTP_TEST_FAILED");
    expect(res.json.error.message).toMatch(/535 .*Invalid username or password/);
    expect(smtp.messages).toHaveLength(0);
    const read = await call(owner(), "GET", `${base()}/notifications/sender`);
    expect(read.json.data).toMatchObject({ status: "error", lastError: expect.stringMatching(/535/) });
    const failed = await db.prisma.emailOutbox.findFirstOrThrow({ where: { tenantId: shopA.tenantId, status: "failed" } });
    expect(failed.lastError).toMatch(/535/);
    // The page shows it too, in the message list and the sender's status.
    const page = await owner().get(`/dashboard/${shopA.tenantId}/notifications`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Invalid username or password");
    expect(page.body).toContain("Not working");
    await saveSender(); // back to the right password for the next tests
  });

  it("Verify DNS explains each problem in one sentence, and a published DKIM key puts the sender in use", async () => {
    const view = await saveSender();
    const dkim = view.records.find((r) => r.purpose === "dkim")!;
    const verify = async () => {
      const res = await call(owner(), "POST", `${base()}/notifications/sender/${view.id}/verify-dns`);
      expect(res.status, res.body).toBe(200);
      return res.json.data as { inUse: boolean; domainProof: string | null; dns: { ok: boolean; spf: { ok: boolean; problem: string | null }; dkim: { ok: boolean; problem: string | null } } };
    };
    let r = await verify();
    expect(r.dns.spf.problem).toBe("There is no SPF record (v=spf1 …) on shop-a.test yet: publish the record shown.");
    expect(r.dns.dkim.problem).toMatch(/^There is no DKIM TXT record at sf\d{6}\._domainkey\.shop-a\.test yet/);
    expect(r.inUse).toBe(false);
    dns.set("shop-a.test", "TXT", ["v=spf1 include:_spf.google.com ~all", "v=spf1 a:127.0.0.1 ~all"]);
    dns.set(dkim.name, "TXT", ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong"]);
    r = await verify();
    expect(r.dns.spf.problem).toBe("shop-a.test has 2 SPF records and receivers treat that as an error: merge them into one v=spf1 record.");
    expect(r.dns.dkim.problem).toMatch(/differs from this sender's key/);
    dns.set("shop-a.test", "TXT", ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"]);
    r = await verify();
    expect(r.dns.spf.problem).toBe("The SPF record on shop-a.test does not authorise 127.0.0.1: add ip4:127.0.0.1 to it.");
    dns.set("shop-a.test", "TXT", ["v=spf1 ip4:127.0.0.0/24 ~all"]);
    dns.set(dkim.name, "TXT", [dkim.value]); // 2048-bit keys are longer than one 255-byte string
    r = await verify();
    expect(r.dns).toMatchObject({ ok: true, spf: { ok: true, problem: null }, dkim: { ok: true, problem: null } });
    expect(r).toMatchObject({ inUse: true, domainProof: "dkim" });
  });

  it("shopSender() gives mail-core a working sender only while it is active, proven and its secrets open", async () => {
    const box = new SecretBox(decodeKey(SECRET_BOX_KEY)!);
    const deps = { prisma: db.prisma, box: () => box, dns: createDnsLookup({ servers: [dns.address], timeoutMs: 500 }), production: false, redis: null as never, prefix: "x:", limit: 5, links: LINKS };
    const service = new ShopSenderService(deps);
    const sender = await service.shopSender(shopA.tenantId);
    expect(sender).toMatchObject({ from: { name: "Shop A", address: "orders@shop-a.test" }, dkim: { domainName: "shop-a.test" } });
    smtp.clear();
    const t = nodemailer.createTransport({ ...sender!.transport, dkim: sender!.dkim });
    await t.sendMail({ from: sender!.from, to: "buyer@example.test", subject: "Order", text: "Thanks" });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.user).toBe("shop-user");
    const view = (await service.get(shopA.tenantId))!;
    expect(verifyDkim(mail!.raw, publicKeyOf(view.records)).ok).toBe(true);
    // Under another secret box key the password does not open: the platform sender takes over.
    const otherBox = new SecretBox(Buffer.alloc(32, 7));
    expect(await new ShopSenderService({ ...deps, box: () => otherBox }).shopSender(shopA.tenantId)).toBeNull();
    // Without proof of the domain (shop B never verified DNS) there is no shop sender.
    expect(await service.shopSender(shopB.tenantId)).toBeNull();
    // Turned off: none.
    await saveSender({ enabled: false });
    expect(await service.shopSender(shopA.tenantId)).toBeNull();
    await saveSender();
    expect(await service.shopSender(shopA.tenantId)).not.toBeNull();
  });

  it("bad input is a typed 400 and changes nothing", async () => {
    const before = await db.prisma.tenantIntegration.findFirstOrThrow({ where: { tenantId: shopA.tenantId, kind: "notification", disconnectedAt: null } });
    for (const bad of [{ port: 0 }, { port: 65536 }, { host: "smtp example" }, { fromAddress: "not-an-address" }, { tls: "ssl3" }]) {
      const res = await call(owner(), "PUT", `${base()}/notifications/sender`, senderBody(bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
    }
    // Production refuses plain-text SMTP and hosts inside the platform's network (loopback works here: NODE_ENV=test).
    const box = new SecretBox(decodeKey(SECRET_BOX_KEY)!);
    const prod = new ShopSenderService({ prisma: db.prisma, box: () => box, dns: createDnsLookup({ servers: [dns.address], timeoutMs: 500 }), production: true, redis: null as never, prefix: "x:", limit: 5, links: LINKS });
    const actor = { userId: shopA.members.owner.userId, kind: "user" as const };
    const input = { ...senderBody(), enabled: true } as Parameters<typeof prod.save>[2];
    await expect(prod.save(actor, shopA.tenantId, input)).rejects.toMatchObject({ status: 400, code: "SMTP_HOST_REFUSED" });
    await expect(prod.save(actor, shopA.tenantId, { ...input, host: "smtp.shop-a.test" })).rejects.toMatchObject({ status: 400, code: "SMTP_TLS_REQUIRED" });
    const after = await db.prisma.tenantIntegration.findFirstOrThrow({ where: { id: before.id } });
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it("another shop's members can neither read, change, verify, test nor remove shop A's sender, and nothing is sent", async () => {
    smtp.clear();
    const a = (await db.prisma.tenantIntegration.findFirstOrThrow({ where: { tenantId: shopA.tenantId, kind: "notification", disconnectedAt: null } })).id;
    const b = owner(shopB);
    // Through shop A's path: B's owner is not a member.
    for (const [m, p] of [["GET", "/notifications/sender"], ["PUT", "/notifications/sender"], ["POST", `/notifications/sender/${a}/verify-dns`], ["POST", `/integrations/${a}/test`], ["DELETE", `/notifications/sender/${a}`]] as const) {
      const res = await call(b, m, `${base()}${p}`, m === "PUT" ? senderBody({ host: "127.0.0.2" }) : undefined);
      expect(res.status, `${m} ${p}`).toBe(404);
      expect(res.json.error.code).toBe("TENANT_NOT_FOUND");
    }
    // Through shop B's own path with A's integration id: no such sender there.
    for (const [m, p] of [["POST", `/notifications/sender/${a}/verify-dns`], ["POST", `/integrations/${a}/test`], ["DELETE", `/notifications/sender/${a}`], ["DELETE", `/integrations/${a}`]] as const) {
      const res = await call(b, m, `${base(shopB)}${p}`);
      expect(res.status, `${m} ${p}`).toBe(404);
    }
    // The payment disconnect route of shop A itself does not touch the mail sender (finance may use it, not this).
    const finance = await call(shopA.members.finance.client, "DELETE", `${base()}/integrations/${a}`);
    expect(finance.status).toBe(404);
    const row = await db.prisma.tenantIntegration.findUniqueOrThrow({ where: { id: a } });
    expect(row).toMatchObject({ status: "active", disconnectedAt: null, config: expect.objectContaining({ host: "127.0.0.1" }) });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(0);
  });

  it("test sends are limited per shop (the 6th within 15 minutes is 429 and not sent)", async () => {
    smtp.clear();
    const view = await saveSender({ fromAddress: "hello@shop-b.test" }, shopB);
    for (let i = 0; i < 5; i++) expect((await call(owner(shopB), "POST", `${base(shopB)}/integrations/${view.id}/test`)).status).toBe(200);
    const sixth = await call(owner(shopB), "POST", `${base(shopB)}/integrations/${view.id}/test`);
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.code).toBe("RATE_LIMITED");
    expect(smtp.messages).toHaveLength(5);
    // Shop A's limit is its own.
    const a = (await db.prisma.tenantIntegration.findFirstOrThrow({ where: { tenantId: shopA.tenantId, kind: "notification", disconnectedAt: null } })).id;
    expect((await call(owner(), "POST", `${base()}/integrations/${a}/test`)).status).toBe(200);
  });

  it("the dashboard lists messages with recipients masked for roles without orders.read", async () => {
    const email = await ownerEmail();
    const asOwner = await owner().get(`/dashboard/${shopA.tenantId}/notifications`);
    expect(asOwner.body).toContain(email);
    expect(asOwner.body).toContain("Test email");
    const asDeveloper = await shopA.members.developer.client.get(`/dashboard/${shopA.tenantId}/notifications`);
    expect(asDeveloper.status).toBe(200);
    expect(asDeveloper.body).not.toContain(email);
    expect(asDeveloper.body).toContain(`${email[0]}•••@`);
    // Shop B's page never shows shop A's messages.
    const bPage = await owner(shopB).get(`/dashboard/${shopB.tenantId}/notifications`);
    expect(bPage.body).not.toContain(email);
    expect((await owner(shopB).get(`/dashboard/${shopA.tenantId}/notifications`)).status).toBe(404);
  });

  it("the operator console's Email section shows the outbox depth and failures by shop", async () => {
    const { createUser } = await import("./factories.ts");
    const { signIn } = await import("./tenant-fixture.ts");
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const page = await op.get("/ops/email");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/data-status="failed"[^>]*>1</);
    expect(page.body).toContain(`/ops/tenants/${shopA.tenantId}`);
    expect((await owner().get("/ops/email")).status).not.toBe(200);
  });

  it("removing the sender wipes its secrets; the password never appears in a response, a log line or an unsealed column", async () => {
    const id = (await db.prisma.tenantIntegration.findFirstOrThrow({ where: { tenantId: shopA.tenantId, kind: "notification", disconnectedAt: null } })).id;
    const res = await call(owner(), "DELETE", `${base()}/notifications/sender/${id}`);
    expect(res.status, res.body).toBe(200);
    expect(await db.prisma.tenantIntegration.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "disconnected", encryptedConfig: null });
    expect((await call(owner(), "GET", `${base()}/notifications/sender`)).json.data).toBeNull();

    for (const secret of [PASSWORD, WRONG]) {
      for (const r of responses) expect(r.body).not.toContain(secret);
      expect(app.logs.join("")).not.toContain(secret);
      // Every column of every row that could hold it, as text (the sealed column is ciphertext).
      for (const table of ["tenant_integrations", "email_outbox", "audit_log"]) {
        const rows = await db.prisma.$queryRawUnsafe<{ t: string }[]>(`SELECT row_to_json(x)::text AS t FROM ${table} x`);
        for (const r of rows) expect(r.t, table).not.toContain(secret);
      }
    }
    for (const r of responses) expect(r.body).not.toMatch(/PRIVATE KEY/);
    expect(app.logs.join("")).not.toMatch(/PRIVATE KEY/);
  });
});
