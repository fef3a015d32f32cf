import { domainToASCII } from "node:url";

/**
 * Normalise a Host header value to the form tenant domains are stored in: lower-case ASCII (IDN → punycode),
 * without port or trailing dot. Returns null for anything that is not a plausible host name.
 */
export function normalizeHost(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let host = raw.trim();
  if (host.startsWith("[")) return null; // IPv6 literal: never a tenant host
  if (!hasValidPort(host)) return null;
  host = host.replace(/:\d*$/, "").replace(/\.$/, "");
  // domainToASCII parses a URL authority: it would cut "shop.example/x", "shop.example#x" or "shop.example:80a" down to
  // "shop.example" and decode "%6c". None of those characters belongs in a host name, so they refuse it here.
  if (!host || host.length > 253 || /[\s/?#\\%@:]/.test(host)) return null;
  const ascii = domainToASCII(host);
  if (!ascii || !/^[a-z0-9.-]+$/.test(ascii) || ascii.includes("..")) return null;
  return ascii;
}

/** Whether a Host value's port, if it has one, is a TCP port (0–65535); URL parsers throw on anything larger. */
export function hasValidPort(raw: string): boolean {
  const port = /:(\d*)$/.exec(raw.trim())?.[1];
  return !port || (port.length <= 5 && Number(port) <= 65535);
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

export type HostKind =
  | { kind: "platform" }
  | { kind: "subdomain"; slug: string }
  | { kind: "custom"; hostname: string }
  | { kind: "invalid" };

/** TEN-3: classify a normalised host against the platform domain; deeper subdomains are never tenants. */
export function classifyHost(host: string | null, platformDomain: string): HostKind {
  if (!host || isIpLiteral(host)) return { kind: "invalid" };
  if (host === platformDomain) return { kind: "platform" };
  const suffix = `.${platformDomain}`;
  if (host.endsWith(suffix)) {
    const label = host.slice(0, -suffix.length);
    return label.includes(".") ? { kind: "invalid" } : { kind: "subdomain", slug: label };
  }
  return { kind: "custom", hostname: host };
}
