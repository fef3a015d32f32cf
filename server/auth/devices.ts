/**
 * Known devices (ADR 030): a long-lived random cookie per browser, stored per user as sha256 with a short label.
 * A sign-in from a device the user has not used before mails them (account.new_device) unless it is their first
 * device at all (the sign-up's own browser, or the first sign-in of an account that predates this table).
 */
import type { Prisma } from "@prisma/client";
import { hashSecret, newSecret } from "#server/secrets/index.ts";

export const DEVICE_COOKIE = "sf_device";
export const SECURE_DEVICE_COOKIE = "__Host-sf_device";
// Browsers cap cookie lifetimes at 400 days; every sign-in renews it.
const DEVICE_COOKIE_MAX_AGE_SEC = 400 * 86_400;

export function deviceCookie(deviceId: string, options: { secure: boolean }) {
  const name = options.secure ? SECURE_DEVICE_COOKIE : DEVICE_COOKIE;
  return [`${name}=${deviceId}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${DEVICE_COOKIE_MAX_AGE_SEC}`, ...(options.secure ? ["Secure"] : [])].join("; ");
}

/** The device id from a Cookie header, or null; a malformed value counts as no device. */
export function readDeviceId(cookieHeader: string | undefined | null): string | null {
  if (!cookieHeader) return null;
  let plain: string | null = null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || !/^[A-Za-z0-9_-]{40,60}$/.test(value)) continue;
    if (name === SECURE_DEVICE_COOKIE) return value;
    if (name === DEVICE_COOKIE) plain = value;
  }
  return plain;
}

/** "Chrome on macOS" from a User-Agent header: enough to recognise one's own devices, nothing more. */
export function describeUserAgent(ua: string | null | undefined) {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl|node|undici|python/i.test(ua) ? "Script" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /Linux/.test(ua) ? "Linux" : null;
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Records this sign-in's device for the user (new id when the browser brought none) and says whether it is new to
 * an account that already had devices, i.e. whether to mail them.
 */
export async function rememberDevice(tx: Prisma.TransactionClient, input: { userId: string; deviceId: string | null; userAgent?: string | null; ip: string; now: Date }) {
  const deviceId = input.deviceId ?? newSecret();
  const label = describeUserAgent(input.userAgent);
  const [row] = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO user_devices (id, user_id, device_hash, label, last_ip, first_seen_at, last_seen_at)
    VALUES (gen_random_uuid(), ${input.userId}::uuid, ${hashSecret(deviceId)}, ${label}, ${input.ip}, ${input.now}, ${input.now})
    ON CONFLICT (user_id, device_hash) DO UPDATE
      SET last_seen_at = GREATEST(user_devices.last_seen_at, EXCLUDED.last_seen_at), last_ip = EXCLUDED.last_ip, label = EXCLUDED.label
    RETURNING id::text, (xmax = 0) AS inserted`;
  const isNew = Boolean(row?.inserted) && (await tx.userDevice.count({ where: { userId: input.userId } })) > 1;
  return { deviceId, rowId: row!.id, label, isNew };
}
