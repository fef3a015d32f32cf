/**
 * Fetching an image from a URL a merchant supplied (CSV import, issue 22 point 6) without turning the server into
 * a proxy into our own network (SECURITY.md, SSRF). Every connection, the first and each redirect's, goes through
 * one connector that resolves the host, refuses the whole answer when any address is private, loopback,
 * link-local, CGNAT, multicast, reserved, IPv6 ULA/loopback or an IPv4-mapped/translated form, and then connects to
 * the very address it checked (no second lookup, so DNS rebinding has no window). Redirects are followed by hand, at
 * most MAX_REDIRECTS, each re-checked. Size, Content-Type (image/*) and time are capped; the bytes then go through
 * the upload pipeline, which sniffs the real type.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { Agent, buildConnector, request } from "undici";

export const REMOTE_IMAGE_LIMITS = { maxBytes: 5 * 1024 * 1024, maxRedirects: 3, timeoutMs: 10_000 };

export class RemoteImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteImageError";
  }
}

// Two lists: Node checks an IPv4 address against IPv6 rules too (as ::ffff:a.b.c.d), which ::ffff:0:0/96 would match.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15],
  ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked4.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], ["::1", 128],
  // IPv4-mapped, IPv4-compatible, NAT64 and 6to4/Teredo forms can carry any IPv4 address, private ones included.
  ["::ffff:0:0", 96], ["::", 96], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["2002::", 16], ["2001::", 32],
  ["100::", 64], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) blocked6.addSubnet(net, prefix, "ipv6");

/** Whether an address is one the fetch must never connect to. */
export function isForbiddenAddress(address: string) {
  const family = isIP(address);
  if (family === 4) return blocked4.check(address, "ipv4");
  if (family === 6) return blocked6.check(address, "ipv6");
  return true;
}

export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface RemoteImageOptions {
  /** "ip:port" pairs reachable although private (IMAGE_FETCH_TEST_ALLOW; env.ts refuses it in production). */
  testAllow?: string[];
  resolve?: Resolver;
  limits?: Partial<typeof REMOTE_IMAGE_LIMITS>;
}

export type RemoteImageFetcher = (url: string) => Promise<Uint8Array>;

export function createRemoteImageFetcher(options: RemoteImageOptions = {}): RemoteImageFetcher {
  const limits = { ...REMOTE_IMAGE_LIMITS, ...options.limits };
  const allow = new Set(options.testAllow ?? []);
  const resolve = options.resolve ?? systemResolver;
  const connectTo = buildConnector({ timeout: limits.timeoutMs });

  /** The address to connect to: the host's, after every address it resolves to has passed the check. */
  async function checkedAddress(hostname: string, port: number) {
    const host = hostname.replace(/^\[|\]$/g, "");
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await resolve(host);
    } catch {
      throw new RemoteImageError(`the host ${host} could not be resolved`);
    }
    if (!addresses.length) throw new RemoteImageError(`the host ${host} has no address`);
    const label = (a: string) => (isIP(a) === 6 ? `[${a}]:${port}` : `${a}:${port}`);
    // All of them, not just the first: a name answering both a public and a private address is refused.
    const bad = addresses.find((a) => isForbiddenAddress(a) && !allow.has(label(a)));
    if (bad) throw new RemoteImageError(`${host} is a private, loopback or reserved address (${bad}); only public hosts are fetched`);
    return addresses[0]!;
  }

  const dispatcher = new Agent({
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
    connections: 4,
    connect(opts, callback) {
      const port = Number(opts.port) || (opts.protocol === "https:" ? 443 : 80);
      checkedAddress(opts.hostname, port).then(
        (address) => {
          // TLS still verifies the certificate against the name in the URL, not the address.
          const servername = isIP(opts.hostname.replace(/^\[|\]$/g, "")) ? undefined : opts.hostname;
          connectTo({ ...opts, hostname: address, servername: opts.servername ?? servername }, callback);
        },
        (err: Error) => callback(err, null),
      );
    },
  });

  return async function fetchImage(rawUrl: string) {
    const signal = AbortSignal.timeout(limits.timeoutMs);
    let url = parseUrl(rawUrl);
    for (let hop = 0; ; hop++) {
      let res;
      try {
        res = await request(url, { dispatcher, method: "GET", signal, headers: { accept: "image/*", "user-agent": "storefront-image-import/1" } });
      } catch (err) {
        const cause = err instanceof RemoteImageError ? err : (err as { cause?: unknown }).cause;
        if (cause instanceof RemoteImageError) throw cause;
        throw new RemoteImageError(signal.aborted ? `no answer within ${limits.timeoutMs / 1000} s` : `the download failed (${(err as Error).message})`);
      }
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && location) {
        await res.body.dump();
        if (hop >= limits.maxRedirects) throw new RemoteImageError(`more than ${limits.maxRedirects} redirects`);
        url = parseUrl(String(location), url);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new RemoteImageError(`the server answered ${res.statusCode}`);
      }
      const type = String(res.headers["content-type"] ?? "").toLowerCase();
      if (!type.startsWith("image/")) {
        await res.body.dump();
        throw new RemoteImageError(`not an image (Content-Type ${type || "missing"})`);
      }
      const declared = Number(res.headers["content-length"]);
      if (declared > limits.maxBytes) {
        await res.body.dump();
        throw new RemoteImageError(`the image is larger than ${limits.maxBytes / 1024 / 1024} MB`);
      }
      return readCapped(res.body, limits.maxBytes);
    }
  };
}

function parseUrl(raw: string, base?: URL) {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    throw new RemoteImageError("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RemoteImageError("only http and https URLs are fetched");
  if (url.username || url.password) throw new RemoteImageError("URLs with a user name or password are not fetched");
  return url;
}

/** Reads at most `max` bytes; a body that goes past it (whatever Content-Length said) is cut off and refused. */
async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, max: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new RemoteImageError(`the image is larger than ${max / 1024 / 1024} MB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
