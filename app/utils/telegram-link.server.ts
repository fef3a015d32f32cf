/** Account page: Link Telegram (ADR 032), kept out of the browser bundle (the bots module pulls in undici). */
export { createTelegramLink, linkableShops, unlinkTelegram } from "#server/bots/index.ts";
