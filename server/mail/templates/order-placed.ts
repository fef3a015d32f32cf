/**
 * Buyer mail from placing the order to its shipping: confirmation, payment received, shipped, delivery code reminder.
 * Every one carries the order link (the buyer's key to the order), so they are `sensitive`: scrubbed once delivered.
 */
import { z } from "zod";
import { defineTemplate } from "./define.ts";
import { BUYER_FOOTER as footer, VIEW_ORDER as viewOrder, linesBlock, ltr, money, orderFacts, orderMailData, railWords, shown, standardMail, when } from "./order-words.ts";

const iso = z.iso.datetime({ offset: true });


export const orderConfirmation = defineTemplate({
  name: "order.confirmation",
  sensitive: true,
  data: orderMailData.extend({ payBy: iso.nullable() }),
  text: {
    en: {
      subject: (d) => `Your order #${d.orderNumber}`,
      heading: "Thank you for your order",
      body: (d) => `We have your order #${d.orderNumber}. Here is what you ordered.`,
      payBy: (d) => (d.payBy ? `Pay by ${when(d.payBy, "en")}, or the order is cancelled and nothing is charged.` : ""),
      button: viewOrder.en,
      keep: "Keep this email: the link is your key to the order page. Anyone who has it can see the order, so do not share it.",
      footer: footer.en,
    },
    fa: {
      subject: (d) => `سفارش شما به شمارهٔ ${ltr(`#${d.orderNumber}`)}`,
      heading: "از خرید شما سپاسگزاریم",
      body: (d) => `سفارش ${ltr(`#${d.orderNumber}`)} شما ثبت شد. جزئیات آن در ادامه آمده است.`,
      payBy: (d) => (d.payBy ? `لطفاً تا ${when(d.payBy, "fa")} پرداخت کنید؛ در غیر این صورت سفارش لغو می‌شود و مبلغی از شما کسر نمی‌شود.` : ""),
      button: viewOrder.fa,
      keep: "این ایمیل را نگه دارید: این پیوند کلید ورود به صفحهٔ سفارش شماست. هر کسی که آن را داشته باشد می‌تواند سفارش را ببیند، پس آن را با کسی به اشتراک نگذارید.",
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [
    orderFacts(d, locale),
    linesBlock(d, locale),
    { kind: "paragraph", text: railWords(d, locale).text },
    ...shown(d.payBy, { kind: "paragraph", text: t("payBy") }),
  ], { label: t("button"), url: d.orderUrl }, [{ kind: "note", text: t("keep") }]),
});

export const orderPaymentReceived = defineTemplate({
  name: "order.payment_received",
  sensitive: true,
  data: orderMailData.extend({ paidAt: iso, invoiceAttached: z.boolean() }),
  text: {
    en: {
      subject: (d) => `Payment received for order #${d.orderNumber}`,
      heading: "We received your payment",
      body: (d) => d.rail === "escrow"
        ? `Your payment of ${money(d.total, d.currency, "en")} is held in escrow. The shop is preparing your order and is paid only after you confirm delivery.`
        : `The shop has your payment of ${money(d.total, d.currency, "en")} and is preparing your order.`,
      paid: (d) => `Paid on ${when(d.paidAt, "en")}.`,
      invoice: "Your invoice is attached to this email.",
      button: viewOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `پرداخت سفارش ${ltr(`#${d.orderNumber}`)} دریافت شد`,
      heading: "پرداخت شما دریافت شد",
      body: (d) => d.rail === "escrow"
        ? `مبلغ ${money(d.total, d.currency, "fa")} که پرداخت کردید به‌صورت امانی نگهداری می‌شود. فروشگاه در حال آماده کردن سفارش شماست و فقط پس از آنکه تحویل را تأیید کنید، مبلغ را دریافت می‌کند.`
        : `فروشگاه مبلغ ${money(d.total, d.currency, "fa")} را دریافت کرد و در حال آماده کردن سفارش شماست.`,
      paid: (d) => `تاریخ پرداخت: ${when(d.paidAt, "fa")}`,
      invoice: "صورتحساب شما پیوست این ایمیل است.",
      button: viewOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [
    { kind: "note", text: t("paid") },
    ...shown(d.invoiceAttached, { kind: "paragraph", text: t("invoice") }),
    orderFacts(d, locale),
    linesBlock(d, locale),
  ], { label: t("button"), url: d.orderUrl }),
});

/** The carrier, number and tracking link of "Mark shipped" (issue 22, ADR 036); null when shipped without tracking. */
const tracking = z.object({ carrier: z.string().max(100).nullable(), number: z.string().max(100).nullable(), url: z.url().nullable() }).nullable();

export const orderShipped = defineTemplate({
  name: "order.shipped",
  sensitive: true,
  data: orderMailData.extend({ shippedAt: iso, tracking }),
  text: {
    en: {
      subject: (d) => `Order #${d.orderNumber} is on its way`,
      heading: "Your order is on its way",
      body: (d) => `The shop shipped order #${d.orderNumber} on ${when(d.shippedAt, "en")}.`,
      carrier: "Carrier",
      number: "Tracking number",
      track: "Track your parcel",
      next: "Your order page shows a delivery code: give it to the courier or the shop only once the order is in your hands.",
      button: viewOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `سفارش ${ltr(`#${d.orderNumber}`)} در راه است`,
      heading: "سفارش شما در راه است",
      body: (d) => `فروشگاه سفارش ${ltr(`#${d.orderNumber}`)} را در ${when(d.shippedAt, "fa")} ارسال کرد.`,
      carrier: "شرکت حمل",
      number: "کد رهگیری",
      track: "رهگیری مرسوله",
      next: "در صفحهٔ سفارش شما یک کد تحویل هست: آن را فقط وقتی سفارش به دستتان رسید، به پیک یا فروشگاه بدهید.",
      button: viewOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => {
    const tr = d.tracking;
    const rows = [
      ...(tr?.carrier ? [{ label: t("carrier"), value: tr.carrier }] : []),
      ...(tr?.number ? [{ label: t("number"), value: tr.number }] : []),
    ];
    return standardMail(t, [
      ...shown(rows.length, { kind: "facts", rows }),
      ...shown(tr?.url, { kind: "button", label: t("track"), url: tr?.url ?? "" }),
      linesBlock(d, locale),
      { kind: "paragraph", text: t("next") },
    ], { label: t("button"), url: d.orderUrl });
  },
});

/**
 * Where the delivery code is and when to give it — never the code itself: mail may go through the shop's own SMTP
 * server (G6), and the code is what releases an escrow payment to that same shop (ADR 029).
 */
export const orderDeliveryCode = defineTemplate({
  name: "order.delivery_code",
  sensitive: true,
  data: orderMailData.pick({ orderNumber: true, rail: true, orderUrl: true }),
  text: {
    en: {
      subject: (d) => `Your delivery code for order #${d.orderNumber}`,
      heading: "Your delivery code is on your order page",
      body: "Open your order page to see your 6-digit delivery code. For your safety the code is never sent by email.",
      when: "Give it to the courier or the shop only on delivery, once your order is in your hands. Never share it before.",
      effect: (d) => `Entering the code confirms that you received your order${d.rail === "escrow" ? ", and your payment is then released to the shop" : ""}.`,
      button: "See your delivery code",
      footer: footer.en,
    },
    fa: {
      subject: (d) => `کد تحویل سفارش ${ltr(`#${d.orderNumber}`)}`,
      heading: "کد تحویل شما در صفحهٔ سفارش است",
      body: "برای دیدن کد ۶ رقمی تحویل، صفحهٔ سفارش خود را باز کنید. برای امنیت شما، این کد هرگز با ایمیل فرستاده نمی‌شود.",
      when: "این کد را فقط هنگام تحویل و وقتی سفارش به دستتان رسید، به پیک یا فروشگاه بدهید. پیش از آن هرگز آن را به کسی نگویید.",
      effect: (d) => `وارد کردن این کد یعنی سفارش را دریافت کرده‌اید${d.rail === "escrow" ? " و پس از آن مبلغ پرداختی شما به فروشگاه پرداخت می‌شود" : ""}.`,
      button: "دیدن کد تحویل",
      footer: footer.fa,
    },
  },
  build: (d, t) => standardMail(t, [{ kind: "paragraph", text: t("when") }, { kind: "note", text: t("effect") }], { label: t("button"), url: d.orderUrl }),
});
