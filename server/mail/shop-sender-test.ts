/**
 * "Send test email" (G6-7, ADR 027): mails the shop's owner through the shop's own server, synchronously, so the
 * member sees the server's answer at once. The attempt is recorded as an email_outbox row (template
 * shop.test_email, status sent or failed) so it appears in the shop's message list, and the sender's status
 * follows the outcome. Limited per shop (RATE_LIMIT_SHOP_TEST_MAIL_PER_15MIN) so the button cannot be used to
 * hammer a mail server or an owner's inbox.
 */
import nodemailer from "nodemailer";
import type { PrismaClient } from "@prisma/client";
import { ApiError, hit } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { RedisClient } from "#server/redis.ts";
import { renderMail } from "./render.ts";
import { mailLocale } from "./types.ts";
import { shopIdentity } from "./brand.ts";
import type { LinkEnv } from "./links.ts";
import type { ShopSenderService } from "./shop-sender.ts";
import { smtpFailureReason } from "./shop-sender-transport.ts";

export interface TestSendDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  /** Test sends per shop per 15 minutes. */
  limit: number;
  /** Where the shop's logo link points: the test mail shows the shop exactly as its real mail does (shopIdentity). */
  links: LinkEnv;
}

const TEMPLATE = "shop.test_email";

export async function sendTestEmail(deps: TestSendDeps, senders: ShopSenderService, actor: AuditActor, tenantId: string, integrationId: string) {
  const row = await senders.rowById(tenantId, integrationId);
  if (row.status === "disabled") throw new ApiError(409, "SENDER_DISABLED", "This sender is turned off: turn it on and save before sending a test.");
  const limit = await hit(deps.redis, deps.prefix, { name: "shop-test-mail", limit: deps.limit, windowMs: 15 * 60_000 }, tenantId);
  if (!limit.allowed) throw ApiError.rateLimited(limit.retryAfterSec, `At most ${deps.limit} test emails per 15 minutes. Try again later.`);

  const tenant = await deps.prisma.tenant.findFirstOrThrow({ where: { id: tenantId }, select: { localeDefaults: true, owner: { select: { id: true, email: true } } } });
  if (!tenant.owner) throw new ApiError(409, "OWNER_MISSING", "This shop has no owner to send the test to.");
  const { config, sender } = await senders.senderForTest(row);
  const locale = mailLocale(tenant.localeDefaults);
  const identity = await shopIdentity(deps.prisma, deps.links, tenantId);
  if (!identity) throw new ApiError(404, "NOT_FOUND", "This shop does not exist.");
  const { brand } = identity;
  const data = { senderLabel: `${config.host} (${config.fromAddress})` };
  const mail = renderMail({ template: TEMPLATE, locale, data, brand });

  const transport = nodemailer.createTransport({ ...sender.transport, dkim: sender.dkim });
  let messageId: string | null = null;
  let failure: string | null = null;
  try {
    const info = await transport.sendMail({
      from: { name: sender.from.name || brand.name, address: sender.from.address },
      to: tenant.owner.email,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      envelope: { from: sender.from.address, to: [tenant.owner.email] },
    });
    messageId = info.messageId ?? null;
  } catch (err) {
    failure = smtpFailureReason(err, `${config.host}:${config.port}`);
  } finally {
    transport.close();
  }

  const now = new Date();
  const outbox = await deps.prisma.$transaction(async (tx) => {
    const created = await tx.emailOutbox.create({
      data: {
        tenantId, template: TEMPLATE, locale, recipient: tenant.owner!.email, userId: tenant.owner!.id, data,
        subject: mail.subject, html: mail.html, textBody: mail.text,
        status: failure ? "failed" : "sent", attempts: 1, sender: `shop:${row.id}`, envelopeFrom: sender.from.address,
        providerMessageId: messageId, lastError: failure, sendingAt: now, sentAt: failure ? null : now,
      },
      select: { id: true },
    });
    await writeAudit(tx, actor, { action: "notification.sender.test", tenantId, target: `integration:${row.id}`, details: { delivered: !failure, outboxId: created.id } });
    return created;
  });
  await senders.recordOutcome(tenantId, row, failure);
  if (failure) throw new ApiError(422, "SMTP_TEST_FAILED", failure, { outboxId: outbox.id });
  return { delivered: true as const, outboxId: outbox.id, to: tenant.owner.email, messageId };
}
