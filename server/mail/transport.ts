/**
 * How messages leave (ADR 026): the platform's SMTP server from SMTP_URL (pooled), a shop's own SMTP server (one
 * connection per message, with DKIM), or — in development, with SMTP_URL unset — a file per message in MAIL_DIR.
 * Errors are classified once here: a permanent refusal of this message (SMTP 5xx to its envelope or data) is final;
 * everything else (4xx, a dropped connection, a timeout, bad credentials) is worth another attempt.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";
import type { SMTPTransportOptions } from "nodemailer/lib/smtp-transport";
import type { Logger } from "#server/observability/index.ts";

export interface Address {
  name: string;
  address: string;
}

/** A shop's own sender (the shop-sender helper builds it from the tenant's `notification` integration). */
export interface ShopSender {
  integrationId: string;
  transport: SMTPTransportOptions;
  from: Address;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

export interface Accepted {
  /** The server's final reply ("250 2.0.0 Ok: queued as …"), or where the file was written. */
  response: string;
  messageId: string;
}

export interface MailTransport {
  kind: "smtp" | "file";
  send(message: SendMailOptions & { id: string }): Promise<Accepted>;
  close(): void;
}

/** A delivery that did not go through; `permanent`: the server refused this message for good (5xx). */
export class MailSendError extends Error {
  constructor(message: string, public permanent: boolean, public responseCode?: number) {
    super(message);
  }
}

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; permanent?: boolean };

export function classifySendError(err: unknown): MailSendError {
  const e = err as SmtpError;
  // Only a refusal of the envelope or the data is about this message; a 5xx to AUTH or the greeting is the sender's
  // configuration, which an operator or merchant can fix, so the message keeps waiting.
  const permanent = e.permanent === true && (e.code === "EENVELOPE" || e.code === "EMESSAGE");
  const reason = (e.response ?? e.message ?? String(err)).replace(/\s+/g, " ").trim().slice(0, 500);
  return new MailSendError(reason || "delivery failed", permanent, e.responseCode);
}

/** `Name <a@b>` or `a@b` → parts. */
export function parseAddress(value: string): Address {
  const [first] = addressparser(value, { flatten: true });
  if (!first?.address) throw new Error("not an email address");
  return { name: first.name, address: first.address };
}

/** The host the Message-ID is minted under: the sending address's domain. */
export const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/** smtp://user:pass@host:port → smtp://host:port, for log lines (the URL carries the password). */
export function redactSmtpUrl(url: string) {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ""}`;
}

const timeouts = (ms: number) => ({ connectionTimeout: ms, greetingTimeout: ms, socketTimeout: ms, dnsTimeout: ms });

async function sendWith(transport: Transporter, message: SendMailOptions): Promise<Accepted> {
  try {
    const info = (await transport.sendMail(message)) as { response?: string; messageId: string };
    return { response: info.response ?? "250 accepted", messageId: info.messageId };
  } catch (err) {
    throw classifySendError(err);
  }
}

/** The platform's SMTP server (pooled: one connection carries many messages). */
export function smtpTransport(url: string, timeoutMs: number): MailTransport {
  const t = nodemailer.createTransport({ ...parseUrl(url), pool: true, maxConnections: 3, ...timeouts(timeoutMs) });
  return { kind: "smtp", send: (m) => sendWith(t, m), close: () => t.close() };
}

/** A shop's own server: a connection per message (few messages, many shops), signed with its DKIM key when given. */
export function shopTransport(sender: ShopSender, timeoutMs: number): MailTransport {
  const t = nodemailer.createTransport({ ...sender.transport, ...timeouts(timeoutMs), ...(sender.dkim ? { dkim: sender.dkim } : {}) });
  return { kind: "smtp", send: (m) => sendWith(t, m), close: () => t.close() };
}

function parseUrl(url: string): SMTPTransportOptions {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
  };
}

/** Development without SMTP_URL: the exact message as `<MAIL_DIR>/<id>.eml`, its path logged. */
export function fileTransport(dir: string, logger: Logger): MailTransport {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "file",
    async send(message) {
      const info = await t.sendMail(message);
      const file = path.resolve(dir, `${message.id}.eml`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, info.message as Buffer);
      logger.info({ messageId: message.id, file }, "mail written to file (SMTP_URL is not set)");
      return { response: `written to ${file}`, messageId: info.messageId };
    },
    close: () => t.close(),
  };
}
