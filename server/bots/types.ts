/**
 * The shapes shared by the webhook and the bot conversation: a Telegram update as the webhook accepts it, and that
 * update together with the bot (and its tenant) it was addressed to. Kept here so neither file imports the other.
 */
import { z } from "zod";

export const updateSchema = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      message_id: z.number().int(),
      from: z.object({ id: z.number().int(), username: z.string().optional(), first_name: z.string().optional() }).optional(),
      chat: z.object({ id: z.number().int(), type: z.string() }),
      text: z.string().max(4096).optional(),
    })
    .optional(),
  callback_query: z.object({ id: z.string(), from: z.object({ id: z.number().int() }), data: z.string().max(64).optional() }).optional(),
});
export type TelegramUpdate = z.infer<typeof updateSchema>;

/** One update for one tenant's bot: what the webhook hands the conversation once the bot and secret are checked. */
export interface ConversationUpdate {
  bot: {
    id: string;
    tenantId: string;
    status: string;
    paused: boolean;
    encryptedToken: string;
    claimTokenHash: string | null;
    adminTelegramUserId: string | null;
    tenant: { slug: string; displayName: string; brand: unknown; domains: { hostname: string }[] };
  };
  update: TelegramUpdate;
}
