/**
 * POST /api/telegram/webhook/:botId (BOT-4). Fail closed: an unknown or revoked bot is 404, a wrong secret or a
 * suspended/closed shop is 401, and in those cases nothing is parsed or stored. The raw body is checked for size
 * before parsing; the update is then handled strictly within the bot's own tenant.
 */
import type { PrismaClient } from "@prisma/client";
import type { SecretBox } from "#server/secrets/index.ts";
import type { Logger } from "#server/observability/index.ts";
import { webhookSecretMatches } from "./sealed.ts";
import type { BotConversation } from "./conversation.ts";
import { updateSchema, type ConversationUpdate, type TelegramUpdate } from "./types.ts";

export type WebhookOutcome = { status: 200 | 400 | 401 | 404; processed: boolean };

/** Telegram's webhook URL names only the bot: the bot row (any shop's) names the tenant for everything after. */
function webhookBot(prisma: PrismaClient, botId: string) {
  return prisma.tenantBot.findUnique({
    where: { id: botId },
    select: {
      id: true, tenantId: true, status: true, paused: true, username: true, encryptedToken: true, encryptedWebhookSecret: true,
      claimTokenHash: true, adminTelegramUserId: true,
      tenant: { select: { status: true, slug: true, displayName: true, brand: true, domains: { where: { isPrimary: true, status: "active" }, select: { hostname: true }, take: 1 } } },
    },
  });
}

export async function handleWebhook(
  deps: { prisma: PrismaClient; box: () => SecretBox; conversation: BotConversation; logger: Logger },
  botId: string,
  secretHeader: string | undefined,
  rawBody: Buffer,
): Promise<WebhookOutcome> {
  if (!/^[0-9a-f-]{36}$/.test(botId)) return { status: 404, processed: false };
  const bot = await webhookBot(deps.prisma, botId);
  if (!bot || bot.status === "revoked") return { status: 404, processed: false };
  if (!webhookSecretMatches(deps.box(), bot, secretHeader)) return { status: 401, processed: false };
  // TEN-7: a suspended or closed shop's bot is refused like a bad secret; Telegram retries later if it reopens.
  if (bot.tenant.status !== "active" && bot.tenant.status !== "pending") return { status: 401, processed: false };
  if (bot.status === "suspended") return { status: 401, processed: false };

  let update: TelegramUpdate;
  try {
    update = updateSchema.parse(JSON.parse(rawBody.toString("utf8")));
  } catch {
    return { status: 400, processed: false };
  }
  await deps.prisma.tenantBot.update({ where: { id: bot.id, tenantId: bot.tenantId }, data: { lastWebhookAt: new Date() } });
  const incoming: ConversationUpdate = { bot, update };
  try {
    await deps.conversation.handle(incoming);
  } catch (err) {
    // The update was received; a failed reply must not make Telegram redeliver it forever.
    deps.logger.warn({ bot: bot.id, err: (err as Error).message }, "bot update handling failed");
  }
  return { status: 200, processed: true };
}
