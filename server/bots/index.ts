export { BotRegistry, botRegisterSchema, botSelect, claimLinkFor, type BotRegistryDeps } from "./registry.ts";
export { BotConversation, COMMANDS_PER_MINUTE } from "./conversation.ts";
export { handleWebhook, type WebhookOutcome } from "./webhook.ts";
export { signInBuyer, buyerFromToken, buyerFromCookie, BUYER_COOKIE, BUYER_SESSION_TTL_MS } from "./mini-app.ts";
export { verifyInitData, signInitData, INIT_DATA_MAX_AGE_SEC } from "./init-data.ts";
export { createTelegramClient, parseBotToken, TelegramError, TelegramUnauthorizedError, TelegramRateLimitError } from "./telegram-client.ts";
export { notifyTenantAdmins, deliverNotification, notificationJobId, SENDS_PER_SECOND_PER_BOT, type NotificationEvent } from "./notifications.ts";
export { notifyOrderBuyer, BUYER_EVENTS } from "./buyer-updates.ts";
export { createTelegramLink, consumeTelegramLink, unlinkTelegram, linkableShops, LINK_TTL_MS } from "./linking.ts";
export { COMMANDS, type BotCommand } from "./commands.ts";
export { shopBotSender, type BotSender, type BroadcastDeps } from "./broadcast.ts";
// Announcements (ADR 033) tell these outcomes apart per recipient.
export { TelegramBadRequestError, TelegramTimeoutError, TelegramUnavailableError } from "./telegram-client.ts";
