/**
 * Where links in order mail point. The buyer's order link opens on the host the buyer checked out on (orders'
 * checkout_origin) while that host still belongs to the shop — its platform subdomain or one of its live domains —
 * else on the shop's primary host; a domain removed and later taken by another shop never receives the link.
 */
import { platformOrigin, shopOrigin, type LinkEnv } from "./links.ts";

export interface MailLinks {
  /** The platform's own origin (dashboard links). */
  platformOrigin(): string;
  /** A shop host's origin, with the scheme and port the platform is reached on. */
  shopOrigin(primaryHost: string): string;
}

/** The links of mail-core (links.ts) in the shape order mail takes. */
export function mailLinks(env: LinkEnv): MailLinks {
  return { platformOrigin: () => platformOrigin(env), shopOrigin: (host) => shopOrigin(env, host) };
}

export function shopOriginForOrder(
  links: MailLinks,
  o: { checkout_origin: string | null; slug: string; hosts: string[]; primary_host: string | null },
  platformDomain = new URL(links.platformOrigin()).hostname,
) {
  const subdomain = `${o.slug}.${platformDomain}`;
  if (o.checkout_origin) {
    const host = new URL(o.checkout_origin).hostname.toLowerCase();
    if (host === subdomain || o.hosts.includes(host)) return o.checkout_origin;
  }
  return links.shopOrigin(o.primary_host ?? subdomain);
}
