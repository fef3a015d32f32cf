/**
 * Reading what a merchant uploads (ADR 042): a PEM chain + PEM key, or a PKCS#12 bundle with its password. node-forge
 * reads the key (RSA only: it is what forge handles and what every public CA still issues) and the PKCS#12 container;
 * the certificates themselves are read by node's X509Certificate, which the checks (check.ts) work on.
 */
import { X509Certificate } from "node:crypto";
import forge from "node-forge";
import { CertificateRefusal } from "./refusal.ts";

export interface UploadedBundle {
  /** Every certificate the merchant gave, in the order given. */
  certificates: X509Certificate[];
  /** The private key as an unencrypted PKCS#8 PEM. */
  keyPem: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_CERTIFICATES = 10;

function readCertificate(pemOrDer: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(pemOrDer);
  } catch {
    throw new CertificateRefusal("CERT_UNREADABLE", "One of the certificates could not be read. Upload the PEM text as your certificate authority sent it.");
  }
}

function toPkcs8Pem(key: forge.pki.PrivateKey): string {
  return forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
}

function tooMany(n: number) {
  if (n > MAX_CERTIFICATES) throw new CertificateRefusal("CERT_UNREADABLE", `At most ${MAX_CERTIFICATES} certificates can be uploaded in one chain.`);
}

/** A PEM chain (leaf and intermediates, any order) and an unencrypted PEM private key. */
export function readPemBundle(certificatePem: string, keyPem: string): UploadedBundle {
  const blocks = certificatePem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new CertificateRefusal("CERT_UNREADABLE", "No certificate found: paste the text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.");
  tooMany(blocks.length);
  const certificates = blocks.map(readCertificate);
  if (/ENCRYPTED/.test(keyPem)) throw new CertificateRefusal("CERT_KEY_ENCRYPTED", "The private key is protected by a passphrase. Upload it without one, or upload a .pfx file with its password.");
  let key: forge.pki.PrivateKey;
  try {
    key = forge.pki.privateKeyFromPem(keyPem);
  } catch (err) {
    if (/OID is not RSA|not RSA/i.test((err as Error).message)) throw notRsa();
    throw new CertificateRefusal("CERT_KEY_UNREADABLE", "The private key could not be read. Upload the PEM text from -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY) to its END line.");
  }
  return { certificates, keyPem: toPkcs8Pem(key) };
}

/** A PKCS#12 (.pfx/.p12) bundle; a wrong password is its own refusal. */
export function readPkcs12Bundle(pfx: Buffer, password: string): UploadedBundle {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString("binary")));
  } catch {
    throw new CertificateRefusal("CERT_UNREADABLE", "The file is not a PKCS#12 (.pfx or .p12) bundle.");
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (err) {
    const message = (err as Error).message;
    if (/not RSA/i.test(message)) throw notRsa();
    // A MAC that does not verify (forge: "Invalid password?"), or contents that decrypt to garbage: the password.
    throw new CertificateRefusal("CERT_PFX_PASSWORD", "The password does not open this .pfx file. Check it and try again.");
  }
  const keyBags = [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!].flatMap((type) => p12.getBags({ bagType: type })[type] ?? []);
  const keys = keyBags.flatMap((b) => (b.key ? [b.key] : []));
  if (keys.length !== 1) throw new CertificateRefusal("CERT_KEY_UNREADABLE", keys.length ? "The .pfx file holds more than one private key; export only the one for this domain." : "The .pfx file holds no RSA private key.");
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const pems = certBags.flatMap((b) => (b.cert ? [forge.pki.certificateToPem(b.cert)] : []));
  if (pems.length === 0) throw new CertificateRefusal("CERT_UNREADABLE", "The .pfx file holds no certificate.");
  tooMany(pems.length);
  return { certificates: pems.map(readCertificate), keyPem: toPkcs8Pem(keys[0]!) };
}

function notRsa() {
  return new CertificateRefusal("CERT_NOT_RSA", "Only RSA certificates and keys can be uploaded. Ask your certificate authority for an RSA certificate.");
}
