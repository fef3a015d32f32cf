import { ApiError } from "#server/http/index.ts";

export type CertificateRefusalCode =
  | "CERT_UNREADABLE"
  | "CERT_KEY_UNREADABLE"
  | "CERT_KEY_ENCRYPTED"
  | "CERT_NOT_RSA"
  | "CERT_PFX_PASSWORD"
  | "CERT_KEY_MISMATCH"
  | "CERT_EXPIRED"
  | "CERT_NOT_YET_VALID"
  | "CERT_SAN_MISMATCH"
  | "CERT_CHAIN_BROKEN"
  | "CERT_CHAIN_UNTRUSTED";

/** Why an upload was refused: a 400 with its own code and one sentence the merchant can act on. */
export class CertificateRefusal extends ApiError {
  constructor(code: CertificateRefusalCode, message: string) {
    super(400, code, message);
  }
}
