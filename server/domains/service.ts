/**
 * Custom domains of a shop (DOM-1..5, TEN-6): add, check (verify or re-check), remove, set the primary host, and the
 * scheduled sweep. Every status change is a compare-and-swap on the status read, written with its domain event (the
 * DNS/TLS evidence) in one transaction; after commit the tenancy caches are told and the edge is reconciled, so a
 * verified domain is served within moments and a removed one stops being served.
 */
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient, type TenantDomain, type TenantDomainStatus } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { inTenant, type TenantScope } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { TLS_WARNING_DAYS, type TlsProbeResult } from "#server/edge/index.ts";
import { failpoint } from "#server/jobs/index.ts";
import { rolesFor } from "#server/auth/index.ts";
import { enqueueTeamMail } from "#server/mail/index.ts";
import { explainProblems } from "./doctor.ts";
import type { DnsLookup } from "./dns.ts";
import { validateCustomHostname, isApexHostname } from "./hostname.ts";
import { verifyDomain, type DomainMode, type DomainProblem } from "./verify.ts";
import { ACTIVE_RECHECK_MS, DEGRADED_RECHECK_MS, pendingDelayMs } from "./schedule.ts";
import { toDomainView, type DomainView, type EdgeTarget } from "./view.ts";

export interface DomainServiceDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  dns: DnsLookup;
  edge: EdgeTarget;
  platformDomain: string;
  /** Announce a tenancy change to every instance (resolver, ask snapshot) — after commit. */
  publish(reason: string): Promise<unknown>;
  /** Reconcile the edge now; absent when no Caddy is configured. */
  sync?: (reason: string) => Promise<{ ok: boolean; error: string | null }>;
  /** Probe HTTPS through the edge with SNI = hostname; absent when EDGE_PROBE_ADDRESS is not set. */
  probe?: (hostname: string) => Promise<TlsProbeResult>;
  notify?: (tenantId: string, event: { id: string; text: string }) => Promise<unknown>;
  /** The platform's origin for dashboard links in mail (default https://<platformDomain>). */
  dashboardOrigin?: () => string;
  /** Queue a background re-check (a job with retries) after the edge could not be updated inline. */
  retry?: (tenantId: string, domainId: string) => Promise<unknown>;
  manualCheckMinMs: number;
  pendingMaxDays: number;
  degradedGraceHours: number;
  now?: () => Date;
}

export const MAX_DOMAINS_PER_TENANT = 20;
const EDGE_PENDING = "Your domain is verified, but the edge could not be updated yet. We retry automatically; no action is needed.";

export interface CheckResult {
  domain: DomainView;
  /** Status before → after (equal when nothing changed). */
  from: TenantDomainStatus;
  to: TenantDomainStatus;
  /** A manual check that came too soon after the previous one: nothing was looked up. */
  throttled: boolean;
  /** The edge could not be reconciled after a change; the caller (a job) should retry. */
  edgeError: string | null;
}

type Tx = Prisma.TransactionClient;

export class DomainService {
  constructor(private deps: DomainServiceDeps) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private view(row: TenantDomain) {
    return toDomainView(row, this.deps.edge, this.now());
  }

  async list(tenantId: string): Promise<DomainView[]> {
    const rows = await this.deps.prisma.tenantDomain.findMany({ where: { tenantId, status: { not: "removed" } }, orderBy: { createdAt: "asc" } });
    return rows.map((r) => this.view(r));
  }

  async get(tenantId: string, domainId: string) {
    const row = await this.find(tenantId, domainId);
    const events = await this.deps.prisma.tenantDomainEvent.findMany({
      where: { tenantId, domainId }, orderBy: { createdAt: "desc" }, take: 50,
      select: { id: true, fromStatus: true, toStatus: true, actor: true, evidence: true, createdAt: true },
    });
    return { ...this.view(row), events };
  }

  private async find(tenantId: string, domainId: string, db: PrismaClient | Tx = this.deps.prisma) {
    const row = await db.tenantDomain.findFirst({ where: { id: domainId, tenantId } });
    if (!row || row.status === "removed") throw new ApiError(404, "DOMAIN_NOT_FOUND", "No such domain.");
    return row;
  }

  /** Operators and the scheduler check a domain by id alone; the row then supplies the floor for the rest. */
  private findAcrossTenants(domainId: string) {
    return this.deps.prisma.tenantDomain.findUnique({ where: { id: domainId } });
  }

  async add(audit: AuditActor, tenantId: string, input: { hostname: string; mode?: DomainMode }): Promise<DomainView> {
    const v = validateCustomHostname(input.hostname, { platformDomain: this.deps.platformDomain });
    if (!v.ok) throw new ApiError(400, "DOMAIN_INVALID", v.message, { reason: v.reason });
    const mode: DomainMode = input.mode ?? (isApexHostname(v.hostname) ? "apex" : "cname");
    if (mode === "apex" && !this.deps.edge.ipv4.length && !this.deps.edge.ipv6.length) {
      throw new ApiError(400, "DOMAIN_INVALID", `This platform cannot serve root domains yet. Use a subdomain such as www.${v.hostname} instead.`, { reason: "apex_unsupported" });
    }
    const now = this.now();
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const clash = await hostnameClash(tx, v.hostname);
        if (clash) throw taken(v.hostname, clash.tenantId === tenantId);
        const count = await tx.tenantDomain.count({ where: { tenantId, status: { not: "removed" } } });
        if (count >= MAX_DOMAINS_PER_TENANT) throw new ApiError(409, "DOMAIN_LIMIT_REACHED", `A shop can have at most ${MAX_DOMAINS_PER_TENANT} domains. Remove one first.`);
        const row = await tx.tenantDomain.create({
          data: { tenantId, hostname: v.hostname, mode, verificationToken: randomBytes(24).toString("base64url"), createdAt: now, nextCheckAt: new Date(now.getTime() + pendingDelayMs(0)) },
        });
        await event(tx, row, null, "pending", actorOf(audit), { reason: "added", mode });
        await writeAudit(tx, audit, { action: "domain.add", tenantId, target: row.id, details: { hostname: row.hostname, mode } });
        return this.view(row);
      });
    } catch (err) {
      // Two tenants racing for one name: the partial unique index on lower(hostname) decides.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw taken(v.hostname, false);
      throw err;
    }
  }

  /**
   * Check a domain now. Pending/failed/suspended domains need ownership (TXT) and routing; active/degraded ones are
   * re-checked for routing only (merchants often delete the TXT record after verification), plus a TLS probe.
   * `manual` checks (the merchant's "Check now", the wizard's polling) are throttled per domain.
   */
  async check(actor: string, tenantId: string | null, domainId: string, { manual = false } = {}): Promise<CheckResult> {
    const row = tenantId ? await this.find(tenantId, domainId) : await this.findAcrossTenants(domainId);
    if (!row || row.status === "removed") throw new ApiError(404, "DOMAIN_NOT_FOUND", "No such domain.");
    if (manual && this.deps.manualCheckMinMs > 0) {
      const ok = await this.deps.redis.set(`${this.deps.prefix}domain-check:${row.id}`, "1", "PX", this.deps.manualCheckMinMs, "NX");
      if (ok !== "OK") return { domain: this.view(row), from: row.status, to: row.status, throttled: true, edgeError: null };
    }
    const now = this.now();
    const live = row.status === "active" || row.status === "degraded";
    const result = await verifyDomain(this.deps.dns, {
      hostname: row.hostname, mode: row.mode, token: row.verificationToken, edgeCnameTarget: this.deps.edge.cnameTarget,
      edgeIpv4: this.deps.edge.ipv4, edgeIpv6: this.deps.edge.ipv6, caaIssuers: this.deps.edge.caaIssuers,
    });
    const passed = live ? result.routing.ok && result.caa.ok : result.ok;
    const problems: DomainProblem[] = live ? result.problems.filter((p) => !p.code.startsWith("txt_")) : result.problems;
    const evidence = { ok: passed, problems, dns: result.evidence } as unknown as Prisma.InputJsonValue;

    let to: TenantDomainStatus = row.status;
    let data: Prisma.TenantDomainUpdateManyMutationInput = { lastCheckedAt: now, lastProblems: problems as unknown as Prisma.InputJsonValue };
    let notice: string | null = null;
    if (!live) {
      if (passed) {
        to = "active";
        data = { ...data, verifiedAt: now, checkAttempts: 0, lastProblems: [], nextCheckAt: new Date(now.getTime() + ACTIVE_RECHECK_MS) };
      } else if (row.status === "pending" && now.getTime() - row.createdAt.getTime() >= this.deps.pendingMaxDays * 86_400_000) {
        to = "failed";
        data = { ...data, nextCheckAt: null, checkAttempts: { increment: 1 } };
        notice = `${row.hostname} could not be verified within ${fmtDays(this.deps.pendingMaxDays)} and was set to failed. Fix its DNS records, then press "Check now" in the dashboard.`;
      } else {
        data = { ...data, checkAttempts: { increment: 1 }, nextCheckAt: row.status === "pending" ? new Date(now.getTime() + pendingDelayMs(row.checkAttempts + 1)) : null };
      }
    } else if (passed) {
      to = "active";
      data = { ...data, degradedSince: null, checkAttempts: 0, lastProblems: [], nextCheckAt: new Date(now.getTime() + ACTIVE_RECHECK_MS) };
    } else if (row.status === "active") {
      to = "degraded";
      data = { ...data, degradedSince: now, checkAttempts: 1, nextCheckAt: new Date(now.getTime() + DEGRADED_RECHECK_MS) };
      notice = `${row.hostname} no longer points at the shop. It keeps working for ${fmtHours(this.deps.degradedGraceHours)}; fix its DNS records before then.`;
    } else if (now.getTime() - row.degradedSince!.getTime() >= this.deps.degradedGraceHours * 3_600_000) {
      to = "suspended";
      data = { ...data, degradedSince: null, isPrimary: false, nextCheckAt: null, checkAttempts: { increment: 1 } };
      notice = `${row.hostname} has not pointed at the shop for ${fmtHours(this.deps.degradedGraceHours)} and is no longer served. Fix its DNS records, then press "Check now".`;
    } else {
      data = { ...data, checkAttempts: { increment: 1 }, nextCheckAt: new Date(now.getTime() + DEGRADED_RECHECK_MS) };
    }

    const routable = (s: TenantDomainStatus) => s === "active" || s === "degraded";
    // Becoming routable commits "the edge still has to learn this" with the status: a worker killed before the edge
    // update below leaves the marker, and the job's retry (which sees no status change) updates the edge because of it.
    const edgeOwed = Boolean(this.deps.sync) && routable(to) && !routable(row.status);
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const autoPrimary = to === "active" && !live && !(await tx.tenantDomain.count({ where: { tenantId: row.tenantId, isPrimary: true } }));
      const n = await tx.tenantDomain.updateMany({
        where: { id: row.id, tenantId: row.tenantId, status: row.status },
        data: { ...data, status: to, ...(autoPrimary ? { isPrimary: true } : {}), ...(edgeOwed ? { lastError: EDGE_PENDING, lastErrorAt: now } : {}) },
      });
      if (n.count === 0) return null; // someone else moved it meanwhile (a removal, another check): theirs stands
      // A check that changes nothing is logged only when what it found differs from the last check, so a wizard
      // polling every few seconds (or a week of backoff checks) does not bury the transitions.
      if (to !== row.status || problemKey(problems) !== problemKey(row.lastProblems as unknown as DomainProblem[])) {
        await event(tx, row, row.status, to, actor, evidence);
      }
      if (notice && (to === "failed" || to === "degraded" || to === "suspended")) {
        const detail = explainProblems(problems, { hostname: row.hostname, mode: row.mode, edgeCnameTarget: this.deps.edge.cnameTarget, edgeIpv4: this.deps.edge.ipv4, edgeIpv6: this.deps.edge.ipv6 }).join(" ");
        const deadline = to === "degraded" ? new Date(now.getTime() + this.deps.degradedGraceHours * 3_600_000).toISOString() : null;
        await this.mail(tx, row, `domain.${to}`, "merchant.domain_problem", { hostname: row.hostname, status: to, deadline, detail: detail.slice(0, 1000) || null });
      }
      return tx.tenantDomain.findUniqueOrThrow({ where: { id: row.id, tenantId: row.tenantId } });
    });
    if (!updated) {
      const fresh = await this.deps.prisma.tenantDomain.findUniqueOrThrow({ where: { id: row.id, tenantId: row.tenantId } });
      return { domain: this.view(fresh), from: row.status, to: fresh.status, throttled: false, edgeError: null };
    }
    failpoint("domains.after-commit");
    if (notice) await this.tell(row, `domain.${to}`, notice);

    let edgeError: string | null = null;
    // A check after an edge failure (a retried job) also retries the edge, even when the status did not change.
    if (routable(row.status) !== routable(to) || (routable(to) && row.lastError === EDGE_PENDING)) edgeError = await this.afterChange(updated, `domain ${updated.hostname} ${row.status} → ${to}`);
    if (edgeError && manual) await this.deps.retry?.(row.tenantId, row.id);
    let final = await this.deps.prisma.tenantDomain.findUniqueOrThrow({ where: { id: row.id, tenantId: row.tenantId } }); // with afterChange's notice
    if (routable(to) && !edgeError && this.deps.probe && (to !== row.status || !row.tlsCheckedAt || now.getTime() - row.tlsCheckedAt.getTime() >= ACTIVE_RECHECK_MS / 2)) {
      final = await this.recordTls(final, actor);
    }
    return { domain: this.view(final), from: row.status, to, throttled: false, edgeError };
  }

  /** After a committed change: tell every instance, reconcile the edge, and keep the outcome on the domain. */
  private async afterChange(row: TenantDomain, reason: string): Promise<string | null> {
    await this.deps.publish(reason);
    if (!this.deps.sync) return null;
    const r = await this.deps.sync(reason).catch((err: Error) => ({ ok: false, error: err.message }));
    const edgeError = r.ok ? null : (r.error ?? "edge reconcile failed");
    // Written only when the notice changes (or to date a new failure): a routine success needs no second write.
    if (edgeError || row.lastError !== null) {
      await this.deps.prisma.tenantDomain.updateMany({
        where: { id: row.id, tenantId: row.tenantId },
        data: edgeError ? { lastError: EDGE_PENDING, lastErrorAt: this.now() } : { lastError: null, lastErrorAt: null },
      });
    }
    return edgeError;
  }

  private async recordTls(row: TenantDomain, actor: string): Promise<TenantDomain> {
    const probe = await this.deps.probe!(row.hostname);
    const tlsStatus = probe.status;
    const { updated, warning } = await this.deps.prisma.$transaction(async (tx) => {
      const updated = await tx.tenantDomain.update({
        where: { id: row.id, tenantId: row.tenantId },
        data: {
          tlsStatus, tlsIssuer: probe.issuer, tlsNotAfter: probe.notAfter ? new Date(probe.notAfter) : null,
          tlsSanMatch: probe.sanMatch, tlsError: probe.error, tlsCheckedAt: this.now(),
        },
      });
      // The TLS status is part of the domain's lifecycle (DOM-4/5): its changes are logged with the certificate seen.
      if (tlsStatus !== row.tlsStatus) await event(tx, row, row.status, row.status, actor, { tls: { from: row.tlsStatus, to: tlsStatus }, probe } as unknown as Prisma.InputJsonValue);
      // Merchants are warned once a day while the certificate needs attention (under 14 days left, or failing).
      const warning = this.view(updated).tls.warning;
      if (warning && actor.startsWith("system:")) {
        await this.mail(tx, updated, "domain.tls", "merchant.certificate_expiring", {
          hostname: updated.hostname, notAfter: updated.tlsNotAfter?.toISOString() ?? null, daysLeft: probe.daysLeft, detail: probe.status === "issued" ? null : warning,
        });
      }
      return { updated, warning };
    });
    if (warning && actor.startsWith("system:")) await this.tell(updated, "domain.tls", warning);
    return updated;
  }

  async remove(audit: AuditActor, tenantId: string, domainId: string) {
    const row = await this.find(tenantId, domainId);
    const done = await this.deps.prisma.$transaction(async (tx) => {
      const n = await tx.tenantDomain.updateMany({
        where: { id: row.id, tenantId, status: row.status },
        data: { status: "removed", removedAt: this.now(), isPrimary: false, nextCheckAt: null },
      });
      if (n.count === 0) return false;
      await event(tx, row, row.status, "removed", actorOf(audit), { reason: "removed by the shop" });
      await writeAudit(tx, audit, { action: "domain.remove", tenantId, target: row.id, details: { hostname: row.hostname } });
      return true;
    });
    if (!done) throw new ApiError(409, "CONFLICT", "The domain changed meanwhile; reload and try again.");
    if (row.status === "active" || row.status === "degraded") await this.afterChange(row, `domain ${row.hostname} removed`);
    return { removed: true as const };
  }

  /** TEN-6: make an active domain the primary host, or (null) go back to the platform subdomain. */
  async setPrimary(audit: AuditActor, tenantId: string, domainId: string | null) {
    await this.deps.prisma.$transaction(async (tx) => {
      await tx.tenantDomain.updateMany({ where: { tenantId, isPrimary: true, ...(domainId ? { id: { not: domainId } } : {}) }, data: { isPrimary: false } });
      if (domainId) {
        const n = await tx.tenantDomain.updateMany({ where: { id: domainId, tenantId, status: { in: ["active", "degraded"] } }, data: { isPrimary: true } });
        if (n.count === 0) {
          await this.find(tenantId, domainId, tx);
          throw new ApiError(400, "DOMAIN_NOT_ACTIVE", "Only a verified domain can be the primary host. Verify it first.");
        }
      }
      await writeAudit(tx, audit, { action: "domain.primary", tenantId, target: domainId, details: { primary: domainId ?? "platform subdomain" } });
    });
    await this.deps.publish("primary domain changed");
    return { primaryDomainId: domainId };
  }

  /** Operators: every shop's domains (not removed) with their health, newest problems first. */
  async health(filter: { status?: TenantDomainStatus; q?: string } = {}, limit = 500) {
    const rows = await this.deps.prisma.tenantDomain.findMany({
      where: { status: filter.status ?? { not: "removed" }, ...(filter.q ? { hostname: { contains: filter.q.toLowerCase() } } : {}) },
      include: { tenant: { select: { id: true, slug: true, displayName: true, status: true } } },
      orderBy: [{ lastErrorAt: { sort: "desc", nulls: "last" } }, { hostname: "asc" }], take: limit,
    });
    return rows.map(({ tenant, ...r }) => ({ ...this.view(r), tenant }));
  }

  /** OPS-3 metrics: domains (not removed) by status and TLS status, and certificates that end within 14 days. */
  async stateCounts() {
    const [groups, expiringSoon] = await Promise.all([
      this.deps.prisma.tenantDomain.groupBy({ by: ["status", "tlsStatus"], where: { status: { not: "removed" } }, _count: { _all: true } }),
      this.deps.prisma.tenantDomain.count({ where: { status: { in: ["active", "degraded"] }, tlsNotAfter: { lt: new Date(this.now().getTime() + TLS_WARNING_DAYS * 86_400_000) } } }),
    ]);
    return { byState: groups.map((g) => ({ status: g.status, tlsStatus: g.tlsStatus, count: g._count._all })), expiringSoon };
  }

  /** One domain's event log (operators pass the domain's own tenant). */
  async events(scope: TenantScope, domainId: string, limit = 200) {
    return this.deps.prisma.tenantDomainEvent.findMany({ where: inTenant(scope, { domainId }), orderBy: { createdAt: "desc" }, take: limit });
  }

  /** Domains whose next check is due (pending backoff, daily re-checks), oldest first. */
  async due(limit = 200): Promise<Array<{ id: string; tenantId: string; nextCheckAt: Date }>> {
    const rows = await this.deps.prisma.tenantDomain.findMany({
      where: { status: { in: ["pending", "active", "degraded"] }, nextCheckAt: { lte: this.now() } },
      orderBy: { nextCheckAt: "asc" }, take: limit, select: { id: true, tenantId: true, nextCheckAt: true },
    });
    return rows.map((r) => ({ id: r.id, tenantId: r.tenantId, nextCheckAt: r.nextCheckAt! }));
  }

  /** Mail to the owner and the members who manage domains, in the event's transaction; once per domain, kind and hour. */
  private async mail(tx: Tx, row: TenantDomain, kind: string, template: "merchant.domain_problem" | "merchant.certificate_expiring", data: Record<string, unknown>) {
    const origin = this.deps.dashboardOrigin?.() ?? `https://${this.deps.platformDomain}`;
    await enqueueTeamMail(tx, {
      tenantId: row.tenantId, roles: rolesFor("domains.manage"), template, cause: `${kind}:${row.id}:${this.now().toISOString().slice(0, 13)}`,
      data: { ...data, dashboardUrl: `${origin}/dashboard/${row.tenantId}/domains` },
    });
  }

  private async tell(row: TenantDomain, kind: string, text: string) {
    if (!this.deps.notify) return;
    await this.deps.notify(row.tenantId, { id: `${kind}:${row.id}:${this.now().toISOString().slice(0, 13)}`, text }).catch(() => undefined);
  }
}

/** Hostnames are unique across shops: the clash check looks at every tenant on purpose. */
function hostnameClash(tx: Tx, hostname: string) {
  return tx.tenantDomain.findFirst({ where: { hostname, status: { not: "removed" } }, select: { tenantId: true } });
}

function taken(hostname: string, ours: boolean) {
  return new ApiError(409, "DOMAIN_TAKEN", ours ? `${hostname} is already added to this shop.` : `${hostname} is already used by another shop. If it is yours, contact support.`);
}

function actorOf(actor: AuditActor) {
  return actor.userId ? `${actor.kind}:${actor.userId}` : actor.kind;
}

async function event(tx: Tx, row: Pick<TenantDomain, "id" | "tenantId">, from: TenantDomainStatus | null, to: TenantDomainStatus, actor: string, evidence: Prisma.InputJsonValue) {
  await tx.tenantDomainEvent.create({ data: { tenantId: row.tenantId, domainId: row.id, fromStatus: from, toStatus: to, actor, evidence } });
}

function fmtDays(d: number) {
  return d >= 1 ? `${d} day${d === 1 ? "" : "s"}` : `${Math.round(d * 24 * 60)} minutes`;
}
function fmtHours(h: number) {
  return h >= 48 ? `${Math.round(h / 24)} days` : `${h} hour${h === 1 ? "" : "s"}`;
}

function problemKey(problems: DomainProblem[] | null) {
  return JSON.stringify((Array.isArray(problems) ? problems : []).map((p) => p.code));
}
