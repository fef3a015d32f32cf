/**
 * Certificates for tests, made with node-forge (ADR 042): a CA, intermediates and leaves with chosen names and dates,
 * PEM and PKCS#12 exports. Keys come from node's crypto (fast) and are handed to forge as PEM.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface TestCert {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  pem: string;
  keyPem: string;
  /** Upper-case hex, as node's X509Certificate reports it. */
  serial: string;
}

const DAY_MS = 86_400_000;

export function rsaKey(): { key: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { key, pub: forge.pki.setRsaPublicKey(key.n, key.e), keyPem };
}

export function issueCert(o: {
  name: string;
  hosts?: string[];
  ca?: boolean;
  issuer?: TestCert;
  notBefore?: Date;
  notAfter?: Date;
  /** Reuse a key (e.g. a renewal); default a new one. */
  keyOf?: TestCert;
}): TestCert {
  const k = o.keyOf ? { key: o.keyOf.key, pub: forge.pki.setRsaPublicKey(o.keyOf.key.n, o.keyOf.key.e), keyPem: o.keyOf.keyPem } : rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = k.pub;
  cert.serialNumber = `7${randomBytes(8).toString("hex").slice(0, 15)}`; // 8 bytes, positive, no leading zero
  cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 90 * DAY_MS);
  const subject = [{ name: "commonName", value: o.name }, { name: "organizationName", value: "Storefront tests" }];
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : subject);
  cert.setExtensions(o.ca
    ? [{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }]
    : [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: (o.hosts ?? []).map((value) => ({ type: 2, value })) },
    ]);
  cert.sign(o.issuer?.key ?? k.key, forge.md.sha256.create());
  return { cert, key: k.key, pem: forge.pki.certificateToPem(cert), keyPem: k.keyPem, serial: cert.serialNumber.toUpperCase() };
}

/** A .pfx of the key and certificates, base64. */
export function toPfxBase64(key: forge.pki.rsa.PrivateKey, certs: TestCert[], password: string): string {
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs.map((c) => c.cert), password, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary").toString("base64");
}
