/** Server side of the dashboard's bot page: the shop's bots shaped for the page, with claim links for managers. */
import type { AppLoadContext } from "@remix-run/node";
import { ApiError } from "#app/utils/api-error.server.ts";

export async function loadBotRows(context: AppLoadContext, tenantId: string, canManage: boolean) {
  const { bots } = context.services;
  const rows = await bots.list(tenantId);
  let claimUnavailable: string | null = null;
  const withLinks = await Promise.all(
    rows.map(async (b) => {
      // The claim link is a secret for owners and developers, and only useful until someone claims the bot.
      let claimLink: string | null = null;
      if (canManage && b.status === "pending") {
        try {
          claimLink = (await bots.claimLink(tenantId, b.id)).claimLink;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          claimUnavailable = err.message;
        }
      }
      return {
        id: b.id,
        username: b.username,
        status: b.status,
        paused: b.paused,
        claimLink,
        claimedAt: b.claimedAt?.toISOString() ?? null,
        lastWebhookAt: b.lastWebhookAt?.toISOString() ?? null,
        webhookSetAt: b.webhookSetAt?.toISOString() ?? null,
        menuButtonSetAt: b.menuButtonSetAt?.toISOString() ?? null,
        lastError: b.lastError,
        lastErrorAt: b.lastErrorAt?.toISOString() ?? null,
        revokedAt: b.revokedAt?.toISOString() ?? null,
        createdAt: b.createdAt.toISOString(),
      };
    }),
  );
  return { bots: withLinks, claimUnavailable };
}

export type BotRow = Awaited<ReturnType<typeof loadBotRows>>["bots"][number];
