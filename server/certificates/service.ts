/**
 * Merchants' own certificates (ADR 042): upload (checked, key sealed), read, remove, and the edge's list with keys
 * opened. A certificate belongs to one active custom domain of the shop; a new upload replaces the old one. After each
 * change the ask snapshot is told (publish) and the edge reconciled (sync), so Caddy serves it within moments.
 */
import { randomUUID, X509Certificate } from "node:crypto";
import type { PrismaClient, TenantCertificate } from "@prisma/client";
import { z } from "zod";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { ApiError } from "#server/http/index.ts";
import { TLS_WARNING_DAYS, type OwnCertificate } from "#server/edge/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import { checkUpload } from "./check.ts";
import { readPemBundle, readPkcs12Bundle } from "./parse.ts";

export const uploadCertificateSchema = z.discriminatedUnion("format", [
  z.object({
    format: z.literal("pem"),
    certificatePem: z.string().min(1).max(64_000).describe("The certificate, then its intermediates (PEM)"),
    keyPem: z.string().min(1).max(16_000).describe("The unencrypted RSA private key (PEM)"),
  }),
  z.object({
    format: z.literal("pkcs12"),
    pfxBase64: z.string().min(1).max(120_000).regex(/^[A-Za-z0-9+/=\s]+$/, "base64").describe("The .pfx/.p12 file, base64"),
    password: z.string().max(1000),
  }),
]);
export type UploadCertificateInput = z.infer<typeof uploadCertificateSchema>;

export interface CertificateView {
  id: string;
  domainId: string;
  serial: string;
  fingerprint256: string;
  subject: string | null;
  issuer: string | null;
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  daysLeft: number;
  /** The same threshold as the TLS checks' warnings (TLS_WARNING_DAYS). */
  warning: string | null;
  createdAt: Date;
}

export interface CertificateServiceDeps {
  prisma: PrismaClient;
  box: () => SecretBox;
  publish(reason: string): Promise<unknown>;
  sync?: (reason: string) => Promise<{ ok: boolean; error: string | null }>;
  /** Roots trusted on top of Node's store (a private PKI; the tests' CA). */
  extraRoots?: () => Promise<X509Certificate[]>;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const aad = (id: string) => `tenant_certificates.key:${id}`;
const oneLine = (dn: string) => dn.split("\n").filter(Boolean).join(", ") || null;

export class CertificateService {
  constructor(private deps: CertificateServiceDeps) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private view(row: TenantCertificate): CertificateView {
    const daysLeft = Math.floor((row.notAfter.getTime() - this.now().getTime()) / DAY_MS);
    const warning = daysLeft < 0 ? `Your certificate expired on ${row.notAfter.toISOString().slice(0, 10)}. Upload a renewed one.`
      : daysLeft < TLS_WARNING_DAYS ? `Your certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (on ${row.notAfter.toISOString().slice(0, 10)}). Upload a renewed one.`
      : null;
    const { id, domainId, serial, fingerprint256, subject, issuer, sans, notBefore, notAfter, createdAt } = row;
    return { id, domainId, serial, fingerprint256, subject, issuer, sans, notBefore, notAfter, daysLeft, warning, createdAt };
  }

  private async domain(tenantId: string, domainId: string) {
    const d = await this.deps.prisma.tenantDomain.findFirst({ where: { id: domainId, tenantId }, select: { id: true, hostname: true, status: true } });
    if (!d || d.status === "removed") throw new ApiError(404, "DOMAIN_NOT_FOUND", "No such domain.");
    return d;
  }

  async get(tenantId: string, domainId: string): Promise<CertificateView | null> {
    await this.domain(tenantId, domainId);
    const row = await this.deps.prisma.tenantCertificate.findFirst({ where: { tenantId, domainId } });
    return row ? this.view(row) : null;
  }

  /** The shop's certificates (of domains not removed). */
  async list(tenantId: string): Promise<CertificateView[]> {
    const rows = await this.deps.prisma.tenantCertificate.findMany({ where: { tenantId, domain: { status: { not: "removed" } } }, orderBy: { createdAt: "asc" } });
    return rows.map((r) => this.view(r));
  }

  async upload(audit: AuditActor, tenantId: string, domainId: string, input: UploadCertificateInput) {
    const d = await this.domain(tenantId, domainId);
    if (d.status !== "active") throw new ApiError(409, "DOMAIN_NOT_ACTIVE", `${d.hostname} must be verified (active) before a certificate can be uploaded for it.`);
    const bundle = input.format === "pem"
      ? readPemBundle(input.certificatePem, input.keyPem)
      : readPkcs12Bundle(Buffer.from(input.pfxBase64, "base64"), input.password);
    const checked = checkUpload(bundle, d.hostname, { now: this.now(), extraRoots: await this.deps.extraRoots?.() });
    const id = randomUUID();
    const leaf = checked.leaf;
    const row = await this.deps.prisma.$transaction(async (tx) => {
      await tx.tenantCertificate.deleteMany({ where: { tenantId, domainId } });
      const created = await tx.tenantCertificate.create({
        data: {
          id, tenantId, domainId, certificatePem: checked.chainPem, encryptedKey: this.deps.box().seal(checked.keyPem, aad(id)),
          serial: leaf.serialNumber.toUpperCase(), fingerprint256: leaf.fingerprint256, subject: oneLine(leaf.subject), issuer: oneLine(leaf.issuer),
          sans: (leaf.subjectAltName ?? "").split(", ").filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4)),
          notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo), uploadedBy: audit.userId ?? null,
        },
      });
      await writeAudit(tx, audit, {
        action: "domain.certificate.upload", tenantId, target: domainId,
        details: { hostname: d.hostname, serial: created.serial, notAfter: created.notAfter.toISOString(), format: input.format },
      });
      return created;
    });
    return { ...this.view(row), edge: await this.afterChange("own certificate uploaded") };
  }

  async remove(audit: AuditActor, tenantId: string, domainId: string) {
    const d = await this.domain(tenantId, domainId);
    const removed = await this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.tenantCertificate.deleteMany({ where: { tenantId, domainId } });
      if (count) await writeAudit(tx, audit, { action: "domain.certificate.remove", tenantId, target: domainId, details: { hostname: d.hostname } });
      return count > 0;
    });
    if (!removed) throw new ApiError(404, "CERTIFICATE_NOT_FOUND", "This domain has no uploaded certificate.");
    // On-demand issuance takes over again on the next handshake.
    return { removed, edge: await this.afterChange("own certificate removed") };
  }

  private async afterChange(reason: string) {
    await this.deps.publish(reason);
    if (!this.deps.sync) return null;
    const r = await this.deps.sync(reason);
    return { ok: r.ok, error: r.error };
  }

  /**
   * Platform read for the edge (not tenant-scoped on purpose: Caddy serves every shop): certificates of routable
   * domains of active shops, keys opened.
   */
  async forEdge(): Promise<OwnCertificate[]> {
    const rows = await this.deps.prisma.tenantCertificate.findMany({
      where: { domain: { status: { in: ["active", "degraded"] } }, tenant: { status: "active" } },
      select: { id: true, certificatePem: true, encryptedKey: true, domain: { select: { hostname: true } } },
      orderBy: { id: "asc" },
    });
    if (!rows.length) return [];
    const box = this.deps.box();
    return rows.map((r) => ({ id: r.id, hostname: r.domain.hostname, chainPem: r.certificatePem, keyPem: box.open(r.encryptedKey, aad(r.id)) }));
  }
}
