/**
 * Where a shop's SMTP sender may point (ADR 027). The platform connects to a host the merchant typed, so in
 * production it refuses anything inside the platform's own network: loopback, private, link-local, CGNAT and
 * unique-local addresses, whether typed as a literal or reached through a name (checked again at connect time, and
 * the connection is pinned to the address that was checked so a second lookup cannot be rebound). Outside
 * production loopback is allowed: tests and the demo run their SMTP server on 127.0.0.1.
 */
import net from "node:net";
import { lookup } from "node:dns/promises";
import { ApiError } from "#server/http/index.ts";

const internal = new net.BlockList();
for (const [prefix, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.168.0.0", 16], ["192.0.0.0", 24], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) {
  internal.addSubnet(prefix, bits, "ipv4");
}
for (const [prefix, bits] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) internal.addSubnet(prefix, bits, "ipv6");

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, "$1");

/** True for addresses inside a private network (IPv4-mapped IPv6 is judged as its IPv4 address). */
export function isInternalAddress(address: string) {
  const ip = unbracket(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return internal.check(mapped[1]!, "ipv4");
  const family = net.isIP(ip);
  if (family === 4) return internal.check(ip, "ipv4");
  if (family === 6) return internal.check(ip, "ipv6");
  return false;
}

const refused = (host: string) =>
  new ApiError(400, "SMTP_HOST_REFUSED", `${host} is a private or loopback address; enter your mail provider's public SMTP host.`, {
    issues: [{ in: "body", path: "host", message: "Private and loopback addresses are not allowed." }],
  });

/** Save-time check of what the merchant typed. */
export function checkSmtpHost(host: string, production: boolean) {
  if (!production) return;
  if (host === "localhost" || host.endsWith(".localhost") || isInternalAddress(host)) throw refused(host);
}

/** The address to connect to: in production the name is resolved once, checked, and the connection pinned to it. */
export async function connectAddress(host: string, production: boolean): Promise<{ host: string; servername?: string }> {
  const literal = unbracket(host);
  if (net.isIP(literal) || !production) {
    checkSmtpHost(host, production);
    return { host: literal };
  }
  checkSmtpHost(host, production);
  const addresses = await lookup(host, { all: true }).catch(() => {
    throw new ApiError(422, "SMTP_HOST_UNKNOWN", `The SMTP host ${host} could not be found in DNS.`);
  });
  if (!addresses.length || addresses.some((a) => isInternalAddress(a.address))) throw refused(host);
  return { host: addresses[0]!.address, servername: host };
}
