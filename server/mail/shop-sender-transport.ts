/**
 * nodemailer settings for a shop's own SMTP server and the one-sentence reason a send failed (ADR 027). The password
 * goes only into the transport's auth; nodemailer's logger stays off so it is never written anywhere.
 */
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { SmtpTlsMode } from "./shared.ts";

export interface SmtpSettings {
  host: string;
  port: number;
  user: string;
  tls: SmtpTlsMode;
}

export function smtpTransportOptions(s: SmtpSettings, password: string, target: { host: string; servername?: string }): SMTPTransport.Options {
  return {
    host: target.host,
    port: s.port,
    secure: s.tls === "implicit",
    requireTLS: s.tls === "starttls",
    ignoreTLS: s.tls === "none",
    auth: { user: s.user, pass: password },
    ...(target.servername ? { tls: { servername: target.servername } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  };
}

/** What the mail server (or the network) said, in one sentence for the merchant; never includes the password. */
export function smtpFailureReason(err: unknown, where: string): string {
  const e = (err ?? {}) as { code?: string; responseCode?: number; response?: string; message?: string };
  const said = (e.response ?? e.message ?? "no answer").replace(/\s+/g, " ").trim().slice(0, 300);
  if (e.code === "EAUTH") return `${where} refused the user name or password: ${said}`;
  if (e.responseCode) return `${where} refused the message: ${said}`;
  if (e.code === "ETIMEDOUT") return `${where} did not answer in time.`;
  if (e.code === "ECONNECTION" || e.code === "ESOCKET" || e.code === "EDNS") return `Could not connect to ${where}: ${said}`;
  if (e.code === "ETLS") return `${where} could not start TLS: ${said}`;
  return `Sending through ${where} failed: ${said}`;
}
