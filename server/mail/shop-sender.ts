/**
 * The shop's own sender (issue 15 point 2, seed G6, ADR 027): a `tenant_integrations` row with kind `notification`
 * and provider `smtp`. Host, port, user, TLS mode, from address and the DKIM selector and public key live in
 * `config`; the SMTP password and the DKIM private key are sealed together in `encrypted_config` (AAD
 * `tenant_integrations.config:<id>`) and never leave this module except into nodemailer.
 *
 * Mail for a shop goes through this sender only while it is `active` (its last connection worked), the sealed
 * secrets open, and the shop has shown it controls the from domain: either the domain shares its registrable
 * domain with one of the shop's verified custom domains, or "Verify DNS" found this sender's DKIM key published
 * on it (only someone who controls the domain's DNS can publish that).
 */
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import type { PrismaClient, TenantIntegration } from "@prisma/client";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { registrableDomain, type DnsLookup } from "#server/domains/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import { SMTP_TLS_MODES, type SaveShopSenderInput } from "./shared.ts";
import { checkSmtpHost, connectAddress } from "./shop-sender-host.ts";
import { checkSenderDns, domainOf, generateDkimKey, senderRecords } from "./shop-sender-dns.ts";
import { smtpFailureReason, smtpTransportOptions } from "./shop-sender-transport.ts";
import { sendTestEmail, type TestSendDeps } from "./shop-sender-test.ts";

import type { ShopSender } from "./transport.ts";

export const shopSenderAad = (id: string) => `tenant_integrations.config:${id}`;

const dnsCheckSchema = z.object({
  ok: z.boolean(), checkedAt: z.string(),
  spf: z.object({ ok: z.boolean(), problem: z.string().nullable() }),
  dkim: z.object({ ok: z.boolean(), problem: z.string().nullable() }),
});
/** The row's `config`, as written by save(); parsed on every read so a hand-edited row cannot surprise the code. */
const configSchema = z.object({
  host: z.string(), port: z.number().int(), user: z.string(), tls: z.enum(SMTP_TLS_MODES),
  fromAddress: z.string(), fromName: z.string().nullable(),
  dkimSelector: z.string(), dkimPublicKey: z.string(),
  /** How control of the from domain was shown; null until it was. */
  domainProof: z.enum(["custom_domain", "dkim"]).nullable(),
  dns: dnsCheckSchema.nullable(),
  lastTest: z.object({ at: z.string(), ok: z.boolean() }).nullable(),
});
export type SenderConfig = z.infer<typeof configSchema>;
const secretsSchema = z.object({ password: z.string(), dkimPrivateKey: z.string() });

export interface ShopSenderDeps extends Omit<TestSendDeps, "prisma"> {
  prisma: PrismaClient;
  box: () => SecretBox;
  /** The DNS_SERVERS resolver the custom domains use. */
  dns: DnsLookup;
  /** NODE_ENV=production: private hosts and plain-text SMTP are refused. */
  production: boolean;
  /** MAIL_SPF_INCLUDE: the platform sender's SPF include, shown next to the shop's host. */
  spfInclude?: string;
}

type Row = Pick<TenantIntegration, "id" | "status" | "config" | "encryptedConfig" | "lastError" | "updatedAt">;
const ROW = { id: true, status: true, config: true, encryptedConfig: true, lastError: true, updatedAt: true } as const;
const LIVE = { kind: "notification", provider: "smtp", disconnectedAt: null } as const;

export class ShopSenderService {
  constructor(private readonly deps: ShopSenderDeps) {}

  /** The live sender row of a shop (tenant floor), or null. */
  async row(tenantId: string): Promise<Row | null> {
    return this.deps.prisma.tenantIntegration.findFirst({ where: { tenantId, ...LIVE }, select: ROW });
  }

  /** The row by id, scoped to the shop: another shop's id is a 404 like a made-up one. */
  async rowById(tenantId: string, integrationId: string): Promise<Row> {
    const row = await this.deps.prisma.tenantIntegration.findFirst({ where: { id: integrationId, tenantId, ...LIVE }, select: ROW });
    if (!row) throw new ApiError(404, "INTEGRATION_NOT_FOUND", "This shop has no such mail sender.");
    return row;
  }

  view(row: Row) {
    const c = configSchema.parse(row.config);
    return {
      id: row.id, kind: "notification" as const, provider: "smtp" as const, status: row.status, lastError: row.lastError,
      host: c.host, port: c.port, user: c.user, tls: c.tls, fromAddress: c.fromAddress, fromName: c.fromName,
      passwordSet: row.encryptedConfig !== null,
      domainProof: c.domainProof,
      records: senderRecords(c, this.deps.spfInclude),
      dns: c.dns, lastTest: c.lastTest, updatedAt: row.updatedAt.toISOString(),
      /** Whether the shop's mail goes through this sender now (else the platform sender with the shop's name). */
      inUse: row.status === "active" && c.domainProof !== null,
    };
  }

  async get(tenantId: string) {
    const row = await this.row(tenantId);
    return row ? this.view(row) : null;
  }

  /** Create or update the shop's sender; the password may be left out to keep the stored one. */
  async save(actor: AuditActor, tenantId: string, input: SaveShopSenderInput) {
    checkSmtpHost(input.host, this.deps.production);
    if (input.tls === "none" && this.deps.production) {
      throw new ApiError(400, "SMTP_TLS_REQUIRED", "Mail servers must be reached over TLS: choose implicit TLS or STARTTLS.", { issues: [{ in: "body", path: "tls", message: "TLS is required." }] });
    }
    const box = this.deps.box();
    const existing = await this.row(tenantId);
    const old = existing ? configSchema.parse(existing.config) : null;
    // Secrets sealed under a key no longer configured: the merchant re-enters the password and gets a new DKIM key.
    const oldSecrets = existing?.encryptedConfig ? this.tryOpenSecrets(existing.id, existing.encryptedConfig) : null;
    const password = input.password ?? oldSecrets?.password;
    if (!password) {
      throw new ApiError(400, "SMTP_PASSWORD_REQUIRED", "Enter the SMTP password.", { issues: [{ in: "body", path: "password", message: "Enter the SMTP password." }] });
    }
    const id = existing?.id ?? randomUUID();
    const key = oldSecrets && old ? { selector: old.dkimSelector, publicKey: old.dkimPublicKey, privateKeyPem: oldSecrets.dkimPrivateKey } : generateDkimKey();
    const fromDomain = domainOf(input.fromAddress);
    const sameDomain = old !== null && domainOf(old.fromAddress) === fromDomain && old.dkimPublicKey === key.publicKey;
    const config: SenderConfig = {
      host: input.host, port: input.port, user: input.user, tls: input.tls, fromAddress: input.fromAddress, fromName: input.fromName || null,
      dkimSelector: key.selector, dkimPublicKey: key.publicKey,
      domainProof: (await this.ownsViaCustomDomain(tenantId, fromDomain)) ? "custom_domain" : sameDomain && old.domainProof === "dkim" ? "dkim" : null,
      // A new host or domain needs a new check; the old result would describe other records.
      dns: sameDomain && old.host === input.host ? old.dns : null,
      lastTest: old?.lastTest ?? null,
    };
    // Connect and sign in now, so the page says at once whether the settings work (nothing is sent).
    const probe = input.enabled ? await this.probe(config, password) : null;
    const status = !input.enabled ? "disabled" : probe ? "error" : "active";
    const sealed = box.seal(JSON.stringify({ password, dkimPrivateKey: key.privateKeyPem }), shopSenderAad(id));
    const data = { status, config, encryptedConfig: sealed, lastError: probe, lastSyncAt: new Date() } as const;
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const saved = existing
        ? await tx.tenantIntegration.update({ where: { tenantId_id: { tenantId, id } }, data, select: ROW })
        : await tx.tenantIntegration.create({ data: { id, tenantId, kind: "notification", provider: "smtp", ...data }, select: ROW });
      await writeAudit(tx, actor, {
        action: existing ? "notification.sender.update" : "notification.sender.create", tenantId, target: `integration:${id}`,
        details: { host: config.host, port: config.port, tls: config.tls, fromAddress: config.fromAddress, passwordChanged: input.password !== undefined, status },
      });
      return saved;
    }).catch((err: { code?: string }) => {
      if (err.code === "P2002") throw new ApiError(409, "INTEGRATION_CONFLICT", "Someone saved this shop's sender at the same time; reload and try again.");
      throw err;
    });
    return this.view(row);
  }

  /** Turns the sender off for good: the sealed password and key are wiped, the row stays for the audit trail. */
  async remove(actor: AuditActor, tenantId: string, integrationId: string) {
    return this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.tenantIntegration.updateMany({
        where: { id: integrationId, tenantId, ...LIVE }, data: { status: "disconnected", disconnectedAt: new Date(), encryptedConfig: null },
      });
      if (count === 0) throw new ApiError(404, "INTEGRATION_NOT_FOUND", "This shop has no such mail sender.");
      await writeAudit(tx, actor, { action: "notification.sender.remove", tenantId, target: `integration:${integrationId}`, details: { provider: "smtp" } });
      return { id: integrationId, status: "disconnected" as const };
    });
  }

  /** G6-7: mails the shop's owner through this sender now; failures are a 422 with the server's reason. */
  testSend(actor: AuditActor, tenantId: string, integrationId: string) {
    return sendTestEmail(this.deps, this, actor, tenantId, integrationId);
  }

  /** "Verify DNS": SPF and DKIM through DNS_SERVERS; a published DKIM key also proves control of the from domain. */
  async verifyDns(actor: AuditActor, tenantId: string, integrationId: string) {
    const row = await this.rowById(tenantId, integrationId);
    const c = configSchema.parse(row.config);
    const dns = await checkSenderDns(this.deps.dns, c);
    const domainProof = c.domainProof ?? (dns.dkim.ok ? "dkim" : null);
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const saved = await tx.tenantIntegration.update({ where: { tenantId_id: { tenantId, id: row.id } }, data: { config: { ...c, dns, domainProof } }, select: ROW });
      await writeAudit(tx, actor, { action: "notification.sender.verify_dns", tenantId, target: `integration:${row.id}`, details: { spf: dns.spf.ok, dkim: dns.dkim.ok } });
      return saved;
    });
    return this.view(updated);
  }

  /**
   * For mail-core: the shop's own sender, or null (no sender, not active, domain not shown to be the shop's, or the
   * sealed secrets do not open under the current keys — then the platform sender carries the mail).
   */
  async shopSender(tenantId: string): Promise<ShopSender | null> {
    const row = await this.deps.prisma.tenantIntegration.findFirst({ where: { tenantId, ...LIVE, status: "active" }, select: ROW });
    if (!row?.encryptedConfig) return null;
    const c = configSchema.parse(row.config);
    if (!c.domainProof || (c.tls === "none" && this.deps.production)) return null;
    const secrets = this.tryOpenSecrets(row.id, row.encryptedConfig);
    if (!secrets) return null;
    return this.senderOf(row.id, c, secrets, await connectAddress(c.host, this.deps.production));
  }

  /** The sender for one send, whether or not the domain is proven (the test send goes to the shop's own owner). */
  async senderForTest(row: Row) {
    const c = configSchema.parse(row.config);
    if (!row.encryptedConfig) throw new ApiError(409, "SMTP_PASSWORD_REQUIRED", "Enter the SMTP password again and save.");
    const secrets = this.openSecrets(row.id, row.encryptedConfig);
    return { config: c, sender: this.senderOf(row.id, c, secrets, await connectAddress(c.host, this.deps.production)) };
  }

  /** Records the outcome of a send through the sender: `active` after a success, `error` with the reason after a failure. */
  async recordOutcome(tenantId: string, row: Row, failure: string | null) {
    const c = configSchema.parse(row.config);
    await this.deps.prisma.tenantIntegration.updateMany({
      where: { id: row.id, tenantId, ...LIVE, status: { in: ["active", "error"] } },
      data: { status: failure ? "error" : "active", lastError: failure, lastSyncAt: new Date(), config: { ...c, lastTest: { at: new Date().toISOString(), ok: !failure } } },
    });
  }

  private senderOf(id: string, c: SenderConfig, secrets: z.infer<typeof secretsSchema>, target: { host: string; servername?: string }): ShopSender {
    return {
      integrationId: id,
      transport: smtpTransportOptions(c, secrets.password, target),
      from: { name: c.fromName ?? "", address: c.fromAddress },
      dkim: { domainName: domainOf(c.fromAddress), keySelector: c.dkimSelector, privateKey: secrets.dkimPrivateKey },
    };
  }

  private tryOpenSecrets(id: string, sealed: string) {
    const box = this.deps.box();
    try {
      return secretsSchema.parse(JSON.parse(box.open(sealed, shopSenderAad(id))));
    } catch {
      return null;
    }
  }

  private openSecrets(id: string, sealed: string) {
    const secrets = this.tryOpenSecrets(id, sealed);
    if (!secrets) throw new ApiError(409, "SMTP_PASSWORD_REQUIRED", "The stored SMTP password can no longer be read: enter it again and save.");
    return secrets;
  }

  /** Connects and signs in; returns the failure in one sentence, or null when the server took the credentials. */
  private async probe(c: SenderConfig, password: string): Promise<string | null> {
    const where = `${c.host}:${c.port}`;
    let transport: ReturnType<typeof nodemailer.createTransport> | null = null;
    try {
      transport = nodemailer.createTransport(smtpTransportOptions(c, password, await connectAddress(c.host, this.deps.production)));
      await transport.verify();
      return null;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      return smtpFailureReason(err, where);
    } finally {
      transport?.close();
    }
  }

  /** The from domain is the shop's when it shares its registrable domain with one of its verified custom domains. */
  private async ownsViaCustomDomain(tenantId: string, fromDomain: string) {
    const domains = await this.deps.prisma.tenantDomain.findMany({ where: { tenantId, status: { in: ["active", "degraded"] } }, select: { hostname: true } });
    const want = registrableDomain(fromDomain);
    return domains.some((d) => registrableDomain(d.hostname) === want);
  }
}
