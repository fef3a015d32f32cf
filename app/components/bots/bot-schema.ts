import { z } from "zod";

/** Hidden from every reply: a bot token is never sent back to the browser, not even after a failed attempt. */
export const HIDDEN = ["token"];

// The same rule as server/bots (parseBotToken + botRegisterSchema), with messages for people; the server checks again.
const tokenField = z
  .string({ error: "Paste the token @BotFather sent you." })
  .trim()
  .max(100, "This is too long for a bot token. Copy just the token from @BotFather.")
  .regex(/^\d{5,20}:[A-Za-z0-9_-]{30,50}$/, "A bot token looks like 123456789:AAH… (digits, a colon, then letters). Copy it again from @BotFather.");
export const botActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("register"), token: tokenField }),
  z.object({ intent: z.literal("revoke"), botId: z.uuid() }),
]);
export const registerSchema = botActionSchema.options[0];
