import { z } from "zod";
import { apiTokenCreateSchema, passwordChangeSchema, signOutEverywhereSchema } from "#server/auth/shared.ts";

/** Every form on the account page posts one of these intents; the route parses them all with this one schema. */
export const accountActionSchema = z.discriminatedUnion("intent", [
  apiTokenCreateSchema.extend({ intent: z.literal("createToken") }),
  z.object({ intent: z.literal("revokeToken"), tokenId: z.uuid() }),
  signOutEverywhereSchema.extend({ intent: z.literal("signOutOthers") }),
  passwordChangeSchema.extend({ intent: z.literal("changePassword") }),
  z.object({ intent: z.literal("resendVerification") }),
  // ADR 032: a one-time deep link to the chosen shop's bot, and undoing the link.
  z.object({ intent: z.literal("linkTelegram"), tenantId: z.uuid() }),
  z.object({ intent: z.literal("unlinkTelegram") }),
]);
export const createTokenSchema = accountActionSchema.options[0];
export const changePasswordSchema = accountActionSchema.options[3];

/** Passwords never travel back to the browser in a reply, not even after a failed attempt. */
export const PASSWORD_FIELDS = ["currentPassword", "newPassword"];
