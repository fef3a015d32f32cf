/**
 * Signed download links (ADR 039): `<grant id>.<expiry, unix seconds>.<HMAC>`. The MAC covers the shop's id, so a
 * link opened on another shop's host (whose tenant the server resolves from Host) does not verify there: a 404, as
 * if the path did not exist. Expiry is checked only after the MAC, so a forged link never learns it is "expired".
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: string, tenantId: string, grantId: string, exp: number) {
  return createHmac("sha256", secret).update(`digital-download\n${tenantId}\n${grantId}\n${exp}`).digest("base64url");
}

export function signDownload(secret: string, tenantId: string, grantId: string, expiresAt: Date) {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${grantId}.${exp}.${mac(secret, tenantId, grantId, exp)}`;
}

export type DownloadCheck = { ok: true; grantId: string } | { ok: false; reason: "invalid" | "expired" };

/** Any of the secrets (the current one first, then those before a rotation) may have signed it. */
export function verifyDownload(secrets: string[], tenantId: string, token: string, now: Date): DownloadCheck {
  const [grantId, expText, sig, ...rest] = token.split(".");
  if (rest.length || !grantId || !UUID.test(grantId) || !expText || !/^[0-9]{1,12}$/.test(expText) || !sig) return { ok: false, reason: "invalid" };
  const exp = Number(expText);
  const given = Buffer.from(sig);
  const signed = secrets.some((s) => {
    const want = Buffer.from(mac(s, tenantId, grantId, exp));
    return want.length === given.length && timingSafeEqual(want, given);
  });
  if (!signed) return { ok: false, reason: "invalid" };
  if (exp * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, grantId };
}
