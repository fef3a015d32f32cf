/**
 * What the dashboard, the API and the operator console show for a domain: its state, the records to create, the
 * doctor's sentences for the last failed check, and the TLS state with a warning under 14 days left.
 */
import type { TenantDomain } from "@prisma/client";
import { tlsWarning, type TlsProbeResult } from "#server/edge/index.ts";
import { explainProblems } from "./doctor.ts";
import { recordsToCreate, type DnsRecordToCreate, type DomainProblem } from "./verify.ts";

export interface EdgeTarget {
  cnameTarget: string;
  ipv4: string[];
  ipv6: string[];
  caaIssuers: string[];
}

export interface DomainView {
  id: string;
  hostname: string;
  mode: TenantDomain["mode"];
  status: TenantDomain["status"];
  isPrimary: boolean;
  records: DnsRecordToCreate[];
  /** The domain doctor's sentences for the last failed check (empty when it passed or was never checked). */
  problems: string[];
  /** A failure that is not the merchant's DNS (e.g. the edge is being updated). */
  lastError: string | null;
  checkAttempts: number;
  lastCheckedAt: Date | null;
  nextCheckAt: Date | null;
  verifiedAt: Date | null;
  degradedSince: Date | null;
  createdAt: Date;
  tls: {
    status: TenantDomain["tlsStatus"];
    issuer: string | null;
    notAfter: Date | null;
    daysLeft: number | null;
    sanMatch: boolean | null;
    checkedAt: Date | null;
    error: string | null;
    warning: string | null;
  };
}

/** Caddy's internal CA issues 12-hour certificates and renews them continuously: days-left says nothing there. */
const SHORT_LIVED_ISSUER = /^Caddy Local Authority/;

export function toDomainView(row: TenantDomain, edge: EdgeTarget, now: Date): DomainView {
  const ctx = { hostname: row.hostname, mode: row.mode, edgeCnameTarget: edge.cnameTarget, edgeIpv4: edge.ipv4, edgeIpv6: edge.ipv6 };
  const problems = Array.isArray(row.lastProblems) ? (row.lastProblems as unknown as DomainProblem[]) : [];
  const daysLeft = row.tlsNotAfter ? Math.floor((row.tlsNotAfter.getTime() - now.getTime()) / 86_400_000) : null;
  let warning: string | null = null;
  if (row.tlsStatus !== "pending" && row.tlsCheckedAt) {
    const probe = {
      status: row.tlsStatus, hostname: row.hostname, error: row.tlsError, notAfter: row.tlsNotAfter?.toISOString() ?? null,
      notBefore: null, daysLeft: row.tlsIssuer && SHORT_LIVED_ISSUER.test(row.tlsIssuer) ? null : daysLeft,
    } as TlsProbeResult;
    warning = tlsWarning(probe);
  }
  return {
    id: row.id,
    hostname: row.hostname,
    mode: row.mode,
    status: row.status,
    isPrimary: row.isPrimary,
    records: recordsToCreate({ hostname: row.hostname, mode: row.mode, token: row.verificationToken, edgeCnameTarget: edge.cnameTarget, edgeIpv4: edge.ipv4, edgeIpv6: edge.ipv6 }),
    problems: explainProblems(problems, ctx),
    lastError: row.lastError,
    checkAttempts: row.checkAttempts,
    lastCheckedAt: row.lastCheckedAt,
    nextCheckAt: row.nextCheckAt,
    verifiedAt: row.verifiedAt,
    degradedSince: row.degradedSince,
    createdAt: row.createdAt,
    tls: {
      status: row.tlsStatus, issuer: row.tlsIssuer, notAfter: row.tlsNotAfter, daysLeft, sanMatch: row.tlsSanMatch,
      checkedAt: row.tlsCheckedAt, error: row.tlsError, warning,
    },
  };
}
