/**
 * DOM-2: DNS lookups through a configurable resolver (DNS_SERVERS), so tests point at a DNS server on loopback.
 * Every lookup returns a plain result instead of throwing, and the result is JSON-serialisable (it goes into the
 * domain event log as evidence). No caching: node's Resolver asks the servers every time.
 */
import { promises as dnsPromises } from "node:dns";

export type DnsFailureCode = "NXDOMAIN" | "NODATA" | "TIMEOUT" | "SERVFAIL" | "OTHER";

export type DnsResult<T = string> =
  | { ok: true; values: T[] }
  /** `error` is the resolver's own code (e.g. ECONNREFUSED) when `code` is OTHER, for the evidence log. */
  | { ok: false; code: DnsFailureCode; error?: string };

export interface CaaRecord {
  critical: number;
  tag: string;
  value: string;
}

export interface DnsLookup {
  /** TXT records, each record's character-strings joined into one value. */
  resolveTxt(name: string): Promise<DnsResult>;
  /** The CNAME target of `name` (one hop), lower-case without a trailing dot. */
  resolveCname(name: string): Promise<DnsResult>;
  resolve4(name: string): Promise<DnsResult>;
  resolve6(name: string): Promise<DnsResult>;
  resolveCaa(name: string): Promise<DnsResult<CaaRecord>>;
}

export interface DnsLookupOptions {
  /** "ip" or "ip:port" ("[v6]:port" for IPv6 with a port). Empty: the system's resolvers. */
  servers: string[];
  /** Per-try timeout; the resolver tries twice. */
  timeoutMs: number;
}

const CODES: Record<string, DnsFailureCode> = {
  ENOTFOUND: "NXDOMAIN",
  ENODATA: "NODATA",
  ETIMEOUT: "TIMEOUT",
  ESERVFAIL: "SERVFAIL",
};

export function dnsFailure(err: unknown): { ok: false; code: DnsFailureCode; error?: string } {
  const raw = (err as { code?: unknown })?.code;
  const errCode = typeof raw === "string" ? raw : "UNKNOWN";
  const code = CODES[errCode];
  return code ? { ok: false, code } : { ok: false, code: "OTHER", error: errCode };
}

export function canonicalName(name: string) {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function createDnsLookup(options: DnsLookupOptions): DnsLookup {
  const resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs, tries: 2 });
  if (options.servers.length) resolver.setServers(options.servers);

  async function run<T, R>(query: () => Promise<T[]>, map: (v: T) => R): Promise<DnsResult<R>> {
    try {
      const values = (await query()).map(map);
      // Some resolvers report an empty answer as success; treat it as the name having no such records.
      return values.length ? { ok: true, values } : { ok: false, code: "NODATA" };
    } catch (err) {
      return dnsFailure(err);
    }
  }

  return {
    resolveTxt: (name) => run(() => resolver.resolveTxt(name), (chunks) => chunks.join("")),
    resolveCname: (name) => run(() => resolver.resolveCname(name), canonicalName),
    resolve4: (name) => run(() => resolver.resolve4(name), (ip) => ip),
    resolve6: (name) => run(() => resolver.resolve6(name), (ip) => ip),
    resolveCaa: (name) =>
      run(
        () => resolver.resolveCaa(name),
        (rec): CaaRecord => {
          // node gives { critical, issue: "ca.example" } (the property is keyed by its tag).
          const entry = Object.entries(rec).find(([k]) => k !== "critical");
          return { critical: rec.critical, tag: entry ? entry[0].toLowerCase() : "", value: entry ? String(entry[1]) : "" };
        },
      ),
  };
}
