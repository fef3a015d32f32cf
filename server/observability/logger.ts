import pino from "pino";
import { logContextFields } from "./log-context.ts";

/** Paths whose values never reach a log line (docs/security.md 7). */
export const REDACT_PATHS = [
  "req.headers.cookie", "req.headers.authorization", "req.headers.referer", 'req.headers["x-telegram-bot-api-secret-token"]',
  'res.headers["set-cookie"]', "*.passwordHash", "passwordHash", "password", "token", "botToken", "secret", "DATABASE_URL", "SECRET_BOX_KEY",
  "*.password", "*.token", "*.botToken", "*.secret", "*.DATABASE_URL", "*.SECRET_BOX_KEY",
];

export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino({ level, base: undefined, mixin: logContextFields, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}
export type Logger = pino.Logger;
