/**
 * EDGE-4 TLS check: one handshake through the edge with SNI = the shop's hostname, then a look at the certificate it
 * served (issuer, validity, SANs, trust). The SNI is what makes Caddy issue an on-demand certificate on first contact.
 * The result is plain JSON because it is stored as evidence in the domain event log (DOM-5); network and TLS failures
 * come back as a result, never as an exception, so a domain check job can always record what it saw.
 */
import { X509Certificate } from "node:crypto";
import tls from "node:tls";

export const TLS_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export interface TlsProbeOptions {
  hostname: string;
  /** `host:port` of the edge, e.g. `127.0.0.1:8443` or `[::1]:8443`. */
  address: string;
  /** Extra trusted roots (e.g. Caddy's local CA), on top of Node's default store. */
  caPem?: string;
  timeoutMs?: number;
  now?: Date;
}

export interface TlsProbeResult {
  ok: boolean;
  status: "issued" | "failed" | "expired";
  hostname: string;
  issuer: string | null;
  subject: string | null;
  notBefore: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  sans: string[];
  sanMatch: boolean;
  trusted: boolean;
  fingerprint256: string | null;
  /** `ECONNREFUSED`, `TIMEOUT`, `HANDSHAKE_FAILED: <reason>`, `NO_CERTIFICATE`, `SAN_MISMATCH`, `UNTRUSTED: <code>`, `NOT_YET_VALID`, `EXPIRED`, or another socket error code. */
  error: string | null;
  checkedAt: string;
}

type Handshake =
  | { error: string }
  | { error?: undefined; cert: tls.DetailedPeerCertificate; authorized: boolean; authorizationError: string | null };

/** Never throws for network or TLS failures; only a malformed `address` (a caller bug) is a TypeError. */
export async function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const shake = await handshake(options);
  // Taken after the handshake: an on-demand certificate is issued during it, with notBefore = that second.
  const now = options.now ?? new Date();
  const blank: TlsProbeResult = {
    ok: false, status: "failed", hostname: options.hostname, issuer: null, subject: null, notBefore: null, notAfter: null,
    daysLeft: null, sans: [], sanMatch: false, trusted: false, fingerprint256: null, error: null, checkedAt: now.toISOString(),
  };
  if (shake.error !== undefined) return { ...blank, error: shake.error };
  if (!shake.cert.raw) return { ...blank, error: "NO_CERTIFICATE" };

  const x509 = new X509Certificate(shake.cert.raw);
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  const sanMatch = x509.checkHost(options.hostname) !== undefined;
  // The first problem a merchant can act on wins: an expired certificate is also untrusted, but "expired" says more.
  const error =
    notAfter < now ? "EXPIRED"
    : notBefore > now ? "NOT_YET_VALID"
    : !sanMatch ? "SAN_MISMATCH"
    : !shake.authorized ? `UNTRUSTED: ${shake.authorizationError ?? "unknown"}`
    : null;
  return {
    ...blank,
    ok: error === null,
    status: error === null ? "issued" : error === "EXPIRED" ? "expired" : "failed",
    issuer: nameOf(shake.cert.issuer),
    subject: nameOf(shake.cert.subject),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    sans: dnsNames(x509.subjectAltName),
    sanMatch,
    trusted: shake.authorized,
    fingerprint256: x509.fingerprint256,
    error,
  };
}

function handshake(options: TlsProbeOptions): Promise<Handshake> {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(options.address);
  if (!m) throw new TypeError(`probeTls: address must be host:port, got ${JSON.stringify(options.address)}`);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: m[1],
      port: Number(m[2]),
      servername: options.hostname,
      // `ca` replaces Node's store rather than adding to it, so keep the public roots next to the extra one.
      ca: options.caPem ? [...tls.rootCertificates, options.caPem] : undefined,
      rejectUnauthorized: false, // we want to read a bad certificate, not just fail on it
      // Without this, a SAN mismatch would also turn `authorized` false; `trusted` is about the chain alone.
      checkServerIdentity: () => undefined,
      ALPNProtocols: ["http/1.1"],
    });
    let settled = false;
    const done = (r: Handshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    // A total deadline, not socket.setTimeout: an edge that trickles bytes must not keep a check job alive.
    const timer = setTimeout(() => done({ error: "TIMEOUT" }), options.timeoutMs ?? 5000);
    socket.once("secureConnect", () => done({
      cert: socket.getPeerCertificate(true),
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    }));
    // `on`, not `once`: a second error after destroy() must not become an uncaught exception.
    socket.on("error", (err: NodeJS.ErrnoException & { reason?: string }) => done({ error: socketError(err, socket) }));
  });
}

function socketError(err: NodeJS.ErrnoException & { reason?: string }, socket: tls.TLSSocket): string {
  if (err.reason) return `HANDSHAKE_FAILED: ${err.reason}`; // an OpenSSL error, e.g. the alert Caddy sends when `ask` says no
  if (err.code === "ECONNRESET" && !socket.connecting) return "HANDSHAKE_FAILED: connection closed";
  return err.code ?? "NETWORK_ERROR";
}

/** Issuer/subject as a person would name it: the CN, else the organisation. */
function nameOf(name: tls.Certificate | undefined): string | null {
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || null;
  return pick(name?.CN) ?? pick(name?.O);
}

/** DNS names from X509Certificate.subjectAltName, where unusual values come JSON-quoted. */
function dnsNames(subjectAltName: string | undefined): string[] {
  return [...(subjectAltName ?? "").matchAll(/(?:^|, )DNS:("(?:[^"\\]|\\.)*"|[^,]*)/g)]
    .map(([, v]) => (v.startsWith('"') ? (JSON.parse(v) as string) : v));
}

const day = (iso: string | null) => iso?.slice(0, 10) ?? "an unknown date";
const WARNINGS: Record<string, (r: TlsProbeResult) => string> = {
  EXPIRED: (r) => `The certificate for ${r.hostname} expired on ${day(r.notAfter)}.`,
  NOT_YET_VALID: (r) => `The certificate for ${r.hostname} is not valid until ${day(r.notBefore)}.`,
  SAN_MISMATCH: (r) => `The certificate served for ${r.hostname} does not cover that name, so browsers will refuse it.`,
  UNTRUSTED: (r) => `The certificate for ${r.hostname} is not from a trusted authority, so browsers will show a warning.`,
  HANDSHAKE_FAILED: (r) => `No certificate could be set up for ${r.hostname} yet; check that its DNS records point at us.`,
  NO_CERTIFICATE: (r) => `The secure connection to ${r.hostname} offered no certificate.`,
  TIMEOUT: (r) => `Checking the certificate for ${r.hostname} timed out; we will try again.`,
};

/** One merchant-facing sentence when the certificate needs attention, else null. */
export function tlsWarning(result: TlsProbeResult): string | null {
  if (result.status !== "issued") {
    const kind = (result.error ?? "").split(":")[0];
    return WARNINGS[kind]?.(result) ?? `We could not check the certificate for ${result.hostname} (${result.error ?? "unknown error"}); we will try again.`;
  }
  if (result.daysLeft === null || result.daysLeft >= TLS_WARNING_DAYS) return null;
  const when = result.daysLeft === 0 ? "today" : `in ${result.daysLeft} day${result.daysLeft === 1 ? "" : "s"}`;
  return `The certificate for ${result.hostname} expires ${when} (on ${day(result.notAfter)}).`;
}
