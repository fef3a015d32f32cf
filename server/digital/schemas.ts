/** Merchant input for a digital item (ADR 039). */
import { z } from "zod";

export const DIGITAL_FILE_MAX_BYTES = 200 * 1024 * 1024;
export const DEFAULT_DOWNLOAD_LIMIT = 5;
export const KEYS_PER_UPLOAD = 10_000;
export const KEY_MAX_LENGTH = 500;

export const digitalSettingsSchema = z.object({
  /** An https link the buyer gets (a course, a shared folder); empty clears it. */
  linkUrl: z.union([z.literal(""), z.url({ protocol: /^https$/, error: "Use an https:// link." }).max(2000)]).nullish(),
  downloadLimit: z.coerce.number().int().min(1).max(100).optional(),
});
export type DigitalSettingsInput = z.infer<typeof digitalSettingsSchema>;

/** Licence keys, one per line; blank lines are skipped. */
export const licenceKeysSchema = z.object({
  keys: z.string().max(KEYS_PER_UPLOAD * (KEY_MAX_LENGTH + 2)),
});

/** The keys in a pasted text: trimmed, blank lines dropped, repeats within the text dropped. */
export function parseKeys(text: string) {
  const keys = [...new Set(text.split(/\r?\n/).map((k) => k.trim()).filter(Boolean))];
  const tooLong = keys.findIndex((k) => k.length > KEY_MAX_LENGTH);
  return { keys, tooLong: tooLong >= 0 ? tooLong + 1 : null };
}

/** The name a download is saved under: the uploaded name without any path, control or quote characters. */
export function cleanFileName(raw: string | undefined) {
  let name = raw ?? "";
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not URL-encoded: take it as it is.
  }
  // eslint-disable-next-line no-control-regex
  name = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 200);
  return name || "download.bin";
}
