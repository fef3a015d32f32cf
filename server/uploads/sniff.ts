/**
 * Upload type by magic bytes (docs/security.md 12): the declared name and Content-Type are ignored. SVG and anything
 * that looks like markup are refused — an SVG can carry script, and we serve files from the shop's own origin.
 */
export interface Sniffed {
  contentType: "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/x-icon";
  ext: string;
}

const starts = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

export function sniffImage(bytes: Uint8Array): Sniffed | null {
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: "image/png", ext: "png" };
  if (starts(bytes, [0xff, 0xd8, 0xff])) return { contentType: "image/jpeg", ext: "jpg" };
  if (starts(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) {
    return { contentType: "image/gif", ext: "gif" };
  }
  if (starts(bytes, [0x52, 0x49, 0x46, 0x46]) && starts(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return { contentType: "image/webp", ext: "webp" };
  if (starts(bytes, [0x00, 0x00, 0x01, 0x00]) && bytes.length > 6) return { contentType: "image/x-icon", ext: "ico" };
  return null;
}

/** Whether the bytes look like SVG/XML/HTML, for a precise refusal message. */
export function looksLikeMarkup(bytes: Uint8Array) {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("utf8").replace(/^\uFEFF/, "").trimStart().toLowerCase();
  return head.startsWith("<");
}
