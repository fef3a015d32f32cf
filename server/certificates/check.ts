/**
 * The checks an uploaded certificate must pass before it is stored and served (ADR 042), each refused with its own
 * code: the key belongs to one of the certificates (that one is the leaf), the leaf is valid now, its SAN covers the
 * host, and the chain verifies link by link up to a trusted root (Node's store, plus extra roots for a private PKI).
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import tls from "node:tls";
import { CertificateRefusal } from "./refusal.ts";
import type { UploadedBundle } from "./parse.ts";

export interface CheckedCertificate {
  /** The leaf, then each issuer up to (not including) a root from the trust store; PEM blocks joined by newlines. */
  chainPem: string;
  keyPem: string;
  leaf: X509Certificate;
}

let publicRoots: X509Certificate[] | undefined;
const roots = (extra: X509Certificate[]) => [...(publicRoots ??= tls.rootCertificates.map((p) => new X509Certificate(p))), ...extra];

const signedBy = (child: X509Certificate, issuer: X509Certificate) => child.checkIssued(issuer) && child.verify(issuer.publicKey);
// Not checkIssued(c, c): OpenSSL's check also wants keyCertSign, which a self-signed server certificate lacks.
const selfSigned = (c: X509Certificate) => c.subject === c.issuer && c.verify(c.publicKey);
const day = (d: string) => new Date(d).toISOString().slice(0, 10);

export function checkUpload(bundle: UploadedBundle, hostname: string, options: { now: Date; extraRoots?: X509Certificate[] }): CheckedCertificate {
  const key = createPrivateKey(bundle.keyPem);
  const leaf = bundle.certificates.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new CertificateRefusal("CERT_KEY_MISMATCH", "The private key does not belong to any of the certificates. Upload the key that was created with this certificate's request.");

  const { now } = options;
  if (new Date(leaf.validTo) <= now) throw new CertificateRefusal("CERT_EXPIRED", `This certificate expired on ${day(leaf.validTo)}. Upload a renewed one.`);
  if (new Date(leaf.validFrom) > now) throw new CertificateRefusal("CERT_NOT_YET_VALID", `This certificate is not valid until ${day(leaf.validFrom)}.`);
  if (leaf.checkHost(hostname, { subject: "never" }) === undefined) {
    throw new CertificateRefusal("CERT_SAN_MISMATCH", `This certificate does not cover ${hostname} (it names ${leaf.subjectAltName ?? "no host"}). Upload one issued for ${hostname}.`);
  }

  // Walk from the leaf through the uploaded certificates, each link verified by its issuer's key.
  const path = [leaf];
  const rest = bundle.certificates.filter((c) => c !== leaf);
  for (let top = leaf; !selfSigned(top);) {
    const next = rest.find((c) => !path.includes(c) && signedBy(top, c));
    if (!next) break;
    path.push(next);
    top = next;
  }
  const unused = rest.find((c) => !path.includes(c));
  if (unused) throw new CertificateRefusal("CERT_CHAIN_BROKEN", `The chain is broken: "${unused.subject.replace(/\n/g, ", ")}" did not sign any certificate in it. Upload the leaf and its own intermediates only.`);

  const top = path[path.length - 1]!;
  const trusted = roots(options.extraRoots ?? []);
  if (selfSigned(top)) {
    if (!trusted.some((r) => r.fingerprint256 === top.fingerprint256)) {
      throw new CertificateRefusal("CERT_CHAIN_UNTRUSTED", "The chain ends at a root that browsers do not trust (a self-signed certificate?). Use a certificate from a public certificate authority.");
    }
    path.pop(); // a trusted root is never sent: clients already have it
  } else if (!trusted.some((r) => signedBy(top, r))) {
    throw new CertificateRefusal("CERT_CHAIN_BROKEN", "The chain is incomplete: no trusted root signed its last certificate. Add your certificate authority's intermediate certificates after yours.");
  }
  return { chainPem: path.map((c) => c.toString().trim()).join("\n") + "\n", keyPem: bundle.keyPem, leaf };
}
