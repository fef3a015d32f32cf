/**
 * Telegram Mini App initData verification (BOT-6): the data-check string (all fields but `hash`, sorted, joined by
 * "\n") signed with HMAC-SHA256 under HMAC-SHA256("WebAppData", botToken). Fresh for 5 minutes; replaying a valid
 * value inside that window is allowed (a reload must keep working).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const INIT_DATA_MAX_AGE_SEC = 300;

const userSchema = z.object({
  id: z.number().int().positive(),
  first_name: z.string().max(256).optional(),
  last_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
  language_code: z.string().max(16).optional(),
});

export interface VerifiedInitData {
  user: z.infer<typeof userSchema>;
  authDate: Date;
}

export function signInitData(fields: Record<string, string>, botToken: string) {
  const check = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  return createHmac("sha256", secret).update(check).digest("hex");
}

export function verifyInitData(initData: string, botToken: string, now = new Date()): VerifiedInitData | null {
  if (initData.length > 4096) return null;
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of params) if (k !== "hash") fields[k] = v;
  const expected = Buffer.from(signInitData(fields, botToken), "hex");
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return null;
  const authDate = Number(fields.auth_date);
  if (!Number.isInteger(authDate)) return null;
  const age = now.getTime() / 1000 - authDate;
  if (age > INIT_DATA_MAX_AGE_SEC || age < -60) return null;
  let user: unknown;
  try {
    user = JSON.parse(fields.user ?? "");
  } catch {
    return null;
  }
  const parsed = userSchema.safeParse(user);
  return parsed.success ? { user: parsed.data, authDate: new Date(authDate * 1000) } : null;
}
