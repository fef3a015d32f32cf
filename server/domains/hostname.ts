/**
 * DOM-1: validation of a merchant's custom hostname before it is stored (lower-case ASCII, IDN → punycode,
 * no trailing dot — the same form server/http/host.ts normalises Host headers to).
 */
import { domainToASCII } from "node:url";
import { isIpLiteral } from "#server/http/index.ts";

export type HostnameRefusal =
  | "empty"
  | "not_a_hostname"
  | "wildcard"
  | "ip_literal"
  | "single_label"
  | "too_long"
  | "label_too_long"
  | "underscore"
  | "hyphen_edge"
  | "reserved_name"
  | "public_suffix"
  | "platform_domain";

export type HostnameValidation =
  | { ok: true; hostname: string; apex: boolean }
  | { ok: false; reason: HostnameRefusal; message: string };

/**
 * Special-use and reserved top-level names that can never be a merchant's public domain (RFC 6761, RFC 6762,
 * RFC 7686, RFC 9476, ICANN's `.internal`). `.test` and `.example` stay allowed: tests and docs use them.
 */
const RESERVED_TLDS = new Set(["localhost", "local", "internal", "invalid", "onion", "arpa", "alt"]);

/**
 * A deliberately small list of two-level public suffixes, NOT the Public Suffix List: enough to tell that
 * `shop.co.uk` is a registrable (apex) domain. A hostname under a suffix missing here is treated as a subdomain,
 * which only means the doctor suggests a CNAME where an A record would be needed; extend the list when a merchant
 * hits it.
 */
export const TWO_LEVEL_PUBLIC_SUFFIXES = new Set([
  "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk",
  "com.au", "net.au", "org.au", "edu.au", "gov.au",
  "co.nz", "net.nz", "org.nz",
  "co.jp", "ne.jp", "or.jp",
  "co.kr", "or.kr",
  "co.za", "org.za",
  "co.in", "net.in", "org.in", "firm.in",
  "com.br", "net.br", "org.br",
  "com.mx", "com.ar", "com.tr", "com.cn", "net.cn", "org.cn", "com.hk", "com.sg", "com.my", "com.tw",
  "co.il", "co.id", "com.ua", "com.pl", "co.at", "or.at",
]);

/** The registrable domain ("zone") a hostname belongs to, by the small suffix list above. */
export function registrableDomain(hostname: string): string {
  const labels = hostname.split(".");
  const lastTwo = labels.slice(-2).join(".");
  return labels.length >= 3 && TWO_LEVEL_PUBLIC_SUFFIXES.has(lastTwo) ? labels.slice(-3).join(".") : lastTwo;
}

/** True when the hostname is itself a registrable domain (an apex: `example.com`, `shop.co.uk`). */
export function isApexHostname(hostname: string): boolean {
  return registrableDomain(hostname) === hostname;
}

function refuse(reason: HostnameRefusal, message: string): HostnameValidation {
  return { ok: false, reason, message };
}

function normalizePlatformDomain(platformDomain: string) {
  const lower = platformDomain.trim().toLowerCase().replace(/\.$/, "");
  return domainToASCII(lower) || lower;
}

export function validateCustomHostname(input: string, options: { platformDomain: string }): HostnameValidation {
  let host = (input ?? "").trim();
  if (!host) return refuse("empty", "Enter a domain name, like shop.example.com.");
  if (host.endsWith(".")) host = host.slice(0, -1); // one trailing dot: the fully qualified form
  if (host.includes("*")) return refuse("wildcard", "Wildcard domains are not supported; enter one exact domain name.");
  if (/[/?#@\s]/.test(host)) return refuse("not_a_hostname", "Enter just the domain name, like shop.example.com (no https://, path or spaces).");
  if (/^[^:[\]]+:\d*$/.test(host) && !isIpLiteral(host.replace(/:\d*$/, ""))) {
    return refuse("not_a_hostname", "Enter the domain name without a port number.");
  }
  if (host.startsWith("[") || host.includes(":") || isIpLiteral(host)) {
    return refuse("ip_literal", "Enter a domain name, not an IP address.");
  }
  if (host.includes("_")) return refuse("underscore", "Domain names cannot contain underscores (_).");

  // A numeric last label means an IP address in one of its many spellings (127.1, 0x7f.1, 2130706433); no real
  // top-level domain is numeric. The URL parser would turn some of these into a dotted quad and reject others.
  if (/^(\d+|0x[0-9a-f]*)$/i.test(host.split(".").at(-1)!)) return refuse("ip_literal", "Enter a domain name, not an IP address.");
  const ascii = domainToASCII(host.toLowerCase());
  if (!ascii || !/^[a-z0-9.-]+$/.test(ascii)) return refuse("not_a_hostname", "That is not a valid domain name.");
  if (isIpLiteral(ascii)) return refuse("ip_literal", "Enter a domain name, not an IP address.");
  if (ascii.length > 253) return refuse("too_long", "That domain name is longer than 253 characters.");
  const labels = ascii.split(".");
  if (labels.some((l) => l.length === 0)) return refuse("not_a_hostname", "That domain name has an empty part (two dots in a row).");
  if (labels.length < 2) return refuse("single_label", "Enter a full domain name with a dot, like shop.example.com.");
  if (labels.some((l) => l.length > 63)) return refuse("label_too_long", "Each part of a domain name between dots can be at most 63 characters.");
  if (labels.some((l) => l.startsWith("-") || l.endsWith("-"))) {
    return refuse("hyphen_edge", "A part of a domain name cannot start or end with a hyphen (-).");
  }
  if (RESERVED_TLDS.has(labels.at(-1)!)) {
    return refuse("reserved_name", `.${labels.at(-1)} names are private or reserved and cannot be reached on the internet.`);
  }
  if (labels.length === 2 && TWO_LEVEL_PUBLIC_SUFFIXES.has(ascii)) {
    return refuse("public_suffix", `${ascii} is a public suffix, not a domain you can own; enter your own domain under it.`);
  }
  const platform = normalizePlatformDomain(options.platformDomain);
  if (ascii === platform || ascii.endsWith(`.${platform}`)) {
    return refuse("platform_domain", `${ascii} is part of this platform's own domain; your shop already has an address there.`);
  }
  return { ok: true, hostname: ascii, apex: isApexHostname(ascii) };
}
