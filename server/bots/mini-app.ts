/**
 * Mini App sign-in (BOT-6): initData verified with this tenant's own active bot token signs the buyer in for this
 * tenant only (a buyer session row behind a host-only cookie). initData signed by another tenant's bot fails here.
 */
import type { PrismaClient } from "@prisma/client";
import { hashSecret, newSecret, type SecretBox } from "#server/secrets/index.ts";
import { ApiError } from "#server/http/index.ts";
import { verifyInitData } from "./init-data.ts";
import { openToken } from "./sealed.ts";

export const BUYER_SESSION_TTL_MS = 7 * 86_400_000;

export async function signInBuyer(deps: { prisma: PrismaClient; box: () => SecretBox }, tenantId: string, initData: string, now = new Date()) {
  const bots = await deps.prisma.tenantBot.findMany({
    where: { tenantId, status: "active" },
    select: { id: true, encryptedToken: true },
    take: 5,
  });
  const box = deps.box();
  const verified = bots.map((b) => verifyInitData(initData, openToken(box, b), now)).find(Boolean);
  if (!verified) throw new ApiError(401, "INIT_DATA_INVALID", "This Telegram sign-in is invalid or expired. Close and reopen the shop from the bot.");
  const token = newSecret();
  const name = [verified.user.first_name, verified.user.last_name].filter(Boolean).join(" ") || verified.user.username || null;
  await deps.prisma.buyerSession.create({
    data: { tenantId, telegramUserId: String(verified.user.id), displayName: name, tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + BUYER_SESSION_TTL_MS) },
  });
  return { token, buyer: { telegramUserId: String(verified.user.id), name } };
}

/** The buyer of this tenant behind a cookie value, or null (another tenant's session is simply not found). */
export async function buyerFromToken(prisma: PrismaClient, tenantId: string, token: string | null) {
  if (!token) return null;
  const row = await prisma.buyerSession.findUnique({ where: { tokenHash: hashSecret(token), tenantId }, select: { telegramUserId: true, displayName: true, expiresAt: true } });
  if (!row || row.expiresAt <= new Date()) return null;
  return { telegramUserId: row.telegramUserId, name: row.displayName };
}

export const BUYER_COOKIE = "sf_buyer";

/** The Mini App buyer behind a Cookie header (this tenant's session only), or null. */
export function buyerFromCookie(prisma: PrismaClient, tenantId: string, cookieHeader: string | null | undefined) {
  const value = (cookieHeader ?? "").split(";").map((p) => p.trim()).find((p) => p.startsWith(`${BUYER_COOKIE}=`))?.slice(BUYER_COOKIE.length + 1);
  return buyerFromToken(prisma, tenantId, value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null);
}
