/**
 * DOM-2 verification of a custom domain: ownership (TXT `_storefront-verify.<hostname>` carries the token) AND
 * routing (the CNAME chain reaches the edge, or the apex A/AAAA records are exactly the edge's addresses) must both
 * hold; docs/security.md 15 — a CNAME pointing at us without the TXT proof is never enough. Optionally the CAA records
 * must let the edge's certificate authority issue. Every DNS answer seen is returned as JSON-serialisable evidence
 * for the domain event log (DOM-5); every fault is returned as a DomainProblem for the doctor (DOM-3).
 */
import net from "node:net";
import { canonicalName, type CaaRecord, type DnsLookup, type DnsResult } from "./dns.ts";
import { isApexHostname, registrableDomain } from "./hostname.ts";

export type DomainMode = "cname" | "apex";

export const OWNERSHIP_LABEL = "_storefront-verify";
export const OWNERSHIP_PREFIX = "storefront-verify=";
/** The longest CNAME chain followed from the hostname. */
export const MAX_CNAME_HOPS = 5;

export interface VerifyTarget {
  /** Validated, lower-case ASCII (see validateCustomHostname). */
  hostname: string;
  mode: DomainMode;
  token: string;
  edgeCnameTarget: string;
  edgeIpv4?: string | string[];
  edgeIpv6?: string | string[];
  /** CAA issuer domains of the edge's certificate authority (e.g. ["letsencrypt.org"]). Omitted: CAA is not checked. */
  caaIssuers?: string[];
}

type AddressKind = "a" | "aaaa";

/** One code per fault the domain doctor can explain (DOM-3). */
export type DomainProblem =
  | { code: "txt_missing"; name: string; expected: string }
  | { code: "txt_mismatch"; name: string; expected: string; found: string[] }
  | { code: "cname_missing"; name: string; expected: string; foundA: string[]; foundAaaa: string[] }
  | { code: "cname_elsewhere"; name: string; expected: string; target: string; chain: string[]; dangling: boolean }
  | { code: "cname_chain_too_long"; name: string; expected: string; chain: string[] }
  | { code: "cname_at_apex"; name: string; mode: DomainMode; found: string | null }
  | { code: `${AddressKind}_missing`; name: string; expected: string[]; missing: string[] }
  | { code: `${AddressKind}_elsewhere`; name: string; expected: string[]; found: string[] }
  | { code: `${AddressKind}_stray`; name: string; expected: string[]; stray: string[] }
  | { code: "caa_forbids"; name: string; found: string[]; allowed: string[] }
  | { code: "nxdomain"; name: string }
  | { code: "dns_timeout"; zone: string; names: string[] }
  | { code: "dns_error"; zone: string; names: string[]; error: string };

export type DomainProblemCode = DomainProblem["code"];

export type DnsRecordType = "TXT" | "CNAME" | "A" | "AAAA" | "CAA";
export interface DnsEvidenceEntry {
  name: string;
  type: DnsRecordType;
  result: DnsResult<string>;
}

export interface DomainVerification {
  ok: boolean;
  ownership: { ok: boolean; name: string; expected: string; found: string[] };
  routing: {
    ok: boolean;
    mode: DomainMode;
    /** cname: the chain followed from the hostname (targets in order); a/aaaa: the hostname's addresses. */
    found: { cname: string[]; a: string[]; aaaa: string[] };
  };
  caa: { ok: boolean; checked: boolean; name: string | null; found: string[] };
  problems: DomainProblem[];
  evidence: {
    hostname: string;
    mode: DomainMode;
    expected: { txt: string; cnameTarget: string; ipv4: string[]; ipv6: string[]; caaIssuers: string[] | null };
    lookups: DnsEvidenceEntry[];
  };
}

export function ownershipRecordName(hostname: string) {
  return `${OWNERSHIP_LABEL}.${hostname}`;
}
export function ownershipRecordValue(token: string) {
  return `${OWNERSHIP_PREFIX}${token}`;
}

export interface DnsRecordToCreate {
  type: "TXT" | "CNAME" | "A" | "AAAA";
  name: string;
  value: string;
}

/** DOM-1: the records a merchant creates for a domain. */
export function recordsToCreate(target: Omit<VerifyTarget, "caaIssuers">): DnsRecordToCreate[] {
  const records: DnsRecordToCreate[] = [{ type: "TXT", name: ownershipRecordName(target.hostname), value: ownershipRecordValue(target.token) }];
  if (target.mode === "cname") records.push({ type: "CNAME", name: target.hostname, value: canonicalName(target.edgeCnameTarget) });
  else {
    for (const ip of list(target.edgeIpv4)) records.push({ type: "A", name: target.hostname, value: ip });
    for (const ip of list(target.edgeIpv6)) records.push({ type: "AAAA", name: target.hostname, value: ip });
  }
  return records;
}

function list(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** Comparable form of an IP address: IPv6 expanded to eight lower-case groups. */
export function canonicalIp(ip: string): string {
  const s = ip.trim().toLowerCase();
  if (!net.isIPv6(s)) return s;
  let text = s;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text); // ::ffff:1.2.3.4
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined ? (tail ? tail.split(":") : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => parseInt(g, 16).toString(16)).join(":");
}

const KNOWN_CAA_TAGS = new Set(["issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone"]);

function caaText(r: CaaRecord) {
  return `${r.critical ? 128 : 0} ${r.tag} "${r.value}"`;
}

/** RFC 8659 for a non-wildcard certificate: may one of `issuers` issue under this relevant CAA RRset? */
export function caaAllows(records: CaaRecord[], issuers: string[]): boolean {
  if (records.some((r) => r.critical && !KNOWN_CAA_TAGS.has(r.tag))) return false;
  const issue = records.filter((r) => r.tag === "issue");
  if (!issue.length) return true;
  const wanted = new Set(issuers.map(canonicalName));
  return issue.some((r) => {
    const domain = canonicalName(r.value.split(";")[0] ?? "");
    return domain !== "" && wanted.has(domain);
  });
}

function matchesToken(value: string, token: string) {
  let v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).trim(); // a pasted pair of quotes
  return v === ownershipRecordValue(token) || v === token;
}

export async function verifyDomain(lookup: DnsLookup, target: VerifyTarget): Promise<DomainVerification> {
  const hostname = canonicalName(target.hostname);
  const edge = canonicalName(target.edgeCnameTarget);
  const ipv4 = list(target.edgeIpv4);
  const ipv6 = list(target.edgeIpv6);
  const caaIssuers = target.caaIssuers?.length ? target.caaIssuers.map(canonicalName) : null;
  if (!/^[A-Za-z0-9._~-]{8,}$/.test(target.token)) throw new Error("verifyDomain: the verification token must be at least 8 URL-safe characters");
  if (!hostname.includes(".")) throw new Error("verifyDomain: hostname must be a validated custom hostname");
  if (target.mode === "apex" && !ipv4.length && !ipv6.length) throw new Error("verifyDomain: apex mode needs edgeIpv4 and/or edgeIpv6");

  const lookups: DnsEvidenceEntry[] = [];
  const failures: { name: string; code: string }[] = [];
  const q = async (type: Exclude<DnsRecordType, "CAA">, name: string): Promise<DnsResult<string>> => {
    const entry: DnsEvidenceEntry = { name, type, result: { ok: false, code: "OTHER", error: "PENDING" } };
    lookups.push(entry); // in the order asked, whatever order the answers come back in
    const fn = { TXT: lookup.resolveTxt, CNAME: lookup.resolveCname, A: lookup.resolve4, AAAA: lookup.resolve6 }[type];
    entry.result = await fn.call(lookup, name);
    return entry.result;
  };
  const caaLookups = new Map<string, Promise<DnsResult<CaaRecord>>>();
  const qCaa = (name: string) => {
    const entry: DnsEvidenceEntry = { name, type: "CAA", result: { ok: false, code: "OTHER", error: "PENDING" } };
    lookups.push(entry);
    const p = lookup.resolveCaa(name).then((r) => {
      entry.result = r.ok ? { ok: true, values: r.values.map(caaText) } : r;
      return r;
    });
    caaLookups.set(name, p);
    return p;
  };
  /** true when the result is a DNS failure (recorded for a dns_timeout/dns_error problem). */
  const failed = (name: string, r: DnsResult<unknown>) => {
    if (r.ok || r.code === "NXDOMAIN" || r.code === "NODATA") return false;
    failures.push({ name, code: r.code === "OTHER" ? (r.error ?? "OTHER") : r.code });
    return true;
  };
  const values = (r: DnsResult<string>) => (r.ok ? r.values : []);

  const problems: DomainProblem[] = [];
  let hostMissing = false;

  // All first-round lookups in parallel: ownership TXT, the hostname's CNAME/A/AAAA, and the CAA climb.
  const txtName = ownershipRecordName(hostname);
  const caaNames: string[] = [];
  if (caaIssuers) for (let labels = hostname.split("."); labels.length >= 2; labels = labels.slice(1)) caaNames.push(labels.join("."));
  const [txt, cname0, a, aaaa] = await Promise.all([
    q("TXT", txtName),
    q("CNAME", hostname),
    q("A", hostname),
    q("AAAA", hostname),
    ...caaNames.map((n) => qCaa(n)),
  ]);

  // Ownership.
  const expectedTxt = ownershipRecordValue(target.token);
  const ownership = { ok: false, name: txtName, expected: expectedTxt, found: values(txt) };
  if (txt.ok) {
    ownership.ok = txt.values.some((v) => matchesToken(v, target.token));
    if (!ownership.ok) problems.push({ code: "txt_mismatch", name: txtName, expected: expectedTxt, found: txt.values });
  } else if (!failed(txtName, txt)) {
    problems.push({ code: "txt_missing", name: txtName, expected: expectedTxt });
  }

  // Routing.
  const found = { cname: [] as string[], a: values(a), aaaa: values(aaaa) };
  let routingOk = false;
  const apexHost = isApexHostname(hostname);

  /** The problems that keep the hostname's addresses from being exactly the edge's (`expected`). */
  const addressProblems = (kind: AddressKind, got: string[], expected: string[]): DomainProblem[] => {
    const want = new Set(expected.map(canonicalIp));
    const have = new Set(got.map(canonicalIp));
    const foreign = got.filter((ip) => !want.has(canonicalIp(ip)));
    const missing = expected.filter((ip) => !have.has(canonicalIp(ip)));
    if (!expected.length) return got.length ? [{ code: `${kind}_stray`, name: hostname, expected, stray: got }] : [];
    if (!got.length) return [{ code: `${kind}_missing`, name: hostname, expected, missing }];
    if (foreign.length === got.length) return [{ code: `${kind}_elsewhere`, name: hostname, expected, found: got }];
    const out: DomainProblem[] = [];
    if (foreign.length) out.push({ code: `${kind}_stray`, name: hostname, expected, stray: foreign });
    if (missing.length) out.push({ code: `${kind}_missing`, name: hostname, expected, missing });
    return out;
  };

  if (target.mode === "cname" && !apexHost) {
    let current = hostname;
    let result = cname0;
    let dangling = false;
    let dnsFailed = false;
    for (let hop = 0; ; hop++) {
      if (result.ok) {
        const next = result.values[0]!;
        found.cname.push(next);
        if (next === edge) {
          routingOk = true;
          break;
        }
        if (found.cname.length >= MAX_CNAME_HOPS) break;
        current = next;
        result = await q("CNAME", current);
        continue;
      }
      if (failed(current, result)) dnsFailed = true;
      else if (result.code === "NXDOMAIN") {
        if (hop === 0) hostMissing = true;
        else dangling = true;
      }
      break;
    }
    if (!routingOk && !dnsFailed && !hostMissing) {
      if (!found.cname.length) {
        // No CNAME: say what is there instead (unless those lookups failed, which is reported on its own).
        const foundA = a.ok ? a.values : [];
        const foundAaaa = aaaa.ok ? aaaa.values : [];
        problems.push({ code: "cname_missing", name: hostname, expected: edge, foundA, foundAaaa });
      } else if (found.cname.length >= MAX_CNAME_HOPS && !dangling && found.cname.at(-1) !== edge) {
        problems.push({ code: "cname_chain_too_long", name: hostname, expected: edge, chain: found.cname });
      } else {
        problems.push({ code: "cname_elsewhere", name: hostname, expected: edge, target: found.cname[0]!, chain: found.cname, dangling });
      }
    }
  } else {
    // Apex mode, or cname mode on a root domain (where DNS forbids a CNAME).
    const hostFailed = [cname0, a, aaaa].map((r) => failed(hostname, r)).some(Boolean);
    hostMissing = [cname0, a, aaaa].some((r) => !r.ok && r.code === "NXDOMAIN");
    const cnameAtApex = cname0.ok ? cname0.values[0]! : null;
    if (cnameAtApex !== null) found.cname.push(cnameAtApex);
    if (!hostFailed && !hostMissing) {
      const addressFaults = [...addressProblems("a", found.a, ipv4), ...addressProblems("aaaa", found.aaaa, ipv6)];
      if (target.mode === "apex") {
        problems.push(...addressFaults);
        if (apexHost && cnameAtApex !== null) problems.push({ code: "cname_at_apex", name: hostname, mode: "apex", found: cnameAtApex });
        routingOk = !addressFaults.length && !(apexHost && cnameAtApex !== null);
      } else {
        // cname mode on a root domain: accepted only when a flattened CNAME ("ALIAS" at the DNS provider) already
        // yields exactly the edge's addresses; otherwise the merchant is told to switch to apex mode or use a
        // subdomain.
        routingOk = (ipv4.length > 0 || ipv6.length > 0) && cnameAtApex === null && !addressFaults.length;
        if (!routingOk) problems.push({ code: "cname_at_apex", name: hostname, mode: "cname", found: cnameAtApex });
      }
    }
  }
  if (hostMissing) {
    routingOk = false;
    problems.push({ code: "nxdomain", name: hostname });
  }

  // CAA: the first name from the hostname upwards that has CAA records is the relevant set (RFC 8659).
  const caa = { ok: true, checked: Boolean(caaIssuers), name: null as string | null, found: [] as string[] };
  if (caaIssuers) {
    for (const name of caaNames) {
      const r = await caaLookups.get(name)!;
      if (r.ok) {
        caa.name = name;
        caa.found = r.values.map(caaText);
        caa.ok = caaAllows(r.values, caaIssuers);
        if (!caa.ok) problems.push({ code: "caa_forbids", name, found: caa.found, allowed: caaIssuers });
        break;
      }
      if (failed(name, r)) {
        caa.ok = false;
        break;
      }
    }
  }

  // DNS failures: one problem per zone and kind, naming every name that could not be looked up.
  const grouped = new Map<string, DomainProblem & { code: "dns_timeout" | "dns_error" }>();
  for (const f of failures) {
    const zone = registrableDomain(f.name);
    const key = `${zone}|${f.code === "TIMEOUT" ? "timeout" : f.code}`;
    let p = grouped.get(key);
    if (!p) {
      p = f.code === "TIMEOUT" ? { code: "dns_timeout", zone, names: [] } : { code: "dns_error", zone, names: [], error: f.code };
      grouped.set(key, p);
    }
    if (!p.names.includes(f.name)) p.names.push(f.name);
  }
  problems.push(...grouped.values());

  const ok = ownership.ok && routingOk && caa.ok;
  return {
    ok,
    ownership,
    routing: { ok: routingOk, mode: target.mode, found },
    caa,
    problems,
    evidence: {
      hostname,
      mode: target.mode,
      expected: { txt: expectedTxt, cnameTarget: edge, ipv4, ipv6, caaIssuers },
      lookups,
    },
  };
}
