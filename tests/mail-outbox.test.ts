/**
 * Mail delivery through the outbox (issue 15 point 1, ADR 026), in process against real Postgres, Redis and the loopback
 * SMTP server: exactly one delivery per row with the shop's From/Reply-To and a deterministic Message-ID, 4xx retried
 * with backoff, 5xx failed with the reason, attempts run out into failed, send limits delay instead of dropping, the
 * sweep takes back a send its worker abandoned, development writes .eml files, and the pages' reads stay per shop.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { simpleParser } from "mailparser";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "#server/env.ts";
import { QUEUE } from "#server/jobs/index.ts";
import { enqueueMail, mailConfigFromEnv, mailJobId, MailService, platformTransport, type MailServiceDeps } from "#server/mail/index.ts";
import { createLogger, createRegistry } from "#server/observability/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { startSmtpServer } from "./smtp-server.ts";

const db = await createTestDatabase();
const smtp = await startSmtpServer({ user: "platform", pass: "smtp-Secret-pass-42" });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
const silent = createLogger("silent");
const queues: Queue[] = [];
const services: MailService[] = [];
afterAll(async () => {
  services.forEach((s) => s.close());
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
  await smtp.close();
});

const BASE_ENV = {
  SMTP_URL: smtp.url, MAIL_FROM: "Platform Mail <noreply@platform.test>", PLATFORM_DOMAIN: "shops.test",
  MAIL_RETRY_BASE_MS: "300", MAIL_SEND_TIMEOUT_MS: "2000", MAIL_SENDING_LEASE_MS: "6000", MAIL_MAX_ATTEMPTS: "3",
};

/** A MailService on its own Redis prefix (own queue and send-limit counters). */
function mailService(env: Record<string, string> = {}, deps: Partial<MailServiceDeps> = {}) {
  const parsed = parseEnv({ ...BASE_ENV, REDIS_PREFIX: redisPrefix(), ...env });
  const queue = new Queue(QUEUE, { connection: redis, prefix: `${parsed.REDIS_PREFIX}bull` });
  queues.push(queue);
  const mail = new MailService({
    prisma: db.prisma, redis, prefix: parsed.REDIS_PREFIX, queue, logger: silent, config: mailConfigFromEnv(parsed), transport: platformTransport(parsed, silent), ...deps,
  });
  services.push(mail);
  return { mail, queue, env: parsed };
}

const shop = await createTenant(db.prisma, {
  slug: "mailshop", brand: { displayName: "Mail Shop", primaryColor: "#112233", accentColor: "#445566", supportEmail: "help@mailshop.example", logoUrl: "/media/logo.png" },
});
const other = await createTenant(db.prisma, { slug: "othershop" });
let n = 0;
const enqueue = async (o: { tenantId?: string | null; to?: string } = {}) => {
  const row = await enqueueMail(db.prisma, {
    tenantId: o.tenantId === undefined ? shop.id : o.tenantId, template: "shop.test_email", locale: "en",
    to: o.to ?? `buyer${++n}@example.test`, data: { senderLabel: "the platform's sender" }, dedupeKey: `test:${Date.now()}:${n}:${Math.random()}`,
  });
  return row!.id;
};
const row = (id: string) => db.prisma.emailOutbox.findUniqueOrThrow({ where: { id } });
const received = (id: string) => smtp.messages.filter((m) => m.parsed.messageId === `<${id}@platform.test>`);

describe("delivery", () => {
  it("delivers a queued row exactly once, as the shop through the platform sender, with a deterministic Message-ID", async () => {
    const { mail, queue } = mailService();
    const id = await enqueue({ to: "Ada@Example.test" });
    expect(await mail.kick()).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(mailJobId(id, 0))).toBeTruthy();

    expect((await mail.deliver(id, 0)).kind).toBe("sent");
    const [msg] = received(id);
    expect(msg, "delivered").toBeDefined();
    expect(msg!.user).toBe("platform");
    // The local part as written (it may be case-sensitive); nodemailer lower-cases the domain.
    expect(msg!.envelope).toEqual({ from: "noreply@platform.test", to: ["Ada@example.test"] });
    expect(msg!.parsed.from?.value).toEqual([{ name: "Mail Shop", address: "noreply@platform.test" }]);
    expect(msg!.parsed.replyTo?.value).toEqual([{ name: "", address: "help@mailshop.example" }]);
    expect(msg!.parsed.subject).toBe("Test email from your shop");
    expect(msg!.parsed.text).toContain("Your shop can send email");
    // The shop's brand, with its logo made absolute on the shop's host (mail clients have no base URL).
    expect(msg!.parsed.html).toContain('src="http://mailshop.shops.test:3000/media/logo.png"');
    expect(msg!.parsed.html).toContain("#112233");

    const sent = await row(id);
    expect(sent).toMatchObject({ status: "sent", attempts: 1, sender: "platform", envelopeFrom: "noreply@platform.test", lastError: null });
    expect(sent.providerMessageId).toMatch(/^250 /);
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(sent.subject).toBe("Test email from your shop");

    // A job naming another shop (or none) is not this row's.
    const fresh = await enqueue();
    expect(await mail.deliver(fresh, 0, other.id)).toEqual({ kind: "skipped", why: "gone" });
    expect(await mail.deliver(fresh, 0, null)).toEqual({ kind: "skipped", why: "gone" });
    expect((await mail.deliver(fresh, 0, shop.id)).kind).toBe("sent");
    // A retried or duplicate job, for this attempt or any other, sends nothing.
    for (const attempt of [0, 1, 2]) expect((await mail.deliver(id, attempt)).kind).toBe("skipped");
    expect(received(id)).toHaveLength(1);
  });

  it("marketing mail carries List-Unsubscribe with its signed unsubscribe page; transactional mail does not", async () => {
    const { mail } = mailService();
    const url = "https://mailshop.shops.test/unsubscribe/9b2f3a1c-0000-4000-8000-000000000002/sig";
    const row = await enqueueMail(db.prisma, {
      tenantId: shop.id, template: "shop.announcement", locale: "en", to: `fan${++n}@example.test`,
      data: { shopName: "Mail Shop", body: "Winter sale.", unsubscribeUrl: url }, dedupeKey: `announce:${Date.now()}:${n}`,
    });
    expect((await mail.deliver(row!.id, 0)).kind).toBe("sent");
    const [msg] = received(row!.id);
    expect(msg!.parsed.headers.get("list")).toMatchObject({ unsubscribe: { url } });
    expect(msg!.parsed.html).toContain(url);
    const plain = await enqueue();
    await mail.deliver(plain, 0);
    expect(received(plain)[0]!.parsed.headers.has("list-unsubscribe")).toBe(false);
  });

  it("sends platform mail (no shop) from MAIL_FROM with the platform's brand and no Reply-To", async () => {
    const { mail } = mailService();
    const id = await enqueue({ tenantId: null });
    expect((await mail.deliver(id, 0)).kind).toBe("sent");
    const [msg] = received(id);
    expect(msg!.parsed.from?.value).toEqual([{ name: "Platform Mail", address: "noreply@platform.test" }]);
    expect(msg!.parsed.replyTo).toBeUndefined();
    expect(msg!.parsed.text).toContain("Sent by Platform Mail.");
  });

  it("renders once and freezes the rendering: a later brand change does not alter a queued message", async () => {
    const { mail } = mailService();
    const id = await enqueue();
    smtp.refuse(451, "Greylisted, come back later");
    expect((await mail.deliver(id, 0)).kind).toBe("retry");
    const frozen = await row(id);
    expect(frozen.html).toContain("Mail Shop");
    await db.prisma.$executeRaw`UPDATE tenants SET brand = jsonb_set(brand, '{displayName}', '"Renamed Shop"') WHERE id = ${shop.id}::uuid`;
    await db.prisma.$executeRaw`UPDATE email_outbox SET next_attempt_at = now() WHERE id = ${id}::uuid`;
    try {
      expect((await mail.deliver(id, 1)).kind).toBe("sent");
      expect(received(id)[0]!.parsed.html).toBe(frozen.html);
    } finally {
      await db.prisma.$executeRaw`UPDATE tenants SET brand = jsonb_set(brand, '{displayName}', '"Mail Shop"') WHERE id = ${shop.id}::uuid`;
    }
  });
});

describe("dependencies the lead wires", () => {
  it("sends through the shop's own SMTP server when shopSender gives one: its From, envelope, DKIM and Message-ID domain", async () => {
    const own = await startSmtpServer({ user: "shop-user", pass: "shop-pass" });
    try {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
      const asked: string[] = [];
      const { mail } = mailService({}, {
        shopSender: async (tenantId) => {
          asked.push(tenantId);
          return tenantId !== shop.id ? null : {
            integrationId: "00000000-0000-4000-8000-000000000001",
            transport: { host: "127.0.0.1", port: own.port, secure: false, auth: { user: "shop-user", pass: "shop-pass" } },
            from: { name: "Mail Shop Orders", address: "orders@mailshop.example" },
            dkim: { domainName: "mailshop.example", keySelector: "sf1", privateKey },
          };
        },
      });
      const id = await enqueue();
      expect((await mail.deliver(id, 0)).kind).toBe("sent");
      expect(received(id)).toHaveLength(0);
      const [msg] = await own.waitFor(1);
      expect(msg!.user).toBe("shop-user");
      expect(msg!.envelope.from).toBe("orders@mailshop.example");
      expect(msg!.parsed.from?.value).toEqual([{ name: "Mail Shop Orders", address: "orders@mailshop.example" }]);
      expect(msg!.parsed.replyTo).toBeUndefined();
      expect(msg!.parsed.messageId).toBe(`<${id}@mailshop.example>`);
      const headers = msg!.raw.toString().split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
      expect(headers).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; .*d=mailshop\.example; .*s=sf1;/m);
      expect(await row(id)).toMatchObject({ status: "sent", sender: "shop:00000000-0000-4000-8000-000000000001", envelopeFrom: "orders@mailshop.example" });
      // Another shop without its own sender falls back to the platform's.
      const theirs = await enqueue({ tenantId: other.id });
      expect((await mail.deliver(theirs, 0)).kind).toBe("sent");
      expect(received(theirs)).toHaveLength(1);
      expect(asked).toEqual([shop.id, other.id]);
    } finally {
      await own.close();
    }
  });

  it("attaches files by reference through attachment(); one that is not ready yet is retried, not skipped", async () => {
    let ready = false;
    const { mail } = mailService({}, {
      attachment: async (tenantId, ref) => (ready && tenantId === shop.id && ref.kind === "invoice" ? { filename: `invoice-${ref.orderId.slice(0, 8)}.pdf`, content: Buffer.from("%PDF-1.4 test") } : null),
    });
    const orderId = "11111111-2222-4333-8444-555555555555";
    const id = (await enqueueMail(db.prisma, {
      tenantId: shop.id, template: "shop.test_email", locale: "en", to: "attach@example.test", data: { senderLabel: "x" }, attachments: [{ kind: "invoice", orderId }],
    }))!.id;
    const first = await mail.deliver(id, 0);
    expect(first).toMatchObject({ kind: "retry" });
    expect((await row(id)).lastError).toMatch(/attachment invoice is not ready/);
    ready = true;
    await db.prisma.$executeRaw`UPDATE email_outbox SET next_attempt_at = now() WHERE id = ${id}::uuid`;
    expect((await mail.deliver(id, 1)).kind).toBe("sent");
    const [msg] = received(id);
    expect(msg!.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([["invoice-11111111.pdf", "%PDF-1.4 test"]]);
  });
});

describe("failures", () => {
  it("retries an SMTP 4xx with backoff, then delivers once", async () => {
    const { mail, queue } = mailService();
    const id = await enqueue();
    smtp.refuse(451, "Greylisted, come back later");
    const before = Date.now();
    const first = await mail.deliver(id, 0);
    expect(first.kind).toBe("retry");
    const waiting = await row(id);
    expect(waiting).toMatchObject({ status: "queued", attempts: 1 });
    expect(waiting.lastError).toMatch(/451.*Greylisted/);
    // Exponential backoff from MAIL_RETRY_BASE_MS (300 ms ±50 % on the first retry).
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(150);
    const next = await queue.getJob(mailJobId(id, 1));
    expect(next && (await next.isDelayed())).toBe(true);
    // Too early: the job waits, no attempt spent.
    const early = await mail.deliver(id, 1);
    expect(early.kind).toBe("wait");
    expect(received(id)).toHaveLength(0);

    await new Promise((r) => setTimeout(r, Math.max(0, waiting.nextAttemptAt.getTime() - Date.now()) + 20));
    expect((await mail.deliver(id, 1)).kind).toBe("sent");
    expect(received(id)).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("retries a dropped connection (no answer) like a 4xx", async () => {
    const { mail } = mailService();
    const id = await enqueue();
    smtp.drop();
    const r = await mail.deliver(id, 0);
    expect(r.kind).toBe("retry");
    expect(await row(id)).toMatchObject({ status: "queued", attempts: 1 });
  });

  it("marks a 5xx refusal failed with the server's reason, and never sends it again", async () => {
    const { mail, queue } = mailService();
    const id = await enqueue();
    smtp.refuse(550, "5.1.1 Mailbox unavailable: no such user");
    const r = await mail.deliver(id, 0);
    expect(r).toMatchObject({ kind: "failed" });
    const failed = await row(id);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/550 5\.1\.1 Mailbox unavailable: no such user/);
    expect((await mail.deliver(id, 1)).kind).toBe("skipped");
    await mail.kick();
    expect(await queue.getJob(mailJobId(id, 1))).toBeUndefined();
    expect(received(id)).toHaveLength(0);
  });

  it("fails the message and dead-letters the job after MAIL_MAX_ATTEMPTS temporary failures", async () => {
    const { mail } = mailService({ MAIL_RETRY_BASE_MS: "1" });
    const id = await enqueue();
    smtp.refuse(421, "Service not available", 3);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await new Promise((r) => setTimeout(r, 10));
      outcomes.push((await mail.deliver(id, attempt)).kind);
    }
    expect(outcomes).toEqual(["retry", "retry", "dead"]);
    const dead = await row(id);
    expect(dead).toMatchObject({ status: "failed", attempts: 3 });
    expect(dead.lastError).toMatch(/^gave up after 3 attempts: 421 Service not available/);
  });

  it("fails a message whose template cannot render (dead-lettered, reason kept)", async () => {
    const { mail } = mailService();
    const bad = await enqueueMail(db.prisma, { tenantId: shop.id, template: "shop.test_email", locale: "en", to: "x@example.test", data: { wrong: true } });
    const r = await mail.deliver(bad!.id, 0);
    expect(r.kind).toBe("dead");
    expect((await row(bad!.id)).lastError).toMatch(/could not render the message/);
  });
});

describe("a send abandoned mid-way", () => {
  it("is taken back after the lease by the sweep and sent again with the same Message-ID", async () => {
    const { mail, queue, env } = mailService();
    const id = await enqueue();
    // What a SIGKILLed worker leaves behind (tests/mail-faults.test.ts does it for real): claimed, never answered.
    await db.prisma.$executeRaw`UPDATE email_outbox SET status = 'sending', attempts = 1, sending_at = now(),
      subject = 's', html = 'h', text_body = 't' WHERE id = ${id}::uuid`;
    expect((await mail.deliver(id, 0)).kind).toBe("skipped");
    expect((await mail.sweep()).reclaimed).toBe(0); // still inside its lease: the worker may be alive
    await db.prisma.$executeRaw`UPDATE email_outbox SET sending_at = now() - ${env.MAIL_SENDING_LEASE_MS + 1_000} * interval '1 millisecond' WHERE id = ${id}::uuid`;
    const swept = await mail.sweep();
    expect(swept.reclaimed).toBe(1);
    expect(await queue.getJob(mailJobId(id, 1))).toBeTruthy();
    expect((await row(id)).lastError).toMatch(/interrupted/);
    expect((await mail.deliver(id, 1)).kind).toBe("sent");
    expect(received(id)).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("send limits", () => {
  it("delays a message over the per-recipient limit without spending an attempt, and never drops it", async () => {
    const { mail } = mailService({ MAIL_PER_RECIPIENT_PER_HOUR: "2" });
    const ids = [await enqueue({ to: "limited@example.test" }), await enqueue({ to: "LIMITED@example.test" }), await enqueue({ to: "limited@example.test" })];
    const kinds = [];
    for (const id of ids) kinds.push((await mail.deliver(id, 0)).kind);
    expect(kinds).toEqual(["sent", "sent", "wait"]);
    const held = await row(ids[2]!);
    expect(held).toMatchObject({ status: "queued", attempts: 0, lastError: null });
    expect(held.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(held.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
    // Another recipient of the same shop is not held up.
    expect((await mail.deliver(await enqueue({ to: "someone-else@example.test" }), 0)).kind).toBe("sent");
  });

  it("delays a shop's mail over the per-shop limit, counting nothing against the recipient", async () => {
    const { mail } = mailService({ MAIL_PER_SHOP_PER_HOUR: "1", MAIL_PER_RECIPIENT_PER_HOUR: "1" });
    expect((await mail.deliver(await enqueue({ to: "a1@example.test" }), 0)).kind).toBe("sent");
    const second = await mail.deliver(await enqueue({ to: "a2@example.test" }), 0);
    expect(second).toMatchObject({ kind: "wait", why: "shop send limit" });
    // Another shop, and the same recipient (whose slot the refused shop mail did not use), go through.
    expect((await mail.deliver(await enqueue({ tenantId: other.id, to: "a2@example.test" }), 0)).kind).toBe("sent");
  });
});

describe("development without SMTP_URL", () => {
  it("writes each message to MAIL_DIR/<id>.eml and logs the path", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sf-mail-"));
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const parsed = parseEnv({ ...BASE_ENV, SMTP_URL: undefined, MAIL_DIR: dir, REDIS_PREFIX: redisPrefix() });
    const queue = new Queue(QUEUE, { connection: redis, prefix: `${parsed.REDIS_PREFIX}bull` });
    queues.push(queue);
    const transport = platformTransport(parsed, logger);
    expect(transport.kind).toBe("file");
    const mail = new MailService({ prisma: db.prisma, redis, prefix: parsed.REDIS_PREFIX, queue, logger, config: mailConfigFromEnv(parsed), transport });
    const id = await enqueue();
    expect((await mail.deliver(id, 0)).kind).toBe("sent");
    const file = path.join(dir, `${id}.eml`);
    expect(existsSync(file)).toBe(true);
    const parsedMail = await simpleParser(readFileSync(file));
    expect(parsedMail.subject).toBe("Test email from your shop");
    expect(parsedMail.messageId).toBe(`<${id}@platform.test>`);
    expect(lines.join("")).toContain(file);
    expect((await row(id)).providerMessageId).toBe(`written to ${file}`);
    expect(received(id)).toHaveLength(0);
  });
});

describe("reads for the pages", () => {
  it("lists a shop's messages only, newest first, at most 100; counts the outbox by status for stats and /metrics", async () => {
    const { mail } = mailService();
    const mine = await enqueue();
    const theirs = await enqueue({ tenantId: other.id });
    const list = await mail.listForTenant(shop.id, 500);
    expect(list.length).toBeLessThanOrEqual(100);
    expect(list[0]!.id).toBe(mine);
    expect(list.map((m) => m.id)).not.toContain(theirs);
    expect((await mail.listForTenant(other.id, 100)).map((m) => m.id)).toContain(theirs);
    expect(list[0]).not.toHaveProperty("html");

    const stats = await mail.stats();
    const counts = await db.prisma.emailOutbox.groupBy({ by: ["status"], _count: { _all: true } });
    for (const c of counts) expect(stats.byStatus[c.status]).toBe(c._count._all);
    expect(stats.byStatus.queued).toBeGreaterThanOrEqual(2);
    expect(stats.sentLast24h).toBe(stats.byStatus.sent);

    const registry = createRegistry({ processMetrics: false });
    mail.registerMetrics(registry);
    const text = await registry.metrics();
    expect(text).toContain(`mail_outbox_messages{status="sent"} ${stats.byStatus.sent}`);
    expect(text).toContain(`mail_outbox_messages{status="queued"} ${stats.byStatus.queued}`);
    expect(text).toMatch(/mail_outbox_oldest_due_seconds \d+/);
  });

  it("keeps a scrubbed row only when it is sent or failed (what sensitive mail leaves behind)", async () => {
    const id = await enqueue();
    await expect(db.prisma.$executeRaw`UPDATE email_outbox SET scrubbed_at = now() WHERE id = ${id}::uuid`).rejects.toThrow(/email_outbox_scrubbed_check/);
    await db.prisma.$executeRaw`UPDATE email_outbox SET status = 'sent', sent_at = now(), subject = 's', html = NULL, text_body = NULL, data = '{}', scrubbed_at = now() WHERE id = ${id}::uuid`;
    await expect(db.prisma.$executeRaw`UPDATE email_outbox SET scrubbed_at = NULL WHERE id = ${id}::uuid`).rejects.toThrow(/email_outbox_rendered_check/);
  });
});
