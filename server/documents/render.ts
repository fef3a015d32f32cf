/**
 * An invoice or credit note as a PDF (G7-2, ADR 028), drawn with pdfkit in Vazirmatn (embedded, subset): one font
 * for Latin and Persian, so a Persian item on an English invoice still renders. Right-to-left documents mirror the
 * layout; every line goes through the bidi writer. Amounts are decimal strings formatted like the rest of the
 * platform (formatAmount), never floats.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import type { PaymentRail } from "@prisma/client";
import { formatAmount } from "#server/catalog/index.ts";
import { drawLine, isolateLtr, wrapLines } from "./bidi-text.ts";
import { LABELS, formatDocumentDate, type DocumentLocale } from "./labels.ts";
import { drawBrand } from "./brand-mark.ts";

export interface DocumentPdfInput {
  kind: "invoice" | "credit_note";
  locale: DocumentLocale;
  number: string;
  issuedAt: Date;
  /** A credit note's invoice. */
  credits: { number: string } | null;
  /** The buyer-facing order number (the first 8 characters of its id, as on the order page). */
  orderNumber: string;
  seller: { name: string; supportEmail: string | null; logo: Buffer | null };
  buyer: { email: string; shipTo: string[] | null };
  currency: string;
  lines: Array<{ description: string; quantity: number; unitPrice: string; lineTotal: string }>;
  subtotal: string;
  /** Shipping and tax as their own lines (ADR 035), on invoices of orders that have them. */
  shipping?: { amount: string; method: string | null } | null;
  tax?: { amount: string; included: boolean } | null;
  total: string;
  /** Only when the shop shows it (invoice_show_platform_fee); it is part of the total, not added to it. */
  platformFee: { amount: string; percent: string } | null;
  rail: PaymentRail;
  onChain: boolean;
  /** Only when the shop shows it (invoice_show_tx_hash) and the order was paid on chain. */
  txHash: string | null;
}

const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve("vazirmatn/package.json")), "fonts/ttf");
let fonts: { regular: Buffer; bold: Buffer } | undefined;
const loadFonts = () => (fonts ??= { regular: readFileSync(path.join(FONT_DIR, "Vazirmatn-Regular.ttf")), bold: readFileSync(path.join(FONT_DIR, "Vazirmatn-Bold.ttf")) });

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const LEFT = PAGE.margin;
const WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const INK = "#111827";
const MUTED = "#4b5563";
const RULE = "#d1d5db";

/** Table columns in reading order, as widths. */
const COLUMNS = { description: 235, quantity: 45, unitPrice: 105, lineTotal: 110 };

const ARABIC_LETTER = (cp: number) => (cp >= 0x600 && cp <= 0x6ff) || (cp >= 0xfb50 && cp <= 0xfeff);

/**
 * pdfkit maps a ligature glyph (Persian lam-alef) to its letters in logical order, but text extraction reverses a
 * right-to-left glyph run to get logical text back, and so turned "کالا" into "کاال". Listing such a glyph's letters
 * in visual order makes the round trip exact. pdfkit writes this map (ToUnicode) only at doc.end().
 */
function ligaturesInVisualOrder(doc: PDFKit.PDFDocument) {
  const fonts = (doc as unknown as { _fontFamilies: Record<string, { unicode?: number[][] }> })._fontFamilies;
  // A font is listed under its registered name and its PostScript name: reverse each one once.
  for (const font of new Set(Object.values(fonts))) {
    font.unicode?.forEach((cps, gid, all) => {
      if (cps.length > 1 && cps.every(ARABIC_LETTER)) all[gid] = [...cps].reverse();
    });
  }
}

export function renderDocumentPdf(input: DocumentPdfInput): Promise<Buffer> {
  const t = LABELS[input.locale];
  const dir = t.direction;
  const rtl = dir === "rtl";
  const title = input.kind === "invoice" ? t.invoice : t.creditNote;
  const doc = new PDFDocument({ size: "A4", margin: PAGE.margin, info: { Title: `${title} ${input.number}`, Author: input.seller.name } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const { regular, bold } = loadFonts();
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);

  // A box at [x, x + w] in reading order, placed on the page (mirrored for right-to-left documents).
  const place = (x: number, w: number) => (rtl ? LEFT + WIDTH - (x - LEFT) - w : x);
  const money = (amount: string) => isolateLtr(`${formatAmount(amount, input.currency)} ${input.currency}`);
  const ltr = (s: string) => isolateLtr(s);
  // What buyers and merchants typed (addresses, item titles) reads in its own direction inside the document's.
  const own = (s: string) => `\u2068${s}\u2069`;
  const write = (text: string, x: number, y: number, w: number, o: { size?: number; bold?: boolean; color?: string; align?: "start" | "end" } = {}) => {
    doc.font(o.bold ? "bold" : "regular").fontSize(o.size ?? 10).fillColor(o.color ?? INK);
    drawLine(doc, text, place(x, w), y, w, dir, o.align);
  };

  // Header: the shop's logo (or the platform wordmark) and name at the start, the title and number at the end.
  let y = PAGE.margin;
  drawBrand(doc, input.seller.logo, place(LEFT, 160), y, 160, rtl);
  write(own(input.seller.name), LEFT, y + 56, 260, { size: 14, bold: true });
  write(title, LEFT + 260, y, WIDTH - 260, { size: 22, bold: true, align: "end" });
  write(`${t.number}: ${ltr(input.number)}`, LEFT + 260, y + 32, WIDTH - 260, { align: "end" });
  write(`${t.date}: ${formatDocumentDate(input.issuedAt, input.locale)}`, LEFT + 260, y + 47, WIDTH - 260, { align: "end" });
  write(`${t.order}: ${ltr(`#${input.orderNumber}`)}`, LEFT + 260, y + 62, WIDTH - 260, { align: "end", color: MUTED });
  if (input.credits) write(t.credits(ltr(input.credits.number)), LEFT + 260, y + 77, WIDTH - 260, { align: "end", bold: true });

  // Parties: seller, buyer, and where the goods went.
  y += 110;
  const party = (x: number, w: number, heading: string, lines: string[]) => {
    write(heading, x, y, w, { size: 9, bold: true, color: MUTED });
    lines.forEach((line, i) => write(line, x, y + 15 + i * 14, w));
    return 15 + lines.length * 14;
  };
  const third = WIDTH / 3;
  const heights = [
    party(LEFT, third - 10, t.seller, [input.seller.name, ...(input.seller.supportEmail ? [ltr(input.seller.supportEmail)] : [])]),
    party(LEFT + third, third - 10, t.billedTo, [ltr(input.buyer.email)]),
    input.buyer.shipTo ? party(LEFT + 2 * third, third, t.shipTo, input.buyer.shipTo.map(own)) : 0,
  ];
  y += Math.max(...heights) + 20;

  // Lines.
  const col = { description: LEFT, quantity: LEFT + COLUMNS.description, unitPrice: LEFT + COLUMNS.description + COLUMNS.quantity, lineTotal: LEFT + WIDTH - COLUMNS.lineTotal };
  const header = () => {
    write(t.description, col.description, y, COLUMNS.description, { size: 9, bold: true, color: MUTED });
    write(t.quantity, col.quantity, y, COLUMNS.quantity, { size: 9, bold: true, color: MUTED, align: "end" });
    write(t.unitPrice, col.unitPrice, y, COLUMNS.unitPrice, { size: 9, bold: true, color: MUTED, align: "end" });
    write(t.lineTotal, col.lineTotal, y, COLUMNS.lineTotal, { size: 9, bold: true, color: MUTED, align: "end" });
    y += 16;
    doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(0.7).strokeColor(RULE).stroke();
    y += 6;
  };
  // Every further page says which document it belongs to.
  const newPage = () => {
    doc.addPage();
    write(`${title} ${ltr(input.number)}`, LEFT, PAGE.margin, WIDTH, { size: 9, color: MUTED });
    y = PAGE.margin + 24;
  };
  header();
  for (const line of input.lines) {
    doc.font("regular").fontSize(10);
    const wrapped = wrapLines(doc, line.description, COLUMNS.description - 8, dir);
    const height = wrapped.length * 14 + 6;
    if (y + height > BOTTOM - 40) {
      newPage();
      header();
    }
    wrapped.forEach((text, i) => write(own(text), col.description, y + i * 14, COLUMNS.description - 8));
    write(ltr(String(line.quantity)), col.quantity, y, COLUMNS.quantity, { align: "end" });
    write(money(line.unitPrice), col.unitPrice, y, COLUMNS.unitPrice, { align: "end" });
    write(money(line.lineTotal), col.lineTotal, y, COLUMNS.lineTotal, { align: "end" });
    y += height;
  }
  doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(0.7).strokeColor(RULE).stroke();
  y += 8;

  // Totals, then how it was paid.
  if (y > BOTTOM - 130) newPage();
  const labelX = col.quantity;
  const labelW = COLUMNS.quantity + COLUMNS.unitPrice;
  const total = (label: string, amount: string, o: { bold?: boolean; size?: number } = {}) => {
    write(label, labelX, y, labelW, { ...o, align: "end" });
    write(money(amount), col.lineTotal, y, COLUMNS.lineTotal, { ...o, align: "end" });
    y += (o.size ?? 10) + 8;
  };
  total(t.subtotal, input.subtotal);
  if (input.shipping) total(input.shipping.method ? `${t.shipping} · ${own(input.shipping.method)}` : t.shipping, input.shipping.amount);
  if (input.tax) total(input.tax.included ? t.taxIncluded : t.tax, input.tax.amount);
  if (input.platformFee) total(t.platformFee(input.platformFee.percent), input.platformFee.amount);
  total(input.kind === "invoice" ? t.total : t.refunded, input.total, { bold: true, size: 13 });

  y += 16;
  write(t.paymentMethod, LEFT, y, WIDTH, { size: 9, bold: true, color: MUTED });
  write(input.onChain ? `${t.rails[input.rail]} (${t.onChain})` : t.rails[input.rail], LEFT, y + 15, WIDTH);
  y += 32;
  if (input.txHash) {
    write(`${t.transaction}: ${ltr(input.txHash)}`, LEFT, y, WIDTH, { size: 8, color: MUTED });
    y += 16;
  }
  write(input.kind === "invoice" ? t.footer : t.creditFooter, LEFT, Math.max(y + 20, BOTTOM - 20), WIDTH, { size: 9, color: MUTED });
  ligaturesInVisualOrder(doc);
  doc.end();
  return done;
}
