/**
 * The owner TLS condition (G10-3): a routable custom domain whose certificate expires in under OWNER_TLS_ALERT_DAYS
 * days, or has expired. The expiry is the merchant's own certificate's when there is one (ADR 042), else what the
 * last TLS probe saw. Platform read across shops on purpose: the alert job looks at every shop.
 */
import type { PrismaClient } from "@prisma/client";
import { ROLE } from "#server/auth/shared.ts";

/** The shop's owners (the role that receives alerts) or the platform operators. */
export type AlertAudience = typeof ROLE.owner | "operator";

export const OWNER_TLS_ALERT_DAYS = 7;
const DAY_MS = 86_400_000;

export interface FiringCondition {
  condition: string;
  subject: string;
  /** Null for platform-wide conditions (the ledger). */
  tenantId: string | null;
  /** Who hears it: the shop's owners (through the platform bot) or the platform operators. */
  audience: AlertAudience;
  message: string;
  /** The one "resolved" message sent when the condition clears. */
  resolved: string;
  details: Record<string, unknown>;
}

export async function tlsExpiryConditions(prisma: PrismaClient, now: Date): Promise<FiringCondition[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string; tenantId: string; hostname: string; notAfter: Date }>>`
    SELECT d.id, d.tenant_id AS "tenantId", d.hostname, coalesce(c.not_after, d.tls_not_after) AS "notAfter"
      FROM tenant_domains d
      JOIN tenants t ON t.id = d.tenant_id
      LEFT JOIN tenant_certificates c ON c.domain_id = d.id AND c.tenant_id = d.tenant_id
     WHERE d.status IN ('active', 'degraded') AND t.status = 'active'
       AND coalesce(c.not_after, d.tls_not_after) < ${new Date(now.getTime() + OWNER_TLS_ALERT_DAYS * DAY_MS)}`;
  return rows.map((r) => {
    const days = Math.floor((r.notAfter.getTime() - now.getTime()) / DAY_MS);
    const date = r.notAfter.toISOString().slice(0, 10);
    return {
      condition: "tls_expiring",
      subject: `domain:${r.id}`,
      tenantId: r.tenantId,
      audience: ROLE.owner,
      message: days < 0
        ? `The HTTPS certificate for ${r.hostname} expired on ${date}. Buyers see a security warning until it is renewed.`
        : `The HTTPS certificate for ${r.hostname} expires in ${days} day${days === 1 ? "" : "s"} (on ${date}). Renew it or upload a new one in the Domains tab.`,
      resolved: `Resolved: the HTTPS certificate for ${r.hostname} is valid again.`,
      details: { hostname: r.hostname, notAfter: r.notAfter.toISOString(), daysLeft: days },
    };
  });
}
