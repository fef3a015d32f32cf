/**
 * Secrets at rest (docs/security.md 7): AES-256-GCM, a random 96-bit IV per record, and the key id stored with each
 * record so several keys can be live during a rotation. Every record is bound to where it is stored (AAD such as
 * "tenant_bots.token:<id>"), so a ciphertext copied into another row or column does not decrypt.
 * Envelope: "v1:<keyId>:<iv>:<ciphertext+tag>" (base64url parts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export class SecretBoxError extends Error {}

export function keyIdOf(key: Buffer) {
  return createHash("sha256").update("secret-box key id\0").update(key).digest("hex").slice(0, 12);
}

export class SecretBox {
  private keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(current: Buffer, old: Buffer[] = []) {
    for (const k of [current, ...old]) {
      if (k.length !== 32) throw new SecretBoxError("secret box keys must be 32 bytes");
      this.keys.set(keyIdOf(k), k);
    }
    this.currentKeyId = keyIdOf(current);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return ["v1", this.currentKeyId, iv.toString("base64url"), data.toString("base64url")].join(":");
  }

  open(envelope: string, aad: string): string {
    const [v, kid, ivB64, dataB64] = envelope.split(":");
    if (v !== "v1" || !kid || !ivB64 || !dataB64) throw new SecretBoxError("not a secret-box envelope");
    const key = this.keys.get(kid);
    if (!key) throw new SecretBoxError(`no key ${kid} is configured (was it removed before rotation finished?)`);
    const data = Buffer.from(dataB64, "base64url");
    if (data.length < 16) throw new SecretBoxError("ciphertext too short");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivB64, "base64url"));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
    } catch {
      // No detail: the message must not help an attacker, and must never carry plaintext.
      throw new SecretBoxError("secret could not be decrypted (tampered, or bound to another record)");
    }
  }

  isCurrent(envelope: string) {
    return envelope.split(":")[1] === this.currentKeyId;
  }

  /** The same plaintext under the current key (for rotation). */
  reseal(envelope: string, aad: string) {
    return this.seal(this.open(envelope, aad), aad);
  }
}
