/**
 * The header's mark: the shop's own logo (PNG or JPEG from its uploads), else the platform wordmark, drawn here as
 * vectors so it is never absent (G7-7) and needs no file.
 */

/** What pdfkit can embed, by magic bytes (GIF and WebP logos fall back to the wordmark). */
export function embeddableImage(bytes: Buffer | null): Buffer | null {
  if (!bytes) return null;
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  return png || jpeg ? bytes : null;
}

/** Same mark as the dashboard's header: an indigo tile with an "S", then the name. */
export const PLATFORM_WORDMARK = "Storefront";

function drawWordmark(doc: PDFKit.PDFDocument, x: number, y: number, width: number, rtl: boolean) {
  const tile = 28;
  doc.font("bold").fontSize(11);
  const nameWidth = doc.widthOfString(PLATFORM_WORDMARK);
  const start = rtl ? x + width - tile - 8 - nameWidth : x;
  doc.roundedRect(start, y, tile, tile, 6).fill("#4f46e5");
  doc.fillColor("#ffffff").fontSize(14).text("S", start, y + 5, { width: tile, align: "center", lineBreak: false });
  doc.fillColor("#111827").fontSize(11).text(PLATFORM_WORDMARK, start + tile + 8, y + 6, { lineBreak: false });
}

export function drawBrand(doc: PDFKit.PDFDocument, logo: Buffer | null, x: number, y: number, width: number, rtl: boolean) {
  if (logo) {
    try {
      doc.image(logo, x, y, { fit: [width, 48], ...(rtl ? { align: "right" as const } : {}) });
      return;
    } catch {
      // A file that passed the upload sniffing but that pdfkit cannot decode: the wordmark stands in.
    }
  }
  drawWordmark(doc, x, y, width, rtl);
}
