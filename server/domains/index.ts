/** Custom domains (docs/product.md §4 DOM-1..3): hostname validation, DNS lookups, verification and the domain doctor. */
export { createDnsLookup, canonicalName, type CaaRecord, type DnsFailureCode, type DnsLookup, type DnsLookupOptions, type DnsResult } from "./dns.ts";
export {
  isApexHostname,
  registrableDomain,
  TWO_LEVEL_PUBLIC_SUFFIXES,
  validateCustomHostname,
  type HostnameRefusal,
  type HostnameValidation,
} from "./hostname.ts";
export {
  caaAllows,
  canonicalIp,
  MAX_CNAME_HOPS,
  OWNERSHIP_LABEL,
  OWNERSHIP_PREFIX,
  ownershipRecordName,
  ownershipRecordValue,
  recordsToCreate,
  verifyDomain,
  type DnsEvidenceEntry,
  type DnsRecordToCreate,
  type DomainMode,
  type DomainProblem,
  type DomainProblemCode,
  type DomainVerification,
  type VerifyTarget,
} from "./verify.ts";
export { explainProblem, explainProblems, type DoctorContext } from "./doctor.ts";
export { DomainService, MAX_DOMAINS_PER_TENANT, type CheckResult, type DomainServiceDeps } from "./service.ts";
export { toDomainView, type DomainView, type EdgeTarget } from "./view.ts";
export { pendingDelayMs, firstCheckAt, PENDING_CAP_MS, ACTIVE_RECHECK_MS } from "./schedule.ts";
