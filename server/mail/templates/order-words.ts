/**
 * What every order mail shares: amounts (formatAmount, decimal strings only, Persian digits in Persian), dates, the
 * rail's name and PAY-3 disclosure in the words the checkout and the order page use (English from the money module,
 * Persian here), and the table of lines and totals.
 */
import { z } from "zod";
import type { PaymentRail } from "@prisma/client";
import { formatAmount } from "#server/catalog/index.ts";
import { PROTECTION_LABELS, RAIL_COPY, stripeDisclosure } from "#server/money/index.ts";
import { PAYMENT_RAILS } from "#server/tenancy/shared.ts";
import type { MailLocale } from "../types.ts";
import type { Block } from "./blocks.ts";

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const iso = z.iso.datetime({ offset: true });

/** The order as buyer mail shows it; built by prepare.ts from the order row. */
export const orderMailData = z.object({
  orderNumber: z.string().min(1).max(20),
  placedAt: iso,
  currency: z.string().min(1).max(10),
  lines: z.array(z.object({ title: z.string().max(300), quantity: z.number().int().positive(), unitPrice: decimal, lineTotal: decimal })).min(1),
  subtotal: decimal,
  /** Shipping and tax lines (ADR 035); absent or null when the order has none. */
  shipping: decimal.nullable().optional(),
  tax: z.object({ amount: decimal, included: z.boolean() }).nullable().optional(),
  total: decimal,
  /** The platform fee (included in the total), only when the shop discloses it; else null. */
  fee: decimal.nullable(),
  rail: z.enum(PAYMENT_RAILS),
  /** Card orders: the merchant's Stripe business name (the PAY-3 disclosure names it). */
  cardBusinessName: z.string().max(200).nullable(),
  orderUrl: z.url(),
});
export type OrderMailData = z.infer<typeof orderMailData>;

/** What merchant order mail shows: the order in short and where it is in the dashboard. */
export const merchantOrderData = orderMailData.omit({ orderUrl: true, cardBusinessName: true, placedAt: true }).extend({ dashboardUrl: z.url() });
export type MerchantOrderData = z.infer<typeof merchantOrderData>;

const FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/** Persian digits and separators in Persian mail; identifiers (order numbers, codes, URLs) never go through here. */
export function localDigits(text: string, locale: MailLocale) {
  if (locale !== "fa") return text;
  return text.replace(/(\d),(?=\d)/g, "$1٬").replace(/(\d)\.(?=\d)/g, "$1٫").replace(/\d/g, (d) => FA_DIGITS[Number(d)]!);
}

/** "1250.5" USD → "1,250.50 USD" (fa: "۱٬۲۵۰٫۵۰ USD"): formatAmount's decimals, thousands grouped, no float anywhere. */
export function money(amount: string, currency: string, locale: MailLocale) {
  const [int = "0", frac] = formatAmount(amount, currency).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return localDigits(`${grouped}${frac === undefined ? "" : `.${frac}`} ${currency}`, locale);
}

const DATES: Record<MailLocale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }),
  fa: new Intl.DateTimeFormat("fa-IR", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }),
};

/** "7 December 2026 at 14:05 UTC" / "۱۶ آذر ۱۴۰۵ ساعت ۱۴:۰۵ (UTC)": shops have no time zone yet, so UTC, said. */
export function when(isoText: string, locale: MailLocale) {
  const text = DATES[locale].format(new Date(isoText));
  return locale === "fa" ? `${text} (UTC)` : `${text} UTC`;
}

/** A left-to-right identifier (order number, host name) inside Persian text, kept whole by a bidi isolate. */
export const ltr = (text: string) => `\u2066${text}\u2069`;

export const quantity = (n: number, locale: MailLocale) => localDigits(String(n), locale);

const RAIL_FA: Record<PaymentRail, { name: string; text: string; protection: string }> = {
  escrow: {
    name: "پرداخت امانی",
    text: "پلتفرم پرداخت شما را نگه می‌دارد و فقط پس از آنکه تحویل را تأیید کنید، آن را به فروشگاه می‌پردازد.",
    protection: "محافظت‌شده با پرداخت امانی",
  },
  direct: { name: "پرداخت مستقیم", text: "فروشگاه به محض پرداخت، پول شما را دریافت می‌کند.", protection: "پرداخت از طریق پلتفرم — بدون محافظت پرداخت امانی" },
  external_provider: { name: "درگاه پرداخت", text: "مبلغ به درگاه پرداخت فروشگاه پرداخت می‌شود.", protection: "پرداخت به درگاه پرداخت — پرداخت امانی شامل آن نمی‌شود" },
  manual_invoice: {
    name: "صورتحساب",
    text: "دستور پرداخت را دریافت می‌کنید و فروشگاه پس از رسیدن پرداخت، آن را تأیید می‌کند.",
    protection: "پرداخت با صورتحساب به فروشگاه — بدون محافظت پرداخت امانی",
  },
};

/** The rail as the buyer was shown it at checkout and on the order page (PAY-3: the disclosure word for word). */
export function railWords(d: { rail: PaymentRail; cardBusinessName?: string | null }, locale: MailLocale) {
  const card = d.rail === "external_provider" && d.cardBusinessName ? d.cardBusinessName : null;
  if (locale === "fa") {
    const fa = RAIL_FA[d.rail];
    return card ? { name: "کارت بانکی", text: fa.text, protection: `پرداخت به ${card} از طریق Stripe — پرداخت امانی شامل آن نمی‌شود` } : fa;
  }
  return { name: card ? "Card" : RAIL_COPY[d.rail].name, text: RAIL_COPY[d.rail].text, protection: card ? stripeDisclosure(card) : PROTECTION_LABELS[d.rail] };
}

const LABELS = {
  en: { item: "Item", qty: "Qty", amount: "Amount", subtotal: "Subtotal", shipping: "Shipping", tax: "Tax", taxIncluded: "Tax (included)", fee: "Platform fee (included)", total: "Total", order: "Order", placed: "Placed", rail: "Payment method", protection: "Protection" },
  fa: { item: "کالا", qty: "تعداد", amount: "مبلغ", subtotal: "جمع جزء", shipping: "هزینه ارسال", tax: "مالیات", taxIncluded: "مالیات (در قیمت‌ها)", fee: "کارمزد پلتفرم (در مبلغ کل)", total: "مبلغ کل", order: "سفارش", placed: "تاریخ ثبت", rail: "روش پرداخت", protection: "محافظت" },
} as const satisfies Record<MailLocale, Record<string, string>>;

export const label = (locale: MailLocale, key: keyof (typeof LABELS)["en"]) => LABELS[locale][key];

/** The lines with their totals (and the fee when the shop discloses it). */
export function linesBlock(d: Pick<OrderMailData, "lines" | "subtotal" | "total" | "fee" | "currency" | "shipping" | "tax">, locale: MailLocale): Block {
  const m = (a: string) => money(a, d.currency, locale);
  const totals = [
    ...(d.subtotal !== d.total || d.shipping || d.tax ? [{ label: label(locale, "subtotal"), value: m(d.subtotal) }] : []),
    ...(d.shipping ? [{ label: label(locale, "shipping"), value: m(d.shipping) }] : []),
    ...(d.tax ? [{ label: label(locale, d.tax.included ? "taxIncluded" : "tax"), value: m(d.tax.amount) }] : []),
    ...(d.fee !== null ? [{ label: label(locale, "fee"), value: m(d.fee) }] : []),
    { label: label(locale, "total"), value: m(d.total) },
  ];
  return {
    kind: "lines",
    head: [label(locale, "item"), label(locale, "qty"), label(locale, "amount")],
    rows: d.lines.map((l) => ({ title: l.title, quantity: quantity(l.quantity, locale), amount: m(l.lineTotal) })),
    totals,
  };
}

/** Order number, date, payment method and its disclosure. */
export function orderFacts(d: Pick<OrderMailData, "orderNumber" | "placedAt" | "rail" | "cardBusinessName">, locale: MailLocale): Block {
  const rail = railWords(d, locale);
  return {
    kind: "facts",
    rows: [
      { label: label(locale, "order"), value: `#${d.orderNumber}` },
      { label: label(locale, "placed"), value: when(d.placedAt, locale) },
      { label: label(locale, "rail"), value: rail.name },
      { label: label(locale, "protection"), value: rail.protection },
    ],
  };
}

/** Why a buyer gets order mail, and the order link's label. */
export const BUYER_FOOTER = {
  en: (d: { orderNumber: string }) => `You get this email because you placed order #${d.orderNumber}.`,
  fa: (d: { orderNumber: string }) => `این ایمیل را دریافت می‌کنید چون سفارش ${ltr(`#${d.orderNumber}`)} را ثبت کرده‌اید.`,
};
export const VIEW_ORDER = { en: "View your order", fa: "مشاهدهٔ سفارش" };

/**
 * The usual mail: the heading and the "body" sentence, what the template adds, its button, then notes; the "footer"
 * line says why the recipient gets it.
 */
export function standardMail(t: (key: "heading" | "body" | "footer") => string, middle: Block[], button: { label: string; url: string }, after: Block[] = []) {
  return {
    preheader: t("body"),
    blocks: [{ kind: "heading", text: t("heading") }, { kind: "paragraph", text: t("body") }, ...middle, { kind: "button", ...button }, ...after] satisfies Block[],
    footer: [t("footer")],
  };
}

/** A block only when the condition holds. */
export const shown = (condition: unknown, block: Block): Block[] => (condition ? [block] : []);
