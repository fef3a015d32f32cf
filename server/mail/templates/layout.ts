/**
 * One layout for every mail: the shop's logo or name on its primary colour, the blocks, a footer. Persian mail is
 * right-to-left (dir="rtl" on the root) with Vazirmatn first in the font stack and Tahoma (on every desktop client)
 * after it. Everything dynamic is HTML-escaped here, so templates pass plain text.
 */
import { readableForeground } from "#server/tenancy/index.ts";
import type { MailBrand, MailLocale } from "../types.ts";
import type { Block } from "./blocks.ts";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const FONTS: Record<MailLocale, string> = {
  en: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  fa: "Vazirmatn, Tahoma, 'Segoe UI', Arial, sans-serif",
};

export interface LayoutInput {
  brand: MailBrand;
  locale: MailLocale;
  subject: string;
  preheader?: string;
  blocks: Block[];
  /** Footer lines (why this mail was sent); an unsubscribe link for marketing mail. */
  footer: string[];
  unsubscribe?: { label: string; url: string };
}

function blockHtml(b: Block, brand: MailBrand, align: string): string {
  switch (b.kind) {
    case "heading":
      return `<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827">${esc(b.text)}</h1>`;
    case "paragraph":
      return `<p style="margin:0 0 14px;font-size:15px;line-height:1.6;color:#374151">${esc(b.text)}</p>`;
    case "note":
      return `<p style="margin:0 0 14px;font-size:13px;line-height:1.5;color:#6b7280">${esc(b.text)}</p>`;
    case "code":
      return `<p style="margin:0 0 14px;font-size:24px;letter-spacing:4px;font-family:ui-monospace,Menlo,Consolas,monospace;color:#111827" dir="ltr">${esc(b.text)}</p>`;
    case "button": {
      const fg = readableForeground(brand.accentColor);
      return `<table role="presentation" cellspacing="0" cellpadding="0" style="margin:8px 0 20px"><tr><td style="border-radius:6px;background:${brand.accentColor}"><a href="${esc(b.url)}" style="display:inline-block;padding:12px 22px;font-size:15px;font-weight:600;color:${fg};text-decoration:none">${esc(b.label)}</a></td></tr></table>`;
    }
    case "facts":
      return `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="margin:0 0 16px;font-size:14px">${b.rows
        .map((r) => `<tr><td style="padding:4px 0;color:#6b7280;text-align:${align}">${esc(r.label)}</td><td style="padding:4px 0;color:#111827;text-align:${align === "left" ? "right" : "left"}">${esc(r.value)}</td></tr>`)
        .join("")}</table>`;
    case "lines": {
      const other = align === "left" ? "right" : "left";
      const head = `<tr>${b.head.map((h, i) => `<th style="padding:6px 0;border-bottom:1px solid #e5e7eb;font-size:12px;color:#6b7280;text-align:${i === 0 ? align : other}">${esc(h)}</th>`).join("")}</tr>`;
      const rows = b.rows.map((r) => `<tr><td style="padding:8px 0;border-bottom:1px solid #f3f4f6;text-align:${align}">${esc(r.title)}</td><td style="padding:8px 0;border-bottom:1px solid #f3f4f6;text-align:${other}">${esc(r.quantity)}</td><td style="padding:8px 0;border-bottom:1px solid #f3f4f6;text-align:${other}">${esc(r.amount)}</td></tr>`).join("");
      const totals = b.totals.map((t, i) => `<tr><td colspan="2" style="padding:6px 0;text-align:${other};color:#6b7280">${esc(t.label)}</td><td style="padding:6px 0;text-align:${other};${i === b.totals.length - 1 ? "font-weight:700;color:#111827" : ""}">${esc(t.value)}</td></tr>`).join("");
      return `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="margin:0 0 18px;font-size:14px;color:#111827">${head}${rows}${totals}</table>`;
    }
  }
}

function blockText(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `${b.text}\n${"=".repeat(Math.min(60, b.text.length))}`;
    case "paragraph":
    case "note":
      return b.text;
    case "code":
      return `    ${b.text}`;
    case "button":
      return `${b.label}: ${b.url}`;
    case "facts":
      return b.rows.map((r) => `${r.label}: ${r.value}`).join("\n");
    case "lines":
      return [...b.rows.map((r) => `- ${r.title} × ${r.quantity}: ${r.amount}`), ...b.totals.map((t) => `${t.label}: ${t.value}`)].join("\n");
  }
}

export function layoutHtml(input: LayoutInput): string {
  const { brand, locale } = input;
  const dir = locale === "fa" ? "rtl" : "ltr";
  const align = dir === "rtl" ? "right" : "left";
  const headerFg = readableForeground(brand.primaryColor);
  const header = brand.logoUrl
    ? `<img src="${esc(brand.logoUrl)}" alt="${esc(brand.name)}" height="40" style="display:block;height:40px;max-width:200px;border:0">`
    : `<span style="font-size:20px;font-weight:700;color:${headerFg}">${esc(brand.name)}</span>`;
  const footer = [...input.footer.map(esc), ...(input.unsubscribe ? [`<a href="${esc(input.unsubscribe.url)}" style="color:#6b7280">${esc(input.unsubscribe.label)}</a>`] : [])]
    .map((l) => `<p style="margin:0 0 6px">${l}</p>`)
    .join("");
  return `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${esc(input.subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONTS[locale]}">
<span style="display:none;max-height:0;overflow:hidden">${esc(input.preheader ?? "")}</span>
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f3f4f6" dir="${dir}"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:600px;background:#ffffff;border-radius:10px;overflow:hidden;text-align:${align}">
<tr><td style="padding:18px 28px;background:${brand.primaryColor}">${header}</td></tr>
<tr><td style="padding:28px">${input.blocks.map((b) => blockHtml(b, brand, align)).join("\n")}</td></tr>
<tr><td style="padding:18px 28px;background:#f9fafb;font-size:12px;line-height:1.5;color:#6b7280">${footer}</td></tr>
</table></td></tr></table></body></html>`;
}

export function layoutText(input: LayoutInput): string {
  const parts = [input.brand.name, "", ...input.blocks.map(blockText).flatMap((t) => [t, ""]), "--", ...input.footer];
  if (input.unsubscribe) parts.push(`${input.unsubscribe.label}: ${input.unsubscribe.url}`);
  return parts.join("\n");
}
