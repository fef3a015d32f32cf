import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time comparison of a presented secret with the expected one (hashing first equalises the lengths). */
export function secretsEqual(expected: string, presented: string | undefined) {
  if (presented === undefined) return false;
  return timingSafeEqual(createHash("sha256").update(expected).digest(), createHash("sha256").update(presented).digest());
}
