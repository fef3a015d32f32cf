/**
 * One delivery attempt of one outbox row (ADR 026). The row is the truth, the job only a nudge: a job for an attempt
 * that is no longer the row's does nothing, so duplicate or late jobs are harmless.
 *
 *   queued ──render once, freeze──▶ queued ──claim (attempts+1)──▶ sending ──250──▶ sent
 *                                                                     ├── 4xx / network ──▶ queued (backoff) … failed after the last attempt
 *                                                                     └── 5xx ──▶ failed (the server's reason in last_error)
 *
 * "At most once after acceptance": the server's 250 is recorded (sent) in one UPDATE right after it arrives, and a row
 * that is sent is never sent again. A worker that dies while the row is `sending` leaves it to the sweep, which takes
 * it back after the lease and sends it again with the same Message-ID.
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import type { SendMailOptions } from "nodemailer";
import { ApiError } from "#server/http/index.ts";
import { backoffDelay, failpoint } from "#server/jobs/index.ts";
import type { Logger } from "#server/observability/index.ts";
import type { RedisClient } from "#server/redis.ts";
import { shopIdentity, type MailIdentity } from "./brand.ts";
import type { LinkEnv } from "./links.ts";
import { takeSendSlot, type SendLimits } from "./limits.ts";
import { renderMail } from "./render.ts";
import { TEMPLATES } from "./templates/index.ts";
import { domainOf, MailSendError, shopTransport, type Accepted, type Address, type MailTransport, type ShopSender } from "./transport.ts";
import type { MailAttachmentRef, MailBrand, MailLocale } from "./types.ts";

export interface OutboxRow {
  id: string;
  tenantId: string | null;
  template: string;
  locale: MailLocale;
  recipient: string;
  userId: string | null;
  data: Record<string, unknown>;
  subject: string | null;
  html: string | null;
  textBody: string | null;
  attachments: MailAttachmentRef[];
  status: "queued" | "sending" | "sent" | "failed" | "cancelled";
  attempts: number;
  nextAttemptAt: Date;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
}

export interface MailConfig {
  /** The platform's sender (MAIL_FROM). */
  from: Address;
  platformBrand: MailBrand;
  links: LinkEnv;
  maxAttempts: number;
  retryBaseMs: number;
  sendTimeoutMs: number;
  leaseMs: number;
  limits: SendLimits;
}

/** What delivery runs on; the three optional sources are other helpers' parts, wired by the lead in services.ts. */
export interface MailDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  config: MailConfig;
  /** The platform's sender: SMTP_URL, or files in MAIL_DIR in development. */
  transport: MailTransport;
  /** The shop's own SMTP sender when it has an active one, else null (the platform sends in the shop's name). */
  shopSender?: (tenantId: string) => Promise<ShopSender | null>;
  /** The template data of a row whose data is only a reference (order mail from SQL triggers); default: row.data. */
  prepare?: (row: OutboxRow) => Promise<Record<string, unknown>>;
  /** The bytes of an attachment ref (an invoice); null: not ready yet (retried). */
  attachment?: (tenantId: string, ref: MailAttachmentRef) => Promise<MailAttachment | null>;
}

export interface DeliveryDeps extends MailDeps {
  /** Queue the delivery job of the row's next attempt (job id from row id and attempt). */
  schedule(row: { id: string; tenantId: string | null; attempts: number }, delayMs: number): Promise<void>;
  counted(event: "sent" | "failed" | "retried"): void;
}

export type DeliveryOutcome =
  | { kind: "sent"; response: string }
  /** Nothing to do: the row is sent, failed, gone, or another attempt's job owns it. */
  | { kind: "skipped"; why: string }
  /** Not due yet, or over a send limit: come back then; no attempt spent. */
  | { kind: "wait"; untilMs: number; why: string }
  /** A temporary failure: queued again with backoff (the next attempt's job is scheduled). */
  | { kind: "retry"; delayMs: number; reason: string }
  /** The server refused the message for good (5xx): failed, the reason on the row. */
  | { kind: "failed"; reason: string }
  /** Out of attempts or unrenderable: failed, and the job is dead-lettered. */
  | { kind: "dead"; reason: string };

const ROW = Prisma.sql`id::text, tenant_id::text AS "tenantId", template, locale, recipient, user_id::text AS "userId", data, subject, html,
  text_body AS "textBody", attachments, status::text, attempts, next_attempt_at AS "nextAttemptAt"`;
const MAX_BACKOFF_MS = 3_600_000;

/** `tenantId`: the job's, when it has one (undefined: any); a row of another shop is not this job's. */
export async function deliverMessage(deps: DeliveryDeps, messageId: string, attempt: number, tenantId?: string | null): Promise<DeliveryOutcome> {
  const shopFilter = tenantId === undefined ? Prisma.empty : Prisma.sql`AND tenant_id IS NOT DISTINCT FROM ${tenantId}::uuid`;
  const [found] = await deps.prisma.$queryRaw<OutboxRow[]>`SELECT ${ROW} FROM email_outbox WHERE id = ${messageId}::uuid ${shopFilter}`;
  if (!found) return { kind: "skipped", why: "gone" };
  let row = found;
  if (row.status !== "queued") return { kind: "skipped", why: row.status };
  if (row.attempts !== attempt) return { kind: "skipped", why: "another attempt" };
  if (row.nextAttemptAt.getTime() > Date.now()) return { kind: "wait", untilMs: row.nextAttemptAt.getTime(), why: "not due" };
  if (row.attempts >= deps.config.maxAttempts) return giveUp(deps, row, "queued", `gave up after ${row.attempts} attempts`);

  const identity = row.tenantId ? await shopIdentity(deps.prisma, deps.config.links, row.tenantId) : null;
  if (row.tenantId && !identity) return { kind: "skipped", why: "shop gone" };
  if (row.subject === null) {
    const rendered = await renderOnce(deps, row, identity?.brand ?? deps.config.platformBrand);
    if ("kind" in rendered) return rendered;
    row = rendered;
  }

  const slot = await takeSendSlot(deps.redis, deps.prefix, deps.config.limits, row);
  if (slot.waitMs > 0) {
    const until = new Date(Date.now() + slot.waitMs);
    await deps.prisma.$executeRaw`UPDATE email_outbox SET next_attempt_at = ${until}, updated_at = now()
      WHERE id = ${row.id}::uuid AND status = 'queued' AND attempts = ${row.attempts}`;
    return { kind: "wait", untilMs: until.getTime(), why: `${slot.limit} send limit` };
  }

  // Everything that can fail without touching the server comes before the claim, so it costs no lease.
  let prepared: Prepared;
  try {
    prepared = await prepareSend(deps, row, identity);
  } catch (err) {
    return temporaryFailure(deps, row, "queued", row.attempts + 1, `could not prepare the message: ${(err as Error).message}`);
  }
  const [claimed] = await deps.prisma.$queryRaw<{ attempts: number }[]>`
    UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, sending_at = now(), updated_at = now()
    WHERE id = ${row.id}::uuid AND status = 'queued' AND attempts = ${row.attempts} AND subject IS NOT NULL
    RETURNING attempts`;
  if (!claimed) {
    if (prepared.owned) prepared.transport.close();
    return { kind: "skipped", why: "claimed elsewhere" };
  }
  return sendClaimed(deps, row, claimed.attempts, prepared);
}

async function renderOnce(deps: DeliveryDeps, row: OutboxRow, brand: MailBrand): Promise<OutboxRow | DeliveryOutcome> {
  let rendered;
  try {
    const data = deps.prepare ? await deps.prepare(row) : row.data;
    // Marketing mail carries its signed unsubscribe link in its data (ADR 033); the layout puts it in the footer.
    rendered = renderMail({ template: row.template, locale: row.locale, data, brand, unsubscribeUrl: unsubscribeOf(data) ?? undefined });
  } catch (err) {
    // A missing template, data it refuses, or a prepare() that says the subject is gone: no retry will change that.
    if (err instanceof ApiError && err.status < 500) return giveUp(deps, row, "queued", `could not render the message: ${err.message}`);
    throw err;
  }
  const [frozen] = await deps.prisma.$queryRaw<OutboxRow[]>`
    UPDATE email_outbox SET subject = ${rendered.subject}, html = ${rendered.html}, text_body = ${rendered.text}, updated_at = now()
    WHERE id = ${row.id}::uuid AND status = 'queued' AND subject IS NULL RETURNING ${ROW}`;
  if (frozen) return frozen;
  // Rendered by someone else in the meantime: theirs is the frozen one.
  const [current] = await deps.prisma.$queryRaw<OutboxRow[]>`SELECT ${ROW} FROM email_outbox WHERE id = ${row.id}::uuid`;
  return current?.status === "queued" && current.subject !== null ? current : { kind: "skipped", why: "changed while rendering" };
}

/**
 * A marketing row's unsubscribe link (ADR 033, 041): the one function behind both the footer (rendered once) and the
 * List-Unsubscribe header (at send), so the two can never disagree. The link is absolute, on the shop's primary
 * verified domain or its platform subdomain, chosen when the announcement was created.
 */
function unsubscribeOf(data: unknown): string | null {
  const url = (data as { unsubscribeUrl?: unknown } | null)?.unsubscribeUrl;
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

interface Prepared {
  transport: MailTransport;
  /** Own transport (a shop's server) to close after the send; the platform's pool stays open. */
  owned: boolean;
  sender: string;
  message: SendMailOptions & { id: string };
}

async function prepareSend(deps: DeliveryDeps, row: OutboxRow, identity: MailIdentity | null): Promise<Prepared> {
  // Rows flagged viaPlatform (a buyer's escrow order mail, whose link shows the delivery code) never go through the
  // shop's own server (ADR 029).
  const viaPlatform = (row.data as { viaPlatform?: unknown } | null)?.viaPlatform === true;
  const shop = row.tenantId && deps.shopSender && !viaPlatform ? await deps.shopSender(row.tenantId) : null;
  // The shop's own server sends as the shop; otherwise the platform's server sends in the shop's name, and replies
  // go to the shop's support address.
  const from = shop ? shop.from : identity ? { name: identity.brand.name, address: deps.config.from.address } : deps.config.from;
  const replyTo = !shop && identity?.replyTo ? identity.replyTo : undefined;
  const attachments = await loadAttachments(deps, row);
  const unsubscribe = unsubscribeOf(row.data);
  return {
    transport: shop ? shopTransport(shop, deps.config.sendTimeoutMs) : deps.transport,
    owned: Boolean(shop),
    sender: shop ? `shop:${shop.integrationId}` : "platform",
    message: {
      id: row.id,
      from,
      to: row.recipient,
      ...(replyTo ? { replyTo } : {}),
      subject: row.subject!,
      html: row.html!,
      text: row.textBody!,
      // The same on every attempt, so a copy sent twice (a crash before the row said sent) is one message to clients.
      messageId: `<${row.id}@${domainOf(from.address)}>`,
      envelope: { from: from.address, to: [row.recipient] },
      headers: { "Auto-Submitted": "auto-generated" },
      // Marketing mail (ADR 033) names its signed unsubscribe page, so mail clients offer their own unsubscribe button.
      // No List-Unsubscribe-Post: the page asks for a confirming click (RFC 8058's one-click POST is not served).
      ...(unsubscribe ? { list: { unsubscribe } } : {}),
      attachments,
    },
  };
}

async function loadAttachments(deps: DeliveryDeps, row: OutboxRow): Promise<MailAttachment[]> {
  if (!row.attachments.length) return [];
  if (!row.tenantId || !deps.attachment) {
    // services.ts passes the documents service's attachment(); without it the mail goes out without the files.
    deps.logger.warn({ messageId: row.id, refs: row.attachments.length }, "mail attachments skipped: no attachment source configured");
    return [];
  }
  const files: MailAttachment[] = [];
  for (const ref of row.attachments) {
    const file = await deps.attachment(row.tenantId, ref);
    // Not there yet (an invoice still being made): a temporary problem, retried with backoff.
    if (!file) throw new Error(`attachment ${ref.kind} is not ready`);
    files.push(file);
  }
  return files;
}

async function sendClaimed(deps: DeliveryDeps, row: OutboxRow, attempts: number, p: Prepared): Promise<DeliveryOutcome> {
  let accepted: Accepted;
  try {
    failpoint("mail.before-send");
    accepted = await p.transport.send(p.message);
  } catch (err) {
    const e = err instanceof MailSendError ? err : new MailSendError((err as Error).message, false);
    if (e.permanent) return refused(deps, row, attempts, e.message);
    return temporaryFailure(deps, row, "sending", attempts, e.message);
  } finally {
    if (p.owned) p.transport.close();
  }
  // The window that "at most once after acceptance" leaves: a crash here sends the message again (same Message-ID).
  failpoint("mail.after-accept");
  await recordSent(deps, row, attempts, p, accepted);
  deps.counted("sent");
  failpoint("mail.after-record");
  return { kind: "sent", response: accepted.response };
}

const isSensitive = (template: string) => TEMPLATES.get(template)?.sensitive === true;
/** Sensitive mail (a reset or verification link) keeps only its subject once it is sent or failed. */
const scrub = (template: string) =>
  isSensitive(template) ? Prisma.sql`, data = '{}'::jsonb, html = NULL, text_body = NULL, scrubbed_at = now()` : Prisma.empty;

/**
 * Records the server's acceptance. Retried in place (Postgres blips) until shortly before the lease ends: giving up
 * earlier would let the sweep send the message again.
 */
async function recordSent(deps: DeliveryDeps, row: OutboxRow, attempts: number, p: Prepared, accepted: Accepted) {
  const deadline = Date.now() + deps.config.leaseMs - deps.config.sendTimeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      const n = await deps.prisma.$executeRaw`
        UPDATE email_outbox SET status = 'sent', sent_at = now(), provider_message_id = ${accepted.response.slice(0, 500)},
          sender = ${p.sender}, envelope_from = ${(p.message.envelope as { from: string }).from}, last_error = NULL, updated_at = now() ${scrub(row.template)}
        WHERE id = ${row.id}::uuid AND status = 'sending' AND attempts = ${attempts}`;
      if (n === 0) deps.logger.error({ messageId: row.id }, "mail accepted by the server but its row was taken back meanwhile; it may be sent twice");
      return;
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      deps.logger.warn({ messageId: row.id, err: (err as Error).message }, "mail accepted; recording it failed, retrying");
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function refused(deps: DeliveryDeps, row: OutboxRow, attempts: number, reason: string): Promise<DeliveryOutcome> {
  await deps.prisma.$executeRaw`
    UPDATE email_outbox SET status = 'failed', last_error = ${reason}, updated_at = now() ${scrub(row.template)}
    WHERE id = ${row.id}::uuid AND status = 'sending' AND attempts = ${attempts}`;
  deps.counted("failed");
  deps.logger.warn({ messageId: row.id, tenantId: row.tenantId, reason }, "mail refused by the server");
  return { kind: "failed", reason };
}

/** Out of attempts (or unrenderable): failed for good, with the reason; the caller dead-letters the job. */
async function giveUp(deps: DeliveryDeps, row: OutboxRow, from: "queued" | "sending", reason: string): Promise<DeliveryOutcome> {
  await deps.prisma.$executeRaw`
    UPDATE email_outbox SET status = 'failed', last_error = ${reason.slice(0, 1000)}, updated_at = now() ${scrub(row.template)}
    WHERE id = ${row.id}::uuid AND status = ${from}::"EmailStatus"`;
  deps.counted("failed");
  return { kind: "dead", reason };
}

/** 4xx, network, not ready: back to queued with exponential backoff, until the attempts run out. */
async function temporaryFailure(deps: DeliveryDeps, row: OutboxRow, from: "queued" | "sending", attempts: number, reason: string): Promise<DeliveryOutcome> {
  if (attempts >= deps.config.maxAttempts) {
    if (from === "queued") await deps.prisma.$executeRaw`UPDATE email_outbox SET attempts = ${attempts} WHERE id = ${row.id}::uuid AND status = 'queued'`;
    return giveUp(deps, row, from, `gave up after ${attempts} attempts: ${reason}`);
  }
  const delayMs = Math.min(MAX_BACKOFF_MS, backoffDelay(attempts, deps.config.retryBaseMs));
  const n = await deps.prisma.$executeRaw`
    UPDATE email_outbox SET status = 'queued', attempts = ${attempts}, last_error = ${reason.slice(0, 1000)},
      next_attempt_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
    WHERE id = ${row.id}::uuid AND status = ${from}::"EmailStatus" AND attempts = ${from === "sending" ? attempts : row.attempts}`;
  if (n === 0) return { kind: "skipped", why: "changed meanwhile" };
  deps.counted("retried");
  await deps.schedule({ id: row.id, tenantId: row.tenantId, attempts }, delayMs);
  return { kind: "retry", delayMs, reason };
}
