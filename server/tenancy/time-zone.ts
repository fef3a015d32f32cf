/** The shop's time zone setting (ADR 031): the zone its figures, days and monthly statements are counted in. */
import { z } from "zod";

/** Whether Intl knows `name` as a time zone. */
export function isTimeZone(name: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA zone name ("Europe/Berlin", "UTC"), stored in Intl's canonical spelling. Offsets like "+03:00" are refused:
 * Intl reads them as ISO offsets but Postgres as POSIX ones, with the sign the other way round.
 */
export const timeZoneSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, "must be a time zone name like Europe/Berlin")
  .refine(isTimeZone, "is not a time zone this server knows")
  .transform((name) => new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone);
