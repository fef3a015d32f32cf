/**
 * "Link Telegram" (ADR 032): a member gets a one-time deep link to one shop's bot,
 * `https://t.me/<bot>?start=link_<token>`; the bot's /start link_<token> sets users.telegram_user_id to the sender.
 * The token is stored as its sha256, lives 15 minutes, and is spent by one conditional UPDATE (single use).
 */
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit } from "#server/audit/index.ts";
import { hashSecret } from "#server/secrets/index.ts";

export const LINK_TTL_MS = 15 * 60_000;
export const LINK_PREFIX = "link_";

export type LinkOutcome = "linked" | "invalid" | "taken";

/** Shops the user is a member of that have an active bot: where a link can point. */
export function linkableShops(prisma: PrismaClient, userId: string) {
  return prisma.tenantUserRole.findMany({
    where: { userId, tenant: { bots: { some: { status: "active" } } } },
    select: { tenantId: true, role: true, tenant: { select: { displayName: true } } },
    orderBy: { createdAt: "asc" },
    take: 50,
  });
}

export async function createTelegramLink(prisma: PrismaClient, userId: string, tenantId: string, now = new Date()) {
  const member = await prisma.tenantUserRole.findFirst({ where: { tenantId, userId }, select: { id: true } });
  if (!member) throw new ApiError(404, "TENANT_NOT_FOUND", "No such shop.");
  const bot = await prisma.tenantBot.findFirst({ where: { tenantId, status: "active" }, select: { username: true }, orderBy: { createdAt: "desc" } });
  if (!bot) throw new ApiError(409, "CONFLICT", "This shop has no active bot to link with.");
  const token = randomBytes(18).toString("base64url"); // 24 chars: /start payloads allow 64 of [A-Za-z0-9_-]
  await prisma.telegramLinkToken.create({ data: { tenantId, userId, tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + LINK_TTL_MS), createdAt: now } });
  return { link: `https://t.me/${bot.username}?start=${LINK_PREFIX}${token}`, expiresAt: new Date(now.getTime() + LINK_TTL_MS) };
}

/** The bot side: spends the token (this tenant's only) and links its user to the sender's Telegram id. */
export async function consumeTelegramLink(prisma: PrismaClient, tenantId: string, token: string, telegramUserId: string): Promise<LinkOutcome> {
  try {
    return await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ user_id: string }[]>`
        UPDATE telegram_link_tokens SET used_at = now()
        WHERE tenant_id = ${tenantId}::uuid AND token_hash = ${hashSecret(token)} AND used_at IS NULL AND expires_at > now()
        RETURNING user_id::text`;
      const userId = rows[0]?.user_id;
      if (!userId) return "invalid";
      await tx.user.update({ where: { id: userId }, data: { telegramUserId } });
      await writeAudit(tx, { userId, kind: "user" }, { action: "user.telegram_link", tenantId, target: `user:${userId}` });
      return "linked";
    });
  } catch (err) {
    // Another account already holds this Telegram id (users.telegram_user_id is unique): nothing was changed.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return "taken";
    throw err;
  }
}

export async function unlinkTelegram(prisma: PrismaClient, userId: string) {
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { telegramUserId: null } });
    await writeAudit(tx, { userId, kind: "user" }, { action: "user.telegram_unlink", target: `user:${userId}` });
  });
}
