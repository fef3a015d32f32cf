/** The words on an invoice or credit note, in each language a shop can issue them in (ADR 028). */
import type { PaymentRail } from "@prisma/client";

export const DOCUMENT_LOCALES = ["en", "fa"] as const;
export type DocumentLocale = (typeof DOCUMENT_LOCALES)[number];

/** The shop's first language when it is one documents speak ("fa-IR" → fa), else English. */
export function documentLocale(localeDefaults: readonly string[]): DocumentLocale {
  const first = localeDefaults[0]?.slice(0, 2).toLowerCase();
  return DOCUMENT_LOCALES.find((l) => l === first) ?? "en";
}

export interface DocumentLabels {
  direction: "ltr" | "rtl";
  invoice: string;
  creditNote: string;
  number: string;
  date: string;
  order: string;
  seller: string;
  billedTo: string;
  shipTo: string;
  description: string;
  quantity: string;
  unitPrice: string;
  lineTotal: string;
  subtotal: string;
  shipping: string;
  tax: string;
  taxIncluded: string;
  platformFee: (percent: string) => string;
  total: string;
  refunded: string;
  credits: (invoiceNumber: string) => string;
  paymentMethod: string;
  rails: Record<PaymentRail, string>;
  onChain: string;
  transaction: string;
  footer: string;
  creditFooter: string;
}

export const LABELS: Record<DocumentLocale, DocumentLabels> = {
  en: {
    direction: "ltr",
    invoice: "Invoice",
    creditNote: "Credit note",
    number: "Number",
    date: "Date",
    order: "Order",
    seller: "Seller",
    billedTo: "Billed to",
    shipTo: "Ship to",
    description: "Description",
    quantity: "Qty",
    unitPrice: "Unit price",
    lineTotal: "Amount",
    subtotal: "Subtotal",
    shipping: "Shipping",
    tax: "Tax",
    taxIncluded: "Tax (included)",
    platformFee: (percent) => `Platform fee (${percent}, included)`,
    total: "Total",
    refunded: "Refunded",
    credits: (invoiceNumber) => `Credits invoice ${invoiceNumber}`,
    paymentMethod: "Payment method",
    rails: {
      escrow: "Escrow: held by the platform until delivery is confirmed",
      direct: "Direct payment to the shop",
      external_provider: "Card",
      manual_invoice: "Bank transfer (invoice)",
    },
    onChain: "on chain",
    transaction: "Transaction",
    footer: "Thank you for your order.",
    creditFooter: "The amount above was refunded to the buyer.",
  },
  fa: {
    direction: "rtl",
    invoice: "فاکتور فروش",
    creditNote: "یادداشت بستانکاری",
    number: "شماره",
    date: "تاریخ",
    order: "سفارش",
    seller: "فروشنده",
    billedTo: "خریدار",
    shipTo: "ارسال به",
    description: "شرح کالا",
    quantity: "تعداد",
    unitPrice: "قیمت واحد",
    lineTotal: "مبلغ",
    subtotal: "جمع جزء",
    shipping: "هزینه ارسال",
    tax: "مالیات",
    taxIncluded: "مالیات (در قیمت‌ها)",
    platformFee: (percent) => `کارمزد پلتفرم (${percent}، شامل مبلغ)`,
    total: "جمع کل",
    refunded: "مبلغ بازپرداخت",
    credits: (invoiceNumber) => `بابت فاکتور ${invoiceNumber}`,
    paymentMethod: "روش پرداخت",
    rails: {
      escrow: "امانی: نزد پلتفرم تا تأیید تحویل",
      direct: "پرداخت مستقیم به فروشگاه",
      external_provider: "کارت بانکی",
      manual_invoice: "حواله بانکی (فاکتور)",
    },
    onChain: "روی زنجیره",
    transaction: "تراکنش",
    footer: "از خرید شما سپاسگزاریم.",
    creditFooter: "مبلغ بالا به خریدار بازگردانده شد.",
  },
};

/** The document's date: Gregorian in English, the Solar Hijri calendar in Persian (Latin digits, UTC). */
export function formatDocumentDate(date: Date, locale: DocumentLocale) {
  const tag = locale === "fa" ? "fa-IR-u-nu-latn" : "en-GB";
  return new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" }).format(date);
}
