/**
 * Merchants' own certificates at the edge (ADR 042). Each is loaded through `apps.tls.certificates.load_pem`, tagged
 * OWN_CERT_TAG, and one TLS connection policy in front of the server's others makes Caddy pick, for those hosts, only a
 * certificate carrying the tag: without it Caddy could still hand out an on-demand certificate it issued earlier for
 * the same name. The `ask` endpoint refuses these hosts (ask.ts), so no new one is issued for them either. Entries
 * and policies that are not ours (no tag) are left as they are; nothing is written when Caddy already matches.
 */
import type { CaddyAdmin } from "./caddy-client.ts";

export const OWN_CERT_TAG = "sf-own-cert";

export interface OwnCertificate {
  id: string;
  hostname: string;
  /** Leaf first, then intermediates. */
  chainPem: string;
  keyPem: string;
}

interface LoadPem {
  certificate: string;
  key: string;
  tags?: string[];
}
interface ConnectionPolicy {
  match?: { sni?: string[] };
  certificate_selection?: { any_tag?: string[] };
  [key: string]: unknown;
}

const ours = (tags: string[] | undefined) => tags?.includes(OWN_CERT_TAG) ?? false;

/** Bring Caddy's loaded certificates and the selection policy in line with `certs`; true when Caddy was written. */
export async function syncOwnCertificates(admin: CaddyAdmin, serverName: string, certs: OwnCertificate[]): Promise<boolean> {
  const sorted = [...certs].sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
  const loads = () => admin.updateConfig<{ load_pem?: LoadPem[]; [key: string]: unknown }>("apps/tls/certificates", (current) => {
    const foreign = (current?.load_pem ?? []).filter((e) => !ours(e.tags));
    const load_pem = [...foreign, ...sorted.map((c) => ({ certificate: c.chainPem, key: c.keyPem, tags: [OWN_CERT_TAG, `${OWN_CERT_TAG}-${c.id}`] }))];
    const { load_pem: _old, ...rest } = current ?? {};
    return load_pem.length ? { ...rest, load_pem } : current === null ? null : rest;
  });
  const policies = () => admin.updateConfig<ConnectionPolicy[]>(`apps/http/servers/${serverName}/tls_connection_policies`, (current) => {
    const foreign = (current ?? []).filter((p) => !ours(p.certificate_selection?.any_tag));
    if (!sorted.length) return current === null ? null : foreign.length ? foreign : [{}];
    // `{}` keeps Caddy's default policy for every other host: a server whose list holds only an SNI-matched policy
    // would refuse every other handshake.
    return [{ match: { sni: sorted.map((c) => c.hostname) }, certificate_selection: { any_tag: [OWN_CERT_TAG] } }, ...(foreign.length ? foreign : [{}])];
  });
  // Certificates are in place before a policy selects them, and the policy goes before they do: a host is never
  // left with a policy that finds no certificate.
  const [first, second] = sorted.length ? [loads, policies] : [policies, loads];
  const a = await first();
  const b = await second();
  return a.changed || b.changed;
}
