/**
 * The bot secrets as the secret box binds them (AAD per row and column). The plaintext token leaves this module
 * only into a Telegram client; it never reaches a response, a log line or a job payload.
 */
import { secretsEqual, type SecretBox } from "#server/secrets/index.ts";

export const aad = {
  token: (botId: string) => `tenant_bots.token:${botId}`,
  webhookSecret: (botId: string) => `tenant_bots.webhook_secret:${botId}`,
  claimToken: (botId: string) => `tenant_bots.claim_token:${botId}`,
};

export function openToken(box: SecretBox, bot: { id: string; encryptedToken: string }) {
  return box.open(bot.encryptedToken, aad.token(bot.id));
}

/** Constant-time comparison of the webhook secret header with the stored one (hashing first equalises lengths). */
export function webhookSecretMatches(box: SecretBox, bot: { id: string; encryptedWebhookSecret: string }, header: string | undefined) {
  if (!header) return false;
  return secretsEqual(box.open(bot.encryptedWebhookSecret, aad.webhookSecret(bot.id)), header);
}
