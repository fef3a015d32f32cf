/** Opaque bearer secrets (session cookies, API tokens, invitation links): random, shown once, stored as sha256. */
import { createHash, randomBytes } from "node:crypto";

export function newSecret(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
