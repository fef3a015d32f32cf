/**
 * The DNS records a shop publishes for its own sender (ADR 027), and the "Verify DNS" check: DKIM (the sender's own
 * RSA 2048 key at `<selector>._domainkey.<from domain>`) and SPF (one `v=spf1` record on the from domain that
 * authorises the shop's SMTP host). Lookups go through the same DNS_SERVERS resolver as custom domains. Each
 * problem is explained in one sentence.
 *
 * The SPF check is deliberately shallow: it accepts `a:<host>`, an `include:` of the host's own registrable domain,
 * an `ip4:`/`ip6:` range holding one of the host's addresses, a bare `a`/`mx` when the host is the from domain
 * itself, or `+all`; it does not follow includes recursively (a full SPF evaluation is the receivers' job).
 */
import net from "node:net";
import { generateKeyPairSync } from "node:crypto";
import { registrableDomain, type DnsLookup, type DnsResult } from "#server/domains/index.ts";

export interface DkimKey {
  selector: string;
  /** base64 DER (SubjectPublicKeyInfo), as the `p=` tag carries it. */
  publicKey: string;
  privateKeyPem: string;
}

/** A fresh RSA 2048 key per sender; the selector names the month it was made, so a later rotation can add a new one. */
export function generateDkimKey(now = new Date()): DkimKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  const selector = `sf${now.toISOString().slice(0, 7).replace("-", "")}`;
  return { selector, publicKey: der.toString("base64"), privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

export const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

export interface SenderDnsRecord {
  purpose: "spf" | "dkim";
  type: "TXT";
  name: string;
  value: string;
}

/** SPF: the platform's include when set (mail that falls back to the platform sender), and the shop's SMTP host. */
export function spfValue(host: string, platformInclude?: string) {
  const family = net.isIP(host);
  const mechanism = family === 4 ? `ip4:${host}` : family === 6 ? `ip6:${host}` : `a:${host}`;
  return `v=spf1 ${mechanism}${platformInclude ? ` include:${platformInclude}` : ""} ~all`;
}

export const dkimName = (selector: string, fromDomain: string) => `${selector}._domainkey.${fromDomain}`;
export const dkimValue = (publicKey: string) => `v=DKIM1; k=rsa; p=${publicKey}`;

export function senderRecords(s: { host: string; fromAddress: string; dkimSelector: string; dkimPublicKey: string }, platformInclude?: string): SenderDnsRecord[] {
  const domain = domainOf(s.fromAddress);
  return [
    { purpose: "spf", type: "TXT", name: domain, value: spfValue(s.host, platformInclude) },
    { purpose: "dkim", type: "TXT", name: dkimName(s.dkimSelector, domain), value: dkimValue(s.dkimPublicKey) },
  ];
}

// A type alias (not an interface) so it is assignable to Prisma's JSON input.
export type DnsCheck = {
  ok: boolean;
  checkedAt: string;
  spf: { ok: boolean; problem: string | null };
  dkim: { ok: boolean; problem: string | null };
};

function lookupProblem(name: string, r: Extract<DnsResult, { ok: false }>, what: string) {
  if (r.code === "NXDOMAIN" || r.code === "NODATA") return `There is no ${what} TXT record at ${name} yet: publish the record shown (DNS changes can take a while to appear).`;
  return `The DNS lookup of ${name} failed (${r.code === "OTHER" ? r.error ?? "error" : r.code}); try again in a few minutes.`;
}

/** Tags of a DKIM record (`v=DKIM1; k=rsa; p=…`), keys lower-case, whitespace inside values removed. */
function tags(record: string) {
  const out = new Map<string, string>();
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ""));
  }
  return out;
}

async function checkDkim(dns: DnsLookup, name: string, publicKey: string) {
  const r = await dns.resolveTxt(name);
  if (!r.ok) return { ok: false, problem: lookupProblem(name, r, "DKIM") };
  const keys = r.values.map((v) => tags(v)).filter((t) => t.has("p"));
  if (!keys.length) return { ok: false, problem: `The TXT record at ${name} is not a DKIM key (it has no p= tag): replace it with the record shown.` };
  if (keys.some((t) => t.get("p") === publicKey)) return { ok: true, problem: null };
  return { ok: false, problem: `The DKIM key published at ${name} differs from this sender's key: replace it with the record shown.` };
}

async function hostAddresses(dns: DnsLookup, host: string) {
  if (net.isIP(host)) return [host];
  const [v4, v6] = await Promise.all([dns.resolve4(host), dns.resolve6(host)]);
  return [...(v4.ok ? v4.values : []), ...(v6.ok ? v6.values : [])];
}

function inRange(ip: string, range: string) {
  const [base, bits] = range.split("/");
  const family = net.isIP(base ?? "");
  if (!family || net.isIP(ip) !== family) return false;
  const list = new net.BlockList();
  const type = family === 4 ? "ipv4" : "ipv6";
  list.addSubnet(base!, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), type);
  return list.check(ip, type);
}

async function checkSpf(dns: DnsLookup, domain: string, host: string) {
  const r = await dns.resolveTxt(domain);
  const spf = r.ok ? r.values.filter((v) => /^v=spf1(\s|$)/i.test(v.trim())) : [];
  if (!r.ok && r.code !== "NXDOMAIN" && r.code !== "NODATA") return { ok: false, problem: lookupProblem(domain, r, "SPF") };
  if (!spf.length) return { ok: false, problem: `There is no SPF record (v=spf1 …) on ${domain} yet: publish the record shown.` };
  if (spf.length > 1) return { ok: false, problem: `${domain} has ${spf.length} SPF records and receivers treat that as an error: merge them into one v=spf1 record.` };
  const terms = spf[0]!.trim().toLowerCase().split(/\s+/).slice(1);
  const hostDomain = registrableDomain(host);
  const addresses = terms.some((t) => /^\+?ip[46]:/.test(t)) ? await hostAddresses(dns, host) : [];
  const authorised = terms.some((term) => {
    const t = term.replace(/^\+/, "");
    if (t === "all") return true;
    if (t === `a:${host}`) return true;
    if ((t === "a" || t === "mx") && host === domain) return true;
    if (t.startsWith("include:")) {
      const inc = t.slice("include:".length);
      return inc === host || (!net.isIP(host) && registrableDomain(inc) === hostDomain);
    }
    if (/^ip[46]:/.test(t)) return addresses.some((ip) => inRange(ip, t.slice(4)));
    return false;
  });
  return authorised ? { ok: true, problem: null } : { ok: false, problem: `The SPF record on ${domain} does not authorise ${host}: add ${net.isIP(host) ? `ip${net.isIP(host)}:${host}` : `a:${host}`} to it.` };
}

export async function checkSenderDns(dns: DnsLookup, s: { host: string; fromAddress: string; dkimSelector: string; dkimPublicKey: string }, now = new Date()): Promise<DnsCheck> {
  const domain = domainOf(s.fromAddress);
  const [spf, dkim] = await Promise.all([checkSpf(dns, domain, s.host), checkDkim(dns, dkimName(s.dkimSelector, domain), s.dkimPublicKey)]);
  return { ok: spf.ok && dkim.ok, checkedAt: now.toISOString(), spf, dkim };
}
