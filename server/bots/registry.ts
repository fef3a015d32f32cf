/**
 * Tenant bots (BOT-1..3): registration with a verified token, sealed secrets, a single-use claim link, and the
 * Telegram-side configuration (webhook + Mini App menu button), which runs as a job after commit.
 */
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { updateInTenant } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { rolesFor } from "#server/auth/index.ts";
import { enqueueTeamMail } from "#server/mail/index.ts";
import { hashSecret, type SecretBox } from "#server/secrets/index.ts";
import {
  parseBotToken, TelegramRateLimitError, TelegramServerError, TelegramTimeoutError, TelegramUnauthorizedError, type TelegramClient,
} from "./telegram-client.ts";
import { aad, openToken } from "./sealed.ts";

export const botRegisterSchema = z.object({ token: z.string().trim().min(20).max(100) });

export interface BotRegistryDeps {
  prisma: PrismaClient;
  box: () => SecretBox;
  telegram: (token: string) => TelegramClient;
  enqueue: (name: "bots.configure" | "bots.deconfigure", data: { tenantId: string; botId: string }) => Promise<void>;
  /** Where Telegram posts updates, e.g. https://shops.example.com (+ /api/telegram/webhook/<id>). */
  webhookBaseUrl: string;
  platformDomain: string;
  /** The platform's origin for dashboard links in mail (default https://<platformDomain>). */
  dashboardOrigin?: () => string;
  now?: () => Date;
}

export const botSelect = {
  id: true, telegramBotId: true, username: true, status: true, paused: true, claimedAt: true, lastWebhookAt: true,
  webhookSetAt: true, menuButtonSetAt: true, lastError: true, lastErrorAt: true, revokedAt: true, createdAt: true,
} as const satisfies Prisma.TenantBotSelect;

export class BotRegistry {
  constructor(private deps: BotRegistryDeps) {}
  private now() {
    return this.deps.now?.() ?? new Date();
  }

  list(tenantId: string) {
    return this.deps.prisma.tenantBot.findMany({ where: { tenantId }, select: botSelect, orderBy: { createdAt: "desc" }, take: 20 });
  }

  async register(actor: AuditActor, tenantId: string, token: string) {
    const parsed = parseBotToken(token);
    if (!parsed) throw new ApiError(400, "BOT_TOKEN_INVALID", "This does not look like a bot token from @BotFather (digits, a colon, then letters).");
    let me;
    try {
      me = await this.deps.telegram(token).getMe();
    } catch (err) {
      if (err instanceof TelegramUnauthorizedError) throw new ApiError(400, "BOT_TOKEN_INVALID", "Telegram does not accept this token. Copy it again from @BotFather.");
      throw new ApiError(502, "TELEGRAM_UNAVAILABLE", "Telegram could not be reached. Try again in a minute.");
    }
    if (String(me.id) !== String(parsed.botId) || !me.is_bot || !me.username) {
      throw new ApiError(400, "BOT_TOKEN_INVALID", "The token does not belong to the bot Telegram reports for it.");
    }
    const box = this.deps.box();
    const id = crypto.randomUUID();
    const claimToken = randomBytes(24).toString("base64url");
    try {
      const bot = await this.deps.prisma.$transaction(async (tx) => {
        // The same Telegram bot may come back: with a new token after a suspension, or after a revoke (here or,
        // once revoked, in another shop). A live bot of another shop stays taken.
        const previous = await previousRegistration(tx, String(me.id));
        if (previous && previous.tenantId !== tenantId && previous.status !== "revoked") {
          throw new ApiError(409, "BOT_TAKEN", "This bot is already connected to another shop. Revoke it there first.");
        }
        if (previous) {
          await tx.tenantBot.delete({ where: { id: previous.id, tenantId: previous.tenantId } });
          await writeAudit(tx, actor, { action: "bot.replace", tenantId, target: `bot:${previous.id}`, details: { previousStatus: previous.status } });
        }
        const row = await tx.tenantBot.create({
          data: {
            id,
            tenantId,
            telegramBotId: String(me.id),
            username: me.username!,
            encryptedToken: box.seal(token, aad.token(id)),
            encryptedWebhookSecret: box.seal(randomBytes(32).toString("base64url"), aad.webhookSecret(id)),
            claimTokenHash: hashSecret(claimToken),
            encryptedClaimToken: box.seal(claimToken, aad.claimToken(id)),
          },
          select: botSelect,
        });
        await writeAudit(tx, actor, { action: "bot.register", tenantId, target: `bot:${id}`, details: { username: me.username!, telegramBotId: String(me.id) } });
        return row;
      });
      await this.deps.enqueue("bots.configure", { tenantId, botId: id });
      return { bot, claimLink: claimLinkFor(bot.username, claimToken) };
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw new ApiError(409, "BOT_TAKEN", "This bot is already connected to a shop. Revoke it there first.");
      }
      throw err;
    }
  }

  /** The claim link while the bot is unclaimed (owners and developers only — enforced by the route). */
  async claimLink(tenantId: string, botId: string) {
    const bot = await this.deps.prisma.tenantBot.findFirst({ where: { id: botId, tenantId }, select: { id: true, username: true, encryptedClaimToken: true } });
    if (!bot) throw new ApiError(404, "BOT_NOT_FOUND", "No such bot in this shop.");
    if (!bot.encryptedClaimToken) return { claimLink: null, claimed: true };
    return { claimLink: claimLinkFor(bot.username, this.deps.box().open(bot.encryptedClaimToken, aad.claimToken(bot.id))), claimed: false };
  }

  async revoke(actor: AuditActor, tenantId: string, botId: string) {
    const bot = await this.deps.prisma.$transaction(async (tx) => {
      await updateInTenant({ tenantId }, tx.tenantBot, {
        where: { id: botId, status: { not: "revoked" } },
        data: { status: "revoked", revokedAt: this.now(), claimTokenHash: null, encryptedClaimToken: null },
      }, () => new ApiError(404, "BOT_NOT_FOUND", "No active bot with this id in this shop."));
      await writeAudit(tx, actor, { action: "bot.revoke", tenantId, target: `bot:${botId}` });
      return tx.tenantBot.findUniqueOrThrow({ where: { id: botId, tenantId }, select: botSelect });
    });
    await this.deps.enqueue("bots.deconfigure", { tenantId, botId });
    return bot;
  }

  /** Job: point Telegram at our webhook and set the Mini App menu button. Idempotent. */
  async configure(tenantId: string, botId: string) {
    const bot = await this.deps.prisma.tenantBot.findUnique({
      where: { id: botId, tenantId },
      select: { id: true, status: true, encryptedToken: true, encryptedWebhookSecret: true, tenant: { select: { slug: true, domains: { where: { isPrimary: true, status: "active" }, select: { hostname: true }, take: 1 } } } },
    });
    if (!bot || bot.status === "revoked") return;
    const box = this.deps.box();
    const client = this.deps.telegram(openToken(box, bot));
    const primaryHost = bot.tenant.domains[0]?.hostname ?? `${bot.tenant.slug}.${this.deps.platformDomain}`;
    try {
      await client.setWebhook({
        url: `${this.deps.webhookBaseUrl}/api/telegram/webhook/${bot.id}`,
        secret_token: box.open(bot.encryptedWebhookSecret, aad.webhookSecret(bot.id)),
        allowed_updates: ["message", "callback_query"],
      });
      await this.deps.prisma.tenantBot.update({ where: { id: bot.id }, data: { webhookSetAt: this.now(), lastError: null } });
      await client.setChatMenuButton({ menu_button: { type: "web_app", text: "Open shop", web_app: { url: `https://${primaryHost}/telegram` } } });
      await this.deps.prisma.tenantBot.update({ where: { id: bot.id }, data: { menuButtonSetAt: this.now() } });
    } catch (err) {
      await this.recordError(bot.id, err);
      throw err; // The job retries with backoff (a 401 has suspended the bot; the retry then ends quietly).
    }
  }

  /** Job: stop Telegram from posting to us for a revoked bot. */
  async deconfigure(tenantId: string, botId: string) {
    const bot = await this.deps.prisma.tenantBot.findUnique({ where: { id: botId, tenantId }, select: { id: true, encryptedToken: true } });
    if (!bot) return;
    try {
      await this.deps.telegram(openToken(this.deps.box(), bot)).deleteWebhook({ drop_pending_updates: true });
    } catch (err) {
      if (err instanceof TelegramUnauthorizedError) return; // The token is dead already: nothing will be delivered.
      throw err;
    }
  }

  /** Remember the last error for the dashboard; a 401 means the token was revoked at Telegram: suspend the bot. */
  async recordError(botId: string, err: unknown) {
    const unauthorized = err instanceof TelegramUnauthorizedError;
    const message = unauthorized ? "Telegram rejected the token (revoked in @BotFather?). Register the bot again with a new token." : describe(err);
    await this.deps.prisma.$transaction(async (tx) => {
      const bot = await tx.tenantBot.update({
        where: { id: botId },
        data: { lastError: message.slice(0, 300), lastErrorAt: this.now(), ...(unauthorized ? { status: "suspended" } : {}) },
        select: { tenantId: true, username: true },
      });
      // The owner and the bot's managers hear of it by mail too (G8-7), once per bot and hour.
      if (!unauthorized) return;
      const origin = this.deps.dashboardOrigin?.() ?? `https://${this.deps.platformDomain}`;
      await enqueueTeamMail(tx, {
        tenantId: bot.tenantId, roles: rolesFor("bots.manage"), template: "merchant.bot_suspended", cause: `bot.suspended:${botId}:${this.now().toISOString().slice(0, 13)}`,
        data: { botUsername: bot.username, detail: message, dashboardUrl: `${origin}/dashboard/${bot.tenantId}/bot` },
      });
    });
  }
}

/** A Telegram bot id is unique across shops, so its previous registration is looked up in every shop. */
function previousRegistration(tx: Prisma.TransactionClient, telegramBotId: string) {
  return tx.tenantBot.findUnique({ where: { telegramBotId }, select: { id: true, tenantId: true, status: true } });
}

function describe(err: unknown) {
  if (err instanceof TelegramRateLimitError) return "Telegram asked us to slow down; retrying.";
  if (err instanceof TelegramServerError) return "Telegram had a server error; retrying.";
  if (err instanceof TelegramTimeoutError) return "Telegram did not answer in time; retrying.";
  return "Telegram refused the request.";
}

export function claimLinkFor(username: string, claimToken: string) {
  return `https://t.me/${username}?start=${claimToken}`;
}
